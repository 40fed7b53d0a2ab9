"""The docker backend: every host of a site is its own container, started through testcontainers.

The engine session and cleanup are ``oedr.harness.backends.docker``; one host and its faults are
``oedr.harness.backends.docker_host``; this module creates the hosts of a scenario and removes them.
"""

from __future__ import annotations

import contextlib
import re
from concurrent.futures import Future, ThreadPoolExecutor

import docker.errors

from oedr.harness.backends import images, reaper
from oedr.harness.backends.base import Backend
from oedr.harness.backends.docker import RUN_LABEL, session
from oedr.harness.backends.docker_host import DEFAULT_OWNER, DockerHost, OpenEdgeLikeContainer

DATA_ROOT = "/data"


# --- the backend ------------------------------------------------------------------------------------
class DockerBackend(Backend):
    """The emulator in containers: one container per host, built image reused for the whole session."""

    name = "docker"
    host_class: type[DockerHost] = DockerHost

    def __init__(self, image: str = "", **_options: str) -> None:
        self.session = session()
        self.image = image or images.emulator_image(self.session.client)
        reaper.watch(self.session.client, self.session.run_id, RUN_LABEL, self.image)  # before any host exists
        try:
            self.image_id = str(self.session.client.images.get(self.image).id)
        except docker.errors.DockerException:
            self.image_id = ""  # recorded as unknown; the run itself reports the missing image
        self.hosts: list[DockerHost] = []
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="oedr-docker")

    def data_root(self) -> str:
        return DATA_ROOT

    def host_env(self) -> dict[str, str]:
        """Environment of every command on every host (beyond OEDR_HOST and friends)."""
        return {}

    def prepare(self, box: OpenEdgeLikeContainer) -> None:
        """Hook for subclasses: finish a freshly started host container (licence, programs)."""

    def start_box(
        self, host: str, root: str, disk_kb: int | None = None, owner: tuple[int, int] = DEFAULT_OWNER
    ) -> Future[OpenEdgeLikeContainer]:
        """Create and start a host's container in the background; the future gives it once it answers."""
        labels = dict(self.session.labels)

        def start() -> OpenEdgeLikeContainer:
            box = OpenEdgeLikeContainer(
                self.image,
                host=host,
                root=root,
                labels=labels,
                env=self.host_env(),
                disk_kb=disk_kb,
                api_version=self.session.client.api.api_version,
                owner=owner,
            )
            try:
                box.start()
            finally:
                if box._container is not None:
                    self.session.adopt(str(box._container.id))
            self.prepare(box)
            return box

        return self._pool.submit(start)

    def create_host(self, name: str) -> DockerHost:
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,62}", name):
            raise ValueError(f"host name {name!r} must be a DNS label (lower case letters, digits, -)")
        host = self.host_class(name, f"{self.data_root()}/{name}", self)
        self.hosts.append(host)
        return host

    def close(self) -> None:
        """Remove every host's container, in parallel; containers whose start failed are removed too."""
        list(self._pool.map(lambda host: host.remove(), self.hosts))
        self.hosts.clear()
        self._pool.shutdown(wait=True)

    def describe(self) -> dict[str, str]:
        facts = {"backend": self.name, "run": self.session.run_id}
        with contextlib.suppress(docker.errors.DockerException):
            facts.update({k: str(v) for k, v in images.describe_image(self.session.client, self.image).items()})
            facts["engine"] = str(self.session.client.version().get("Version", ""))
        return facts
