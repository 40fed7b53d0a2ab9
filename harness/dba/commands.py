"""A DBA command line, parsed once: what it runs, on which database, and what it does to the master block."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath


class Kind(StrEnum):
    """What a command does that the evidence draws on the timeline (commands of no kind draw nothing)."""

    BACKUP = "backup"
    RESTORE = "restore"
    AI_SWITCH = "ai-switch"
    ROLL_FORWARD = "roll-forward"
    SEQUENCE = "sequence"


# Programs whose first word after the name is the database (probkup: after an optional ``online``).
_FIRST_ARG_IS_DB = frozenset(
    {"proutil", "rfutil", "proserve", "proshut", "proquiet", "prorest", "prostrct", "probkup", "oeclient", "procopy"}
)
# Qualifiers that change the master-block counters (AI sequences, backup counter, state): the harness reads
# the counters before and after each of them. Reads (describe, aimage list/scan) move nothing.
_MOVES = ("aimage", "mark backedup", "sequence", "roll forward", "truncate bi")
_READS = ("describe", "aimage list", "aimage extent list", "aimage scan", "aimage query")


@dataclass(frozen=True)
class DbaCommand:
    """One command line as the DBA typed it."""

    text: str
    words: tuple[str, ...]
    program: str  # the program's name, without its directory ($DLC/bin/proutil -> proutil)
    database: str | None  # the database's stem (sports for sports, sports.db or /db/sports.db)
    qualifier: str  # what follows -C up to an option (``aimage new``, ``describe``), or the action
    kind: Kind | None

    @property
    def moves_counters(self) -> bool:
        """Whether the master-block counters may differ after it: the harness reads them around it."""
        if self.database is None or self.is_counters_read or self.qualifier.startswith(_READS):
            return False
        if self.program in ("probkup", "prorest", "proquiet"):
            return True
        return self.program in ("rfutil", "proutil") and self.qualifier.startswith(_MOVES)

    @property
    def is_counters_read(self) -> bool:
        """``proutil DB -C describe``: how the harness reads the master-block counters."""
        return self.program == "proutil" and self.qualifier == "describe" and self.database is not None

    @property
    def ai_file(self) -> str | None:
        """The AI file a roll forward or a scan names (``-a FILE``), as written."""
        words = list(self.words)
        return words[words.index("-a") + 1] if "-a" in words[:-1] else None

    @property
    def switch_label(self) -> str:
        return switch_label(self.program, self.qualifier)


def switch_label(program: str, qualifier: str) -> str:
    """What made an AI switch: ``aimage new``, ``aimage begin``, ``proquiet enable``, ``probkup online``."""
    if program == "probkup":
        return "probkup online" if qualifier == "online" else "probkup"
    if program == "rfutil":
        return " ".join(qualifier.split()[:2])
    return " ".join([program, *qualifier.split()[:1]])


def _stem(word: str) -> str:
    name = PurePosixPath(word).name
    return name[:-3] if name.endswith(".db") else name


def _qualifier(program: str, words: list[str]) -> str:
    """The words that say what to do, up to the first option: never an option's value (a password)."""
    lowered = [w.lower() for w in words]
    if "-c" in lowered[1:]:
        after = lowered[lowered.index("-c", 1) + 1 :]
    elif program == "probkup":
        return "online" if "online" in lowered[1:2] else ""
    elif program in ("proquiet", "oeclient"):  # DB ACTION
        after = lowered[2:]
    else:
        return ""
    taken = []
    for word in after:
        if word.startswith("-"):
            break
        taken.append(word)
    return " ".join(taken)


def _kind(program: str, qualifier: str) -> Kind | None:
    if program == "probkup":
        return Kind.BACKUP
    if program == "prorest":
        return Kind.RESTORE
    if program != "rfutil":
        return None
    if qualifier.startswith("aimage new"):
        return Kind.AI_SWITCH
    if qualifier.startswith("roll forward"):
        return Kind.ROLL_FORWARD
    return Kind.SEQUENCE if qualifier.startswith("sequence") else None


def parse(command: str | list[str] | tuple[str, ...]) -> DbaCommand:
    """Parse a command line (or an argv). A line shlex cannot split is taken word by word on blanks."""
    if isinstance(command, str):
        text = command
        try:
            words = shlex.split(command)
        except ValueError:
            words = command.split()
    else:
        words, text = list(command), shlex.join(command)
    program = PurePosixPath(words[0]).name if words else ""
    rest = words[1:]
    if program == "probkup" and rest[:1] == ["online"]:
        rest = rest[1:]
    if program == "procopy" and len(rest) > 1:
        rest = rest[1:]  # procopy SOURCE TARGET: the database made is the target
    qualifier = _qualifier(program, words)
    if program == "prostrct":  # prostrct QUALIFIER DB [ST]
        qualifier, rest = (rest[0].lower() if rest else ""), rest[1:]
    database = _stem(rest[0]) if program in _FIRST_ARG_IS_DB and rest and not rest[0].startswith("-") else None
    return DbaCommand(text, tuple(words), program, database, qualifier, _kind(program, qualifier))
