"""Workload the harness drives on a host, whatever the backend: clients that keep committing.

(A load in the background, ``Site.start_load``, is one ``oeclient DB load`` command; this is a loop of
client sessions driven from here, so that each acknowledged transaction is known as it comes back.)
"""

from __future__ import annotations

import threading

from oedr.harness.backends.base import UNREACHABLE, Host
from oedr.harness.dba import readings
from oedr.harness.result import CommandResult
from oedr.harness.waiting import poll_until


class CommitLoop:
    """A client session after another, each committing ``batch`` transactions, until stopped or refused.

    Only transactions whose ``committed`` line came back count as acknowledged: those are the ones a
    crash must never lose. A batch cut short by a fault is not acknowledged (its output never arrived).
    The client runs on the host, so it freezes with it: while the host is paused no new session starts.
    ``baseline`` is how many records the database held before the client started.
    """

    def __init__(self, host: Host, db: str, batch: int = 10, baseline: int = 0) -> None:
        self.host, self.db, self.batch, self.baseline = host, db, batch, baseline
        self.acknowledged: list[tuple[int, int]] = []
        self.last: CommandResult | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"oedr-commits-{host.name}")

    def start(self) -> CommitLoop:
        self._thread.start()
        return self

    def _frozen(self) -> bool:
        return getattr(self.host, "state", "running") == "paused"

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._frozen():
                poll_until(
                    lambda: not self._frozen() or self._stop.is_set(),
                    timeout=3600,
                    interval=0.05,
                    what=f"{self.host.name} to resume",
                )
                continue
            result = self.host.run(f"oeclient {self.db} commit --count {self.batch}")
            self.last = result
            if result.exit_status == UNREACHABLE and self._frozen():
                continue
            if result.exit_status != 0:
                return
            self.acknowledged.extend((c.trid, c.time_us) for c in readings.commits(result.stdout))

    def wait_for(self, count: int, timeout: float = 120) -> None:
        """Until at least ``count`` transactions are acknowledged (fails if the client stops first)."""

        def enough() -> bool:
            if not self._thread.is_alive() and len(self.acknowledged) < count:
                detail = self.last.describe() if self.last else "no command ran"
                raise RuntimeError(f"the client stopped after {len(self.acknowledged)} transactions\n{detail}")
            return len(self.acknowledged) >= count

        poll_until(enough, timeout=timeout, interval=0.05, what=f"{count} acknowledged transactions")

    def stop(self, timeout: float = 120) -> list[tuple[int, int]]:
        """Stop after the current batch (which ends at once if its host died); the acknowledged (trid, time)."""
        self._stop.set()
        self._thread.join(timeout=timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"the client on {self.host.name} did not stop within {timeout}s")
        return list(self.acknowledged)

    @property
    def last_trid(self) -> int:
        """The highest acknowledged transaction id (0 if none)."""
        return max((trid for trid, _ in self.acknowledged), default=0)

    @property
    def expected_records(self) -> int:
        """Records a database that lost nothing holds up to ``last_trid``: those before, plus every acknowledged."""
        return self.baseline + len(self.acknowledged)
