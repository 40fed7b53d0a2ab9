"""prostrct create | list | repair | unlock (semantics §1.2, §3.8; DOC PROSTRCT).

create writes a void database from a .st; list prints the structure and writes it back as a .st;
repair rewrites the extent paths recorded in the control area (no crash recovery, AI untouched:
KB-P23580); unlock clears the in-use state after a lost extent.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import number, take_params, usage
from oedr.harness.openedge.dbfiles import aifile, backup, bilog, control, extents, lockfile, structure
from oedr.harness.openedge.dbfiles.structure import format_line
from oedr.harness.openedge.engine import create as creation
from oedr.harness.openedge.engine.database import clear_stale_lock, read_control, refuse_if_locked
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import StateError, UsageError
from oedr.harness.openedge.outcome import Outcome

SYNTAX = "prostrct {create|list|repair|unlock} db-name [structure-description-file] [-blocksize n]"
AREA_TYPES = {"d": 6, "b": 3, "t": 4, "a": 7}  # ControlArea is 6 as well; AI area type 7 is [inferred]


def create(args: list[str]) -> Outcome:
    params, rest = take_params("prostrct", args, with_value=["-blocksize"])
    if not rest or len(rest) > 2:
        raise usage("prostrct", "create needs a database name", SYNTAX)
    name = DbName.parse(rest[0])
    st_path = Path(rest[1]) if len(rest) > 1 else name.st
    block_size = number("prostrct", "-blocksize", params.get("-blocksize", str(creation.DEFAULT_BLOCK_SIZE)))
    if block_size not in creation.BLOCK_SIZES:
        raise UsageError(m.BAD_NUMBER.bind(utility="prostrct", param="-blocksize", value=str(block_size)))
    st = structure.read(st_path)
    structure.check_sizes(st, block_size)
    resolved = structure.resolve(st, name.stem, Path.cwd())
    creation.create_void(name, resolved, block_size)
    return Outcome(0, [m.CREATED.bind(db=name.display, block_size=block_size)])


_LIST_ORDER = {"b": 0, "d": 1, "a": 2, "t": 3}


def _listing(name: DbName, ctl: control.Control) -> tuple[list[str], list[str]]:
    """The display lines and the .st lines of ``prostrct list``, in the DOC sample's order and fields (§1.2).

    The Control Area, then the Primary Recovery Area, then the data areas, the AI areas and the Transaction
    Log Area. Records/Blck and Cluster Size are shown for the Control Area and data areas only, as the
    sample's BI line has neither; the AI and Transaction Log lines take the BI line's shape, an emulator
    choice (the sample shows neither in full). Each Block Size is the block size the emulator frames that
    file in: the BI's own (8 KB by default, §3.3), the database's for data, AI and transaction-log areas."""
    bs = ctl.master.block_size
    text = [
        f"AreaName: ControlArea, Type 6, Block Size {bs}, Extents 1, Records/Blck 32, Cluster Size 1",
        f"   Ext # 1, Type VARIABLE, Size 32 KByte, Name: {name.db}",
    ]
    st_lines = []
    for area in sorted(ctl.areas, key=lambda a: (_LIST_ORDER[a.kind], a.number)):
        head = f"AreaName: {area.name}, Type {AREA_TYPES[area.kind]}, "
        if area.kind == "d":
            head += f"Block Size {bs}, Extents {len(area.extents)}, Records/Blck {area.rpb}, Cluster Size {area.bpc}"
        else:
            head += f"Block Size {ctl.master.bi_block_size if area.kind == 'b' else bs}, Extents {len(area.extents)}"
        text.append(head)
        for ext in area.extents:
            kind = "FIXED" if ext.fixed else "VARIABLE"
            text.append(f"   Ext # {ext.number}, Type {kind}, Size {ext.size_kb} KByte, Name: {ext.path}")
            st_lines.append(
                format_line(area.kind, area.name, area.number, area.rpb, area.bpc, ext.path, ext.fixed, ext.size_kb)
            )
    return text, st_lines


def list_structure(args: list[str]) -> Outcome:
    _params, rest = take_params("prostrct", args, with_value=[], flags=["-RO"])
    if not rest or len(rest) > 2:
        raise usage("prostrct", "list needs a database name", "prostrct list db-name [structure-description-file]")
    name = DbName.parse(rest[0])
    if not name.db.exists():
        raise StateError(m.LIST_NOT_FOUND.bind(path=str(name.db)))
    ctl = read_control(name)
    out_path = Path(rest[1]) if len(rest) > 1 else name.st
    text, st_lines = _listing(name, ctl)
    if "-RO" not in _params:
        refuse_database_file(name, ctl, out_path)
        try:
            out_path.write_text("\n".join(st_lines) + "\n", encoding="utf-8")
        except OSError as exc:  # a missing directory, a directory, no permission: 43, the old .st untouched
            if exc.errno == errno.ENOSPC:
                raise  # the disk-full message (6091)
            raise StateError(m.CANNOT_OPEN_FILE.bind(path=str(out_path), errno=exc.errno or 2)) from None
    return Outcome(0, text=text)


DB_MAGICS = {
    control.MAGIC: "a control area",
    extents.EXTENT_MAGIC: "a data extent",
    bilog.MAGIC: "a before-image file",
    aifile.MAGIC: "an after-image file",
}


def refuse_database_file(name: DbName, ctl: control.Control, out_path: Path) -> None:
    """The listing goes to a .st, never over a file a database needs: its own control area, extents, .lk and
    .lg by path, and any other database's file (or backup volume) by its magic number (an emulator choice:
    the reference does not say what a real prostrct list does with such a target; 90140 is emulator-assigned)."""
    own = {name.db, name.lk, name.lg} | {Path(e.path) for _a, e in ctl.all_extents()}
    if out_path in own or out_path.resolve() in {p.resolve() for p in own}:
        raise StateError(m.LIST_OVER_DB_FILE.bind(path=str(out_path), what=f"a file of database {name.display}"))
    try:
        with out_path.open("rb") as existing:
            head = existing.read(backup.TEXT_SIZE + len(backup.MAGIC))
    except OSError:
        return  # not there, or not readable: the write reports it (43)
    what = DB_MAGICS.get(head[:8])
    if what is None and head[backup.TEXT_SIZE :] == backup.MAGIC:
        what = "a backup volume"
    if what is not None:
        raise StateError(m.LIST_OVER_DB_FILE.bind(path=str(out_path), what=what))


def repair(args: list[str]) -> Outcome:
    _params, rest = take_params("prostrct", args, with_value=[])
    if not rest or len(rest) > 2:
        raise usage("prostrct", "repair needs a database name", "prostrct repair db-name [structure-description-file]")
    name = DbName.parse(rest[0])
    ctl = read_control(name)
    refuse_if_locked(name)
    st_path = Path(rest[1]) if len(rest) > 1 else name.st
    resolved = structure.resolve(structure.read(st_path), name.stem, Path.cwd())
    new_areas = creation.areas_from(resolved)
    old = {(a.kind, a.number): a for a in ctl.areas}
    new = {(a.kind, a.number): a for a in new_areas}
    _check_same_extents(old, new, st_path)
    for area in new.values():
        for ext in area.extents:
            if not Path(ext.path).exists():
                raise StateError(m.CANNOT_OPEN_FILE.bind(path=ext.path, errno=2))
    changed = 0
    for key, area in old.items():
        for ext, new_ext in zip(area.extents, new[key].extents, strict=True):
            changed += ext.path != new_ext.path
            ext.path = new_ext.path
    control.write(name.db, ctl, sync=True)
    return Outcome(0, [m.REPAIR_DONE.bind(count=changed, db=name.display)])


def _extent_kind(ext: control.ExtentInfo) -> str:
    return f"fixed {ext.size_kb} KB" if ext.fixed else "variable"


def _check_same_extents(
    old: dict[tuple[str, int], control.AreaInfo], new: dict[tuple[str, int], control.AreaInfo], st_path: Path
) -> None:
    """Repair only re-points extents: the same areas, extents, types and fixed sizes (DOC, KB-P23580)."""
    if old.keys() != new.keys() or any(len(old[k].extents) != len(new[k].extents) for k in old):
        raise StateError(m.ST_MISMATCH.bind(path=str(st_path), reason="repair cannot add or remove extents"))
    for key, area in old.items():
        for ext, new_ext in zip(area.extents, new[key].extents, strict=True):
            if _extent_kind(ext) != _extent_kind(new_ext):
                raise StateError(
                    m.ST_MISMATCH.bind(
                        path=str(st_path),
                        reason=(
                            f"extent {ext.number} of area {area.number} is {_extent_kind(ext)} in the database but "
                            f"{_extent_kind(new_ext)} in the .st, and repair cannot change an extent"
                        ),
                    )
                )


def unlock(args: list[str]) -> Outcome:
    _params, rest = take_params("prostrct", args, with_value=[], flags=["-extents"])
    if len(rest) != 1:
        raise usage("prostrct", "unlock needs a database name", "prostrct unlock db-name [-extents]")
    name = DbName.parse(rest[0])
    ctl = read_control(name)
    lock = lockfile.read(name.lk)
    if lock is not None:
        refuse_if_locked(name)
    missing = [e.path for _a, e in ctl.all_extents() if not os.path.exists(e.path)]
    if missing:
        raise StateError(
            *[m.CANNOT_OPEN_FILE.bind(path=p, errno=2) for p in missing],
            *[m.MISSING_EXTENT.bind(path=p) for p in missing],
        )
    clear_stale_lock(name)
    return Outcome(0, [m.UNLOCK_DONE.bind(db=name.display)])


QUALIFIERS = {"create": create, "list": list_structure, "repair": repair, "unlock": unlock}


def main(argv: list[str]) -> Outcome:
    if not argv:
        raise usage("prostrct", "missing qualifier", SYNTAX)
    qualifier = argv[0].lower()
    if qualifier not in QUALIFIERS:
        raise UsageError(m.UNKNOWN_QUALIFIER.bind(utility="prostrct", qualifier=argv[0], known=", ".join(QUALIFIERS)))
    return QUALIFIERS[qualifier](argv[1:])
