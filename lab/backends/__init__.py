"""Where the lab's services run: ``LAB_BACKEND=auto|local|docker``.

``local`` runs them as processes on this machine (lab.backends.local), ``docker`` as
containers (lab.backends.docker, imported only when chosen: it needs the docker SDK).
``auto`` picks Docker when an engine answers and the images are present, else ``local``.
"""

from __future__ import annotations

from lab.backends.base import Backend, ServiceInfo
from lab.config import LabConfig
from lab.i18n import t

__all__ = ["Backend", "ServiceInfo", "choose_backend", "backend_named"]


def backend_named(name: str, cfg: LabConfig) -> Backend:
    """The backend called ``name`` ("local" or "docker") for ``cfg``."""
    if name == "docker":
        from lab.backends.docker import DockerBackend

        return DockerBackend(cfg)
    from lab.backends.local import LocalBackend

    return LocalBackend(cfg)


def choose_backend(cfg: LabConfig) -> tuple[Backend, str]:
    """The backend ``cfg.backend`` asks for, and a sentence saying why it was chosen."""
    if cfg.backend in ("local", "docker"):
        return backend_named(cfg.backend, cfg), f"LAB_BACKEND={cfg.backend}"
    name, reason = _auto(cfg)
    return backend_named(name, cfg), reason


def _auto(cfg: LabConfig) -> tuple[str, str]:
    """LAB_BACKEND=auto: Docker when an engine answers and the images are there, else local."""
    try:
        from lab.backends.docker import available
    except ImportError as e:  # no docker SDK in this Python
        ok, why = False, t("err.backend.no_sdk", error=e)
    else:
        ok, why = available(cfg)
    if ok:
        return "docker", t("err.backend.auto_docker", why=why)
    return "local", t("err.backend.auto_local", why=why)
