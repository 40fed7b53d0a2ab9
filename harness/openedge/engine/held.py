"""The files a running broker holds open: the control area, the BI, every data extent and the BUSY AI extent.

OpenEdge's broker opens them at start-up and keeps them open until it shuts down (semantics §3.1), which
is what ``fuser sports.db`` and ``lsof`` rely on to say "the broker is using this database". The
emulator's database code opens files per operation, so the broker keeps these descriptors besides, only
to be their holder; nothing is read or written through them (an emulator choice; they are opened read-write,
as a broker's own are [inferred], so ``lsof`` shows them as ``u``). The set follows the database as the broker
changes it: the AI extent held is the BUSY one after every switch (and none once AI is disabled), and
the control area, which is replaced whole on every write (``dbfiles.control.write``), is held through
the descriptor that wrote the new one, so there is no moment at which the broker holds a stale copy.
"""

from __future__ import annotations

import os
from pathlib import Path

from oedr.harness.openedge.dbfiles.control import Control


def extent_paths(ctl: Control) -> set[str]:
    """The extents a broker holds: BI and data extents, and the BUSY AI extent while AI is enabled."""
    paths = {ext.path for area, ext in ctl.all_extents() if area.kind in ("b", "d")}
    ai = ctl.master.ai
    extents = ctl.ai_extents()
    if ai.enabled and 0 < ai.busy_extent <= len(extents):
        paths.add(extents[ai.busy_extent - 1].path)
    return paths


class HeldFiles:
    """Open descriptors on a database's files, kept in step with its control area."""

    def __init__(self, control_path: Path) -> None:
        self.control_path = control_path
        self._control: int | None = None
        self._extents: dict[str, int] = {}

    def follow(self, ctl: Control, control_fd: int | None = None) -> None:
        """Hold what ``ctl`` names now; ``control_fd`` is a descriptor on the control area just written."""
        if control_fd is None and self._control is None:
            control_fd = os.open(self.control_path, os.O_RDWR)
        if control_fd is not None:
            if self._control is not None:
                os.close(self._control)
            self._control = control_fd
        wanted = extent_paths(ctl)
        for path in set(self._extents) - wanted:
            os.close(self._extents.pop(path))
        for path in wanted - set(self._extents):
            try:
                self._extents[path] = os.open(path, os.O_RDWR)
            except OSError:
                continue  # a missing extent is the open's to report (43/1990), not the holder's

    def paths(self) -> set[str]:
        """What is held now (the control area's path included)."""
        held = set(self._extents)
        if self._control is not None:
            held.add(str(self.control_path))
        return held

    def release(self) -> None:
        for fd in self._extents.values():
            os.close(fd)
        self._extents.clear()
        if self._control is not None:
            os.close(self._control)
            self._control = None
