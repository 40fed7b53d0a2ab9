"""procopy empty target-db: copy the empty schema into a void database (or create one).

A database made by procopy has after-imaging disabled (KB-000047338).
"""

from __future__ import annotations

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import usage
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import UsageError
from oedr.harness.openedge.outcome import Outcome
from oedr.harness.openedge.utilities.prodb import fill

SYNTAX = "procopy empty target-db-name"


def main(argv: list[str]) -> Outcome:
    if len(argv) != 2:
        raise usage("procopy", "expected a source and a target database", SYNTAX)
    if argv[0] != "empty":
        raise UsageError(m.NOT_IMPLEMENTED.bind(utility="procopy", what=f"copying from {argv[0]} (only 'empty')"))
    name = DbName.parse(argv[1])
    return Outcome(0, [fill(name)])
