"""rfutil db-name -C <qualifier>: after-imaging, backup marks, the AI sequence and roll forward.

Emulates OpenEdge Database Management, RFUTIL utility (semantics.md §3.4, §5). One module per group of
qualifiers: aimage (the extent lifecycle), marks (mark backedup, sequence), rollforward (and ailist), oplock.
"""

from __future__ import annotations

from collections.abc import Callable

from oedr.harness.openedge.argv import split_qualifier
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.outcome import Outcome
from oedr.harness.openedge.utilities.rfutil import aiarchiver, aimage, marks, oplock, rollforward

SYNTAX = (
    "rfutil db-name -C {aimage begin|aimage end|aimage new|aimage list|aimage extent list|"
    "aimage extent empty [n|path]|aimage extent full|aimage query opt by opt value|"
    "aimage scan [verbose] -a file|mark backedup|sequence|roll forward [oplock] [retry] [verbose] "
    "[endtime yyyy:mm:dd:hh:mm:ss | endtrans n] {-a file | -ailist listfile}|roll opunlock|"
    "aiarchiver enable -aiarcdir dirs [-aiarcinterval n] [-aiarcdircreate]|aiarchiver disable|aiarchiver end|"
    "aiarchiver setinterval n|aiarchiver setdir dirs|aiarchive nextextent|aiarchive extent source target}"
)

QUALIFIERS: dict[str, Callable[[DbName, list[str]], Outcome]] = {
    "aimage begin": aimage.begin,
    "aimage end": aimage.end,
    "aimage new": aimage.new,
    "aimage list": aimage.extent_list,
    "aimage extent list": aimage.extent_list,
    "aimage extent empty": aimage.extent_empty,
    "aimage empty": aimage.extent_empty,
    "aimage extent full": aimage.extent_full,
    "aimage query": aimage.query,
    "aimage scan": aimage.scan,
    "mark backedup": marks.mark_backedup,
    "sequence": marks.sequence,
    "aimage sequence": marks.sequence,
    "roll forward": rollforward.roll_forward,
    "roll forward retry": rollforward.roll_forward_retry,
    "roll forward oplock": rollforward.roll_forward_oplock,
    "roll opunlock": oplock.opunlock,
    "aiarchiver enable": aiarchiver.enable,
    "aiarchiver disable": aiarchiver.disable,
    "aiarchiver end": aiarchiver.end,
    "aiarchiver setinterval": aiarchiver.setinterval,
    "aiarchiver setdir": aiarchiver.setdir,
    "aiarchive nextextent": aiarchiver.nextextent,
    "aiarchive extent": aiarchiver.extent,
}


def main(argv: list[str]) -> Outcome:
    q = split_qualifier("rfutil", argv, QUALIFIERS, SYNTAX)
    return QUALIFIERS[q.qualifier](DbName.parse(q.db), q.words)
