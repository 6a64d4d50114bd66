"""What a grading changes in the lab is written down first, so that a grader killed half-way
(``kill -9``, a closed terminal) is repaired by the next ``gevent-lab check`` or ``up``.

``<state dir>/grading.json`` holds the running grader's marker (lab.grading.containment),
whether it started the lab itself, and the learner's toxics and DNS delay while an exercise
runs under the grader's. ``repair`` finds it with its grader gone and puts things back: it
stops processes that grader left, stops the lab it had started, or restores the settings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from lab import atomic, health
from lab.config import LabConfig
from lab.control import LabControl, ToxicSpec
from lab.grading import containment
from lab.grading.evidence import EXTRA_PREFIX
from lab.i18n import t

FILE = "grading.json"


def _path(cfg: LabConfig) -> Path:
    return cfg.state_path / FILE


def _read(cfg: LabConfig) -> dict:
    try:
        data = json.loads(_path(cfg).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(cfg: LabConfig, data: dict) -> None:
    try:
        atomic.write_json(_path(cfg), data, indent=None)
    except OSError:
        pass  # an unwritable state dir costs the repair after a crash, not the grading


def begin(cfg: LabConfig, started_lab: bool) -> None:
    """A grading starts using ``cfg``'s lab (which it started itself, or not)."""
    _write(cfg, {"grader": containment.mark(), "started_lab": started_lab})


def end(cfg: LabConfig) -> None:
    _path(cfg).unlink(missing_ok=True)


def save_settings(cfg: LabConfig, toxics: dict[str, list[ToxicSpec]], dns_delay: int) -> None:
    """The learner's settings, before an exercise replaces them."""
    data = _read(cfg) or {"grader": containment.mark(), "started_lab": False}
    data["settings"] = {
        "toxics": {name: [asdict(t) for t in ts] for name, ts in toxics.items()},
        "dns_delay": dns_delay,
    }
    _write(cfg, data)


def settings_restored(cfg: LabConfig) -> None:
    data = _read(cfg)
    if data.pop("settings", None) is not None:
        _write(cfg, data)


def repair(cfg: LabConfig, say: Callable[[str], None] = print) -> None:
    """Undo what a killed grader left in ``cfg``'s lab; say what was done."""
    left = containment.stale()
    if left:
        say(t("repair.processes", n=len(left), first=left[0]))
    data = _read(cfg)
    grader = data.get("grader")
    if not grader or containment.alive(str(grader)):
        return
    if data.get("started_lab"):
        from lab import lifecycle

        lifecycle.down(cfg)
        say(t("repair.lab"))
    elif isinstance(data.get("settings"), dict) and _lab_answers(cfg):
        _restore(cfg, data["settings"])
        say(t("repair.settings"))
    end(cfg)  # a lab that has stopped since starts with its defaults: nothing to put back


def _lab_answers(cfg: LabConfig) -> bool:
    """Whether any of the lab's services answers (a half-up lab still fails loudly)."""
    return len(health.silent(cfg)) < len(health.SERVICES)


def _restore(cfg: LabConfig, settings: dict) -> None:
    lab = LabControl(cfg)
    toxics = {name: [ToxicSpec(**t) for t in ts] for name, ts in settings.get("toxics", {}).items()}
    lab.restore_toxics(toxics)
    lab.set_dns_delay(int(settings.get("dns_delay", 0)))
    for name in lab.proxies():  # extra proxies it had made on the lab's own Toxiproxy
        if name.startswith(EXTRA_PREFIX):
            lab.delete_proxy(name)
