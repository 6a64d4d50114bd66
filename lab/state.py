"""What ``up`` remembers about the running lab: its config and backend (``<state>/lab.json``).

``status``, ``latency``, ``run`` and ``down`` use the recorded config, so they reach the lab
that is running even if the environment changed since ``up``.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from lab.config import LabConfig


def _file(cfg: LabConfig):
    return cfg.state_path / "lab.json"


def save(cfg: LabConfig, backend: str) -> None:
    cfg.state_path.mkdir(parents=True, exist_ok=True)
    _file(cfg).write_text(json.dumps({"backend": backend, "config": asdict(cfg)}, indent=2))


def load(cfg: LabConfig) -> tuple[LabConfig, str] | None:
    """(recorded config, backend name) of the lab started from ``cfg``'s state dir, if any."""
    try:
        data = json.loads(_file(cfg).read_text())
        recorded = LabConfig(**data["config"]).with_(state_dir=cfg.state_dir)
        return recorded, data["backend"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget(cfg: LabConfig) -> None:
    _file(cfg).unlink(missing_ok=True)
