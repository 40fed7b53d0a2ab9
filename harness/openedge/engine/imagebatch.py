"""Block after-images applied in bulk, for roll forward's hot loop.

Every image is checked as it is added (its block checksum and dbkey: a damaged one refuses with 90001) and
re-stamped with the next LSN and the backup counter; only the newest image of each block is kept in memory,
and a flush writes each kept block once, in block order, consecutive blocks of an extent in one write. The
blocks on disk after a flush are exactly those that applying the images one by one would leave, since each
image replaces the whole block. What differs is what a crash in the middle leaves: fewer blocks written, which
an interrupted roll forward never relies on (a retry applies the file's notes again from its first).

The batch flushes by itself once it holds ``limit`` bytes, so that memory stays bounded whatever the AI size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.dbfiles import extents
from oedr.harness.openedge.dbfiles.framing import FrameError
from oedr.harness.openedge.errors import DamagedError

if TYPE_CHECKING:  # the database module imports the engine: a type, not an import
    from oedr.harness.openedge.engine.database import Database

FLUSH_BYTES = 64 * 1024 * 1024


class ImageBatch:
    """The newest checked image of each block touched since the last flush."""

    def __init__(self, db: Database, limit: int = FLUSH_BYTES) -> None:
        self.db = db
        self.limit = limit
        self._pending: dict[tuple[int, int], bytes] = {}
        self._block_size = db.ctl.master.block_size

    def add(self, area: int, block_no: int, image: bytes) -> None:
        master = self.db.ctl.master
        padded = image.ljust(self._block_size, b"\0")
        try:
            block = extents.restamp(padded, block_no, area, self.db.next_lsn(), master.backup.buseq)
        except FrameError as exc:
            raise DamagedError(m.DB_DAMAGED.bind(db=self.db.name.display, reason=str(exc))) from None
        self._pending[(area, block_no)] = block
        key = str(area)
        if block_no > master.hiwater.get(key, 0):
            master.hiwater[key] = block_no
        if len(self._pending) * self._block_size >= self.limit:
            self.flush()

    def flush(self) -> None:
        """Write every pending block once, area by area in block order."""
        by_area: dict[int, list[tuple[int, bytes]]] = {}
        for (area, number), block in sorted(self._pending.items()):
            by_area.setdefault(area, []).append((number, block))
        self._pending.clear()
        for area, blocks in by_area.items():
            self.db.area_files(area).write_many(blocks)
