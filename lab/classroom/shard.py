"""``--shard I/N``: a deterministic slice of the roster, for grading a class on N machines.

A learner belongs to shard ``1 + sha256(name) mod N``: the slice depends on the learner's
name only, so it is the same whatever the order of the roster's lines, and adding or
removing a learner moves nobody else. (The price: slices are balanced only on average;
with 40 learners and 4 shards expect 6 to 14 per shard.) I is 1-based, as in "1/4";
Kubernetes' ``JOB_COMPLETION_INDEX`` is 0-based: pass ``$((JOB_COMPLETION_INDEX + 1))/N``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from lab.errors import LabError
from lab.i18n import t


@dataclass(frozen=True)
class Shard:
    index: int  # 1..total
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"

    def has(self, learner: str) -> bool:
        return shard_of(learner, self.total) == self.index


ALL = Shard(1, 1)


def shard_of(learner: str, total: int) -> int:
    digest = hashlib.sha256(learner.encode()).digest()
    return 1 + int.from_bytes(digest[:8], "big") % total


def parse(text: str | None) -> Shard:
    """``"I/N"`` with 1 <= I <= N; None or "" is the whole roster."""
    if not text:
        return ALL
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise LabError(t("class.bad_shard", text=text), t("class.bad_shard_fix"))
    return Shard(int(m.group(1)), int(m.group(2)))
