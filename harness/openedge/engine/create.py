"""Creating database files from a structure: prostrct create (void db) and the empty-schema seed."""

from __future__ import annotations

import uuid
from pathlib import Path

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.clock import now_us
from oedr.harness.openedge.dbfiles import aifile, bilog, control, extents
from oedr.harness.openedge.dbfiles.control import AreaInfo, Control, ExtentInfo, Master
from oedr.harness.openedge.dbfiles.structure import ResolvedExtent
from oedr.harness.openedge.engine.database import not_a_directory
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import StateError, UsageError

BLOCK_SIZES = (1024, 2048, 4096, 8192)
DEFAULT_BLOCK_SIZE = 4096  # semantics.md does not give the default; 4 KB is OpenEdge's UNIX default [inferred]
DEFAULT_ST = "b .\nd .\n"


def areas_from(resolved: list[ResolvedExtent]) -> list[AreaInfo]:
    areas: dict[int, AreaInfo] = {}
    for ext in resolved:
        area = areas.setdefault(ext.area, AreaInfo(ext.area, ext.area_name, ext.kind, ext.rpb, ext.bpc))
        area.extents.append(ExtentInfo(ext.number, ext.path, ext.fixed, ext.size_kb))
    return sorted(areas.values(), key=lambda a: (a.kind != "d", a.kind, a.number))


def check_targets(name: DbName, resolved: list[ResolvedExtent]) -> None:
    """Refuse before writing anything: existing db or extent, missing directory."""
    if name.db.exists():
        raise StateError(m.DB_EXISTS.bind(db=name.display))
    seen = set()
    for ext in resolved:
        path = Path(ext.path)
        if path.exists() or ext.path in seen:
            raise StateError(m.DB_EXISTS.bind(db=ext.path))
        if not path.parent.is_dir():
            raise not_a_directory(path.parent)
        seen.add(ext.path)


def create_void(name: DbName, resolved: list[ResolvedExtent], block_size: int) -> Control:
    """Write every extent and a void control area (mb_dbstate 16: no schema yet)."""
    if block_size not in BLOCK_SIZES:
        raise UsageError(m.BAD_NUMBER.bind(utility="prostrct", param="-blocksize", value=str(block_size)))
    check_targets(name, resolved)
    stamp = now_us()
    master = Master(db_id=uuid.uuid4().hex, block_size=block_size, created=stamp, last_open=stamp, lstmod=stamp)
    ctl = Control(master, areas_from(resolved))
    written: list[Path] = []
    try:
        for area, ext in ctl.all_extents():
            path = Path(ext.path)
            if area.kind == "a":
                aifile.create(path, ext.number, master.db_id, block_size, ext.fixed, ext.size_kb)
            elif area.kind == "b":
                bilog.create(path, {"db_id": master.db_id, "created": stamp, "base_lsn": 0}, master.bi_block_size)
            else:
                fields = extents.header_fields(master.db_id, area.number, ext.number, area.kind, stamp, stamp)
                extents.create_extent(path, fields, block_size, ext.fixed, ext.size_kb)
            written.append(path)
        control.write(name.db, ctl, sync=True)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return ctl


def seed_empty(ctl: Control) -> None:
    """Give a void database the empty schema ($DLC/empty): usable, never backed up, AI off."""
    master = ctl.master
    master.state = control.CLOSED
    master.lstmod = max(now_us(), master.lstmod + 1)
    master.chgd = True
    master.hiwater = {str(a.number): 0 for a in ctl.of_kind("d")}
