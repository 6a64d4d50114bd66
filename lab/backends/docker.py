"""The lab in containers: ``compose.yaml`` run by Docker Compose (v2 or v1).

The containers publish the same ports as the embedded lab on ``LAB_HOST`` (127.0.0.1), so
nothing else (CLI, grader, exercises) can tell the backends apart. Compose starts them;
the Docker SDK answers everything else: are the images there, is each container running
and healthy (Compose v1 has no ``--wait``, so ``up`` polls health itself, for both).

One Compose *project* per lab, named after the checkout (``gevent-lab-<8 hex digits of the
sha1 of its path>``, plus 6 more of the state dir's when ``LAB_STATE_DIR`` is not the default),
so on a shared engine one user's ``lab-down`` never touches another's containers, and a
test stack never touches the learner's lab.
"""

from __future__ import annotations

import hashlib
import os
import re
from typing import Any

import docker
import docker.errors

from lab import envfile, health, ports, proxies, state, wait
from lab.backends import compose
from lab.backends.base import Backend, ServiceInfo
from lab.config import REPO_ROOT, LabConfig
from lab.errors import LabError, log_excerpt
from lab.i18n import t

OFFICIAL_TOXIPROXY = "ghcr.io/shopify/toxiproxy:2.12.0"
OWN_IMAGES = {
    "httpbin": "gevent-lab/httpbin",
    "dns": "gevent-lab/dns",
    "toxiproxy": "gevent-lab/toxiproxy",
}
SERVICES = tuple(health.SERVICES)
HEALTHY_TIMEOUT_S = 90.0  # healthy in ~5 s with cached images; the machine may be busy
ANSWER_TIMEOUT_S = 20.0  # then the published ports must answer from the host


def _fallback() -> str:
    """The way out every Docker error offers, in the learner's language."""
    return t("err.docker.fallback")


class NoAccess(LabError):
    """A Docker engine runs, but this user may not use its socket."""


# -- the engine and the images ----------------------------------------------------------------
def engine() -> docker.DockerClient:
    """A client of an engine that answers, or a LabError saying why there is none."""
    try:
        client = docker.from_env(timeout=30)
        client.ping()
        return client
    except docker.errors.DockerException as e:
        text = str(e)
    if "Permission denied" in text or "PermissionError" in text:
        raise NoAccess(
            t("err.docker.permission"), t("err.docker.permission.hint", fallback=_fallback())
        )
    raise LabError(
        t("err.docker.none", reason=_first_line(text)),
        t("err.docker.none.hint", fallback=_fallback()),
    )


def toxiproxy_image(client: docker.DockerClient) -> tuple[str, str]:
    """The Toxiproxy image to run and why: $TOXIPROXY_IMAGE, else the official image when
    present, else the lab's own build when present, else the official one (to be pulled)."""
    chosen = os.environ.get("TOXIPROXY_IMAGE") or envfile.read().get("TOXIPROXY_IMAGE")
    if chosen:
        return chosen, "TOXIPROXY_IMAGE"
    if _present(client, OFFICIAL_TOXIPROXY):
        return OFFICIAL_TOXIPROXY, "the official image"
    if _present(client, OWN_IMAGES["toxiproxy"]):
        return OWN_IMAGES["toxiproxy"], "the lab's own build (the official image is absent)"
    return OFFICIAL_TOXIPROXY, "the official image (not present yet)"


def missing_images(client: docker.DockerClient) -> list[str]:
    """The images ``up`` needs that are not on the engine (no pull attempted)."""
    wanted = [OWN_IMAGES["httpbin"], OWN_IMAGES["dns"], toxiproxy_image(client)[0]]
    return [image for image in wanted if not _present(client, image)]


def available(cfg: LabConfig) -> tuple[bool, str]:
    """For LAB_BACKEND=auto: can the Docker backend start right now, and why (not)."""
    try:
        client = engine()
    except NoAccess:  # the short reason; `LAB_BACKEND=docker` shows the full one
        return False, t("err.backend.no_access")
    except LabError:
        return False, t("err.backend.no_engine")
    except Exception as e:  # the docker SDK itself failing: not our business in `auto`
        return False, t("err.backend.sdk_failed", error=e)
    missing = missing_images(client)
    if missing:
        return False, t("err.backend.images_missing", images=", ".join(missing))
    return True, t("err.backend.ready")


