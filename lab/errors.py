"""The one kind of error the lab's command line shows to people: a sentence and a next step."""

from __future__ import annotations


class LabError(Exception):
    """Something the learner can fix; ``hint`` says how. The CLI prints both, no traceback."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  {self.hint}" if self.hint else self.message
