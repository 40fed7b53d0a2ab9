"""The shapes of the evidence records, checked by mypy: what the harness hands to the recorder.

The harness reports three kinds of record as things happen (oedr.harness.evidence.hooks): a command it ran,
the master-block counters it read, and an event (a copy, a fault, a load). Each carries the facts known
at that moment, so nothing downstream parses text or guesses: a command says what it names (``dba``),
whether the harness ran it for itself (``internal``), and which counter reads bracket it (``bracket``);
counters are typed values tied to that same ``bracket``.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from oedr.harness.dba.commands import DbaCommand
from oedr.harness.dba.readings import CounterValues


class CommandFacts(TypedDict):
    """What a command line names, from oedr.harness.dba.commands (parsed once, where it was run)."""

    program: str
    database: str | None
    qualifier: str
    kind: str | None  # backup, restore, ai-switch, roll-forward, sequence (oedr.harness.dba.commands.Kind)
    moves_counters: bool
    ai_file: str | None


class CommandRecord(TypedDict):
    """One command run on one host (oedr.harness.result.CommandResult, plus the facts the harness knew)."""

    host: str
    command: str  # as the DBA would type it
    argv: list[str]
    cwd: str
    started: str  # ISO-8601 UTC
    duration: float  # seconds
    exit_status: int
    stdout: str
    stderr: str
    backend: str
    container: str | None
    extra: dict[str, Any]
    dba: CommandFacts
    internal: bool  # a read the harness ran for itself (its counters reads), never a DBA's command
    bracket: int | None  # ties the command to the counters read just before and after it


class CountersRecord(TypedDict):
    """The master-block counters of one database, read by the harness."""

    host: str
    db: str
    when: str  # "before" / "after" a command (same ``bracket``), or "now" for a check
    values: CounterValues
    bracket: int | None


class CopiedFile(TypedDict):
    name: str
    bytes: int
    sha256: str


# Something the harness did that is no DBA command: a copy, a fault, a load, a deletion. A copy also says
# where from, which directories, and every file with its size and SHA-256. ("from" is a keyword, hence
# the functional form.)
EventRecord = TypedDict(
    "EventRecord",
    {
        "kind": str,  # copy, fault, load, delete, start, stop, disaster, rpo, rto
        "host": str,
        "label": str,
        "seq": int | None,
        "time": str,  # ISO-8601 UTC
        "from": NotRequired[str],
        "directory": NotRequired[str],
        "target_directory": NotRequired[str],
        "files": NotRequired[list[CopiedFile]],
        "measure": NotRequired[dict[str, object]],  # rpo / rto events: oedr.harness.disaster's figures
    },
)


class CommandRef(TypedDict):
    """The command a failed check was about (StepFailure.result): enough to find its record."""

    host: str
    command: str
    started: str
    exit_status: int


class ErrorRecord(TypedDict):
    """What a failed step keeps of its exception, with the deciding OpenEdge message."""

    type: str
    message: str
    number: int | None
    line: str | None
    command: NotRequired[CommandRef]


def command_facts(command: DbaCommand) -> CommandFacts:
    """The facts of a parsed command line, as the evidence records them."""
    return CommandFacts(
        program=command.program,
        database=command.database,
        qualifier=command.qualifier,
        kind=str(command.kind) if command.kind else None,
        moves_counters=command.moves_counters,
        ai_file=command.ai_file,
    )