def _present(client: docker.DockerClient, image: str) -> bool:
    try:
        client.images.get(image)
        return True
    except docker.errors.ImageNotFound:
        return False


# -- the backend -------------------------------------------------------------------------------
class DockerBackend(Backend):
    """The three services as Compose containers; state lives in the engine (labels)."""

    name = "docker"

    @property
    def project(self) -> str:
        """This lab's Compose project name (see the module's docstring)."""
        return project_name(self.cfg)

    def up(self) -> dict[str, ServiceInfo]:
        client = engine()
        image, why = toxiproxy_image(client)
        self._ensure_images(client, image)
        before = self._containers(client)
        was_running = {svc for svc, c in before.items() if c.status == "running"}
        if not was_running:
            # Only when none of ours runs: else our own containers hold these ports.
            ports.ensure_free(self.cfg.host, self.cfg.bindings())
        comp = compose.find(self.cfg.state_path)
        result = comp.run(
            self.project, ["up", "-d", "--no-build", "--remove-orphans"], self._compose_env(image)
        )
        if result.returncode != 0:
            raise self._up_error(result.stdout + result.stderr, comp)
        try:
            containers = self._wait_healthy(client)
            self._wait_answering(["toxiproxy"])  # its API, published: else nothing to ask
            proxies.populate(self.cfg, proxies.load())  # as in -config, if it was deleted
            self._wait_answering(list(SERVICES))
        except BaseException:
            if not was_running:  # leave no half-started lab behind
                comp.run(self.project, ["down", "--remove-orphans"], self._compose_env(image))
            raise
        infos = {svc: self._info(c) for svc, c in containers.items()}
        for svc, info in infos.items():
            info.action = "running" if svc in was_running else "started"
        infos["toxiproxy"].note = why
        return infos

    def down(self) -> dict[str, bool]:
        try:
            client = engine()
        except LabError:
            return {svc: False for svc in SERVICES}  # no engine: nothing of ours can run
        before = self._containers(client)
        if before or self._networks(client):
            image = toxiproxy_image(client)[0]
            comp = compose.find(self.cfg.state_path)
            result = comp.run(
                self.project, ["down", "--remove-orphans", "-t", "5"], self._compose_env(image)
            )
            if result.returncode != 0:
                raise LabError(
                    t(
                        "err.docker.down_failed",
                        compose=comp.label,
                        reason=_first_line(result.stderr or result.stdout),
                    ),
                    t("err.docker.down_failed.hint", project=self.project),
                )
        return {svc: svc in before and before[svc].status == "running" for svc in SERVICES}

    def status(self) -> dict[str, ServiceInfo]:
        try:
            client = engine()
        except LabError as e:
            return {
                svc: ServiceInfo(running=False, state="no engine", note=e.message)
                for svc in SERVICES
            }
        found = self._containers(client)
        return {
            svc: self._info(found[svc]) if svc in found else ServiceInfo(False, state="absent")
            for svc in SERVICES
        }

    # -- helpers -----------------------------------------------------------------------------
    def _containers(self, client: docker.DockerClient) -> dict:
        """This project's containers, by Compose service name (fresh from the engine)."""
        listed = client.containers.list(
            all=True, filters={"label": f"com.docker.compose.project={self.project}"}
        )
        return {c.labels.get("com.docker.compose.service"): c for c in listed}

    def _networks(self, client: docker.DockerClient) -> list:
        return client.networks.list(filters={"label": f"com.docker.compose.project={self.project}"})

    def _compose_env(self, toxiproxy_image: str) -> dict[str, str]:
        """What compose.yaml substitutes: the ports of this lab and the Toxiproxy image."""
        return {**self.cfg.to_env(), "TOXIPROXY_IMAGE": toxiproxy_image}

    def _ensure_images(self, client: docker.DockerClient, toxiproxy: str) -> None:
        """Every image present, pulling only the Toxiproxy one (ours are built locally)."""
        for svc in ("httpbin", "dns"):
            if not _present(client, OWN_IMAGES[svc]):
                raise LabError(
                    t("err.docker.not_built", image=OWN_IMAGES[svc]),
                    t("err.docker.not_built.hint", fallback=_fallback()),
                )
        if _present(client, toxiproxy):
            return
        try:
            client.images.pull(toxiproxy)
        except docker.errors.DockerException as e:
            raise LabError(
                t("err.docker.pull", image=toxiproxy, reason=_first_line(str(e))),
                t("err.docker.pull.hint", fallback=_fallback()),
            ) from None

    def _wait_healthy(self, client: docker.DockerClient) -> dict:
        """Poll the engine until every service's container is running and healthy."""
        found: dict = {}

        def all_healthy() -> dict | None:
            found.clear()
            found.update(self._containers(client))
            for svc in SERVICES:
                _refuse_dead(found.get(svc), svc)
            ready = all(
                svc in found
                and found[svc].status == "running"
                and _health(found[svc]) in ("healthy", None)
                for svc in SERVICES
            )
            return {svc: found[svc] for svc in SERVICES} if ready else None

        containers = wait.until(all_healthy, HEALTHY_TIMEOUT_S, interval=0.5)
        if containers is None:
            states = ", ".join(f"{svc}: {_describe(found.get(svc))}" for svc in SERVICES)
            raise LabError(
                t("err.docker.not_healthy", seconds=HEALTHY_TIMEOUT_S, states=states),
                t("err.docker.read_logs"),
            )
        return containers

    def _wait_answering(self, names: list[str]) -> None:
        """Healthy inside is not enough: the published ports must answer from the host."""
        watch = health.Watch(
            trouble=lambda name: None,  # _wait_healthy has seen each container run
            log_lines=lambda name: [],
            log_hint=lambda name: t("err.docker.published", host=self.cfg.host),
            what="container",
        )
        health.wait_answering(self.cfg, names, ANSWER_TIMEOUT_S, watch)

    def _up_error(self, output: str, comp: compose.Compose) -> LabError:
        taken = re.search(
            r"(?:[\d.]+:)?(\d+) failed: port is already allocated|"
            r"listen (?:tcp|udp)4? [\d.]+:(\d+): bind: address already in use",
            output,
        )
        if taken:
            port = taken.group(1) or taken.group(2)
            env = next((b.env for b in self.cfg.bindings() if str(b.port) == port), "a LAB_*_PORT")
            return LabError(
                t("err.docker.port_in_use", port=port, host=self.cfg.host, env=env),
                t("err.docker.port_in_use.hint", env=env),
            )
        return LabError(
            t(
                "err.docker.up_failed",
                compose=comp.label,
                output="\n  ".join(output.strip().splitlines()[-8:]),
            ),
            t("err.docker.up_failed.hint", fallback=_fallback()),
        )

    @staticmethod
    def _info(c) -> ServiceInfo:
        health_status = _health(c)  # reloads: attrs become the full inspect output
        return ServiceInfo(
            running=c.status == "running",
            pid=c.attrs["State"].get("Pid") or None,
            log=f"docker logs {c.name}",
            container=c.name,
            state=c.status,
            health=health_status,
            image=c.attrs["Config"]["Image"],
        )


