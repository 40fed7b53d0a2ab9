"""prodb new-db empty: a new database from the empty schema (semantics §3.9).

Uses ``new-db.st`` when it exists beside the database name, else one variable data and one variable
BI extent in the database's directory (what copying $DLC/empty gives).

Over a void database (``prostrct create``, no schema yet) prodb gives it the empty schema, as procopy does
(§3.8: a void db gets its schema from procopy, prodb or prorest); an emulator choice for prodb, whose
documentation describes only a new database. A database that has its schema is refused (90021).
"""

from __future__ import annotations

from pathlib import Path

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import usage
from oedr.harness.openedge.dbfiles import control, structure
from oedr.harness.openedge.engine import create as creation
from oedr.harness.openedge.engine.database import read_control, refuse_if_locked
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import StateError, UsageError
from oedr.harness.openedge.outcome import Outcome

SYNTAX = "prodb new-db-name empty"


def make_empty(name: DbName) -> None:
    """prostrct create from <db>.st (or the default layout), then the empty schema."""
    if name.st.exists():
        st = structure.read(name.st)
        cwd = Path.cwd()
    else:
        st = structure.parse(creation.DEFAULT_ST, "<default>")
        cwd = name.directory
    structure.check_sizes(st, creation.DEFAULT_BLOCK_SIZE)
    resolved = structure.resolve(st, name.stem, cwd)
    ctl = creation.create_void(name, resolved, creation.DEFAULT_BLOCK_SIZE)
    creation.seed_empty(ctl)
    control.write(name.db, ctl, sync=True)


def fill(name: DbName) -> m.Bound:
    """The empty schema into ``name``: created when missing (90025), seeded when void (90028)."""
    if not name.db.exists():
        make_empty(name)
        return m.CREATED.bind(db=name.display, block_size=creation.DEFAULT_BLOCK_SIZE)
    refuse_if_locked(name)
    ctl = read_control(name)
    if ctl.master.state != control.VOID:
        raise StateError(m.DB_EXISTS.bind(db=name.display))
    creation.seed_empty(ctl)
    control.write(name.db, ctl, sync=True)
    return m.SCHEMA_COPIED.bind(db=name.display, block_size=ctl.master.block_size)


def main(argv: list[str]) -> Outcome:
    if len(argv) != 2:
        raise usage("prodb", "expected a new database name and a source", SYNTAX)
    if argv[1] != "empty":
        raise UsageError(m.NOT_IMPLEMENTED.bind(utility="prodb", what=f"copying from {argv[1]} (only 'empty')"))
    name = DbName.parse(argv[0])
    return Outcome(0, [fill(name)])