def project_name(cfg: LabConfig) -> str:
    """``gevent-lab-<checkout id>``, plus a digest of the state dir unless it is ``.lab``."""
    name = f"gevent-lab-{state.checkout_id()}"
    if cfg.state_path.resolve() == (REPO_ROOT / ".lab").resolve():
        return name
    return f"{name}-{hashlib.sha1(str(cfg.state_path.resolve()).encode()).hexdigest()[:6]}"


def _refuse_dead(c: Any, svc: str) -> None:
    """A LabError with the container's last log lines if it exited or is unhealthy."""
    if c is None:
        return
    if c.status in ("exited", "dead"):
        message = t("err.docker.exited", service=svc)
    elif _health(c) == "unhealthy":
        message = t("err.docker.unhealthy", service=svc)
    else:
        return
    raise LabError(message + _logs(c), t("err.read_log", log=f"docker logs {c.name}"))


def _health(container) -> str | None:
    """ "starting", "healthy", "unhealthy", or None for a container without a healthcheck."""
    container.reload()
    return (container.attrs.get("State", {}).get("Health") or {}).get("Status")


def _describe(container) -> str:
    if container is None:
        return "absent"
    h = _health(container)
    return f"{container.status}{', ' + h if h else ''}"


def _logs(container, lines: int = 5) -> str:
    """The last lines of a container's log, formatted to show under an error."""
    try:
        text = container.logs(tail=lines).decode(errors="replace").rstrip()
    except docker.errors.DockerException:
        return ""
    return log_excerpt(text.splitlines())


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0][:200]
