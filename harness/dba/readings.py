"""One typed reader per OpenEdge output the harness consumes; nothing else parses what a utility prints.

Where the emulator and a real OpenEdge print differently, both readers stand side by side and ``Dialect``
picks one, the way testinfra picks a module per platform:

* the master-block counters: the emulator's ``proutil -C describe`` prints every counter the harness
  watches as ``Name : value`` lines (an emulator extension of the describe sample, semantics §DESCRIBE).
  A real OpenEdge's describe shows after-imaging only in its "Database Features" section and no AI
  sequence at all, so there the current AI sequence is the Seqno of the Busy extent of ``rfutil -C aimage
  list`` (semantics §4.5), and the expected AI sequence, the backup counter and the record count are not
  known (None) [inferred: no source shows a real command printing them];
* everything else (message lines, ``aimage list``, ``aimage scan``, oeclient's lines) reads the same.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import TypedDict

from oedr.harness.dba import emulator


class Dialect(StrEnum):
    """Who prints the output: the emulator (local and docker backends) or a site's OpenEdge."""

    EMULATOR = "emulator"
    OPENEDGE = "openedge"


def dialect_of(backend: str) -> Dialect:
    """The dialect a backend's hosts speak (``openedge``: a site's licensed image; any other: the emulator)."""
    return Dialect.OPENEDGE if backend == "openedge" else Dialect.EMULATOR


# --- numbered message lines ---------------------------------------------------------------------------
_NUMBERED_LINE = re.compile(r"\((\d{1,5})\)\s*$")  # how OpenEdge ends a message line; not oeclient's µs stamps
_NUMBER_ANYWHERE = re.compile(r"\((\d{2,5})\)")  # a number cited in prose: "expected message (8019)"
# Lines that accompany a refusal without being it: roll forward's warning block, which it prints before
# every check, and 11014, the generic "roll forward open ... error" that closes every refused roll forward.
NOT_THE_ERROR = emulator.ACCOMPANYING_NUMBERS


def numbered_lines(text: str) -> list[tuple[int, str]]:
    """Every line ending with an OpenEdge message number, ``(NNNN)``, with that number, in order."""
    return [
        (int(found.group(1)), line.strip())
        for line in (text or "").splitlines()
        if (found := _NUMBERED_LINE.search(line))
    ]


def message_numbers(text: str) -> list[int]:
    """The OpenEdge message numbers printed, in order."""
    return [number for number, _line in numbered_lines(text)]


def message_line(text: str, number: int) -> str | None:
    """The first line printing message ``number``."""
    return next((line for n, line in numbered_lines(text) if n == number), None)


def cited_numbers(text: str) -> list[int]:
    """Message numbers cited anywhere in a text, ``(NNNN)``, in order (an assertion's expectation)."""
    return [int(n) for n in _NUMBER_ANYWHERE.findall(text or "")]


_SHOWN_NUMBER = re.compile(r"\((\d{2,5})\)|\bmessages?\s+\(?(\d{2,5})\b", re.IGNORECASE)


def shown_numbers(text: str) -> list[int]:
    """Message numbers shown in a text: ending a message line, ``(90041)``, or in a check, ``message 90041``."""
    return [int(found.group(1) or found.group(2)) for found in _SHOWN_NUMBER.finditer(text or "")]


def _is_warning(line: str) -> bool:
    return line.lstrip("* ").upper().startswith("WARNING")


def deciding_line(output: str, named: int | None = None) -> tuple[int, str] | None:
    """The message of a command's output that says why it failed.

    The line the assertion names when the output has it; else the last numbered line that is neither a
    warning nor one of the lines that accompany every refusal (the warning block, the closing 11014).
    """
    lines = numbered_lines(output)
    if named is not None:
        line = next((entry for entry in lines if entry[0] == named), None)
        if line is not None:
            return line
    errors = [(n, line) for n, line in lines if n not in NOT_THE_ERROR and not _is_warning(line)]
    return errors[-1] if errors else (lines[-1] if lines else None)


_LG_LINE = re.compile(r"^\[[^]]+\] P-\d+ T-\d+ ([IWEF]) (\S+) (\d*): \((\d+)\) ", re.M)


@dataclass(frozen=True)
class LogLine:
    """A numbered line of a database's .lg (semantics §1.5)."""

    severity: str  # I, W, E or F
    process: str  # BROKER, RFUTIL, ...
    user: int | None  # blank for a single-user utility
    number: int


def log_lines(text: str) -> list[LogLine]:
    """Every numbered line of a .lg, in order."""
    return [
        LogLine(sev, process, int(user) if user else None, int(n)) for sev, process, user, n in _LG_LINE.findall(text)
    ]


# --- the master-block counters -------------------------------------------------------------------------
class CounterValues(TypedDict, total=False):
    """The counters as the evidence records them: only those the reading showed."""

    ai_enabled: bool
    current_ai_seq: int
    expected_ai_seq: int
    busy_extent: int
    backup_counter: int
    records: int
    state: str
    last_change: str
    changed_since_backup: bool
    roll_forward_in_progress: bool


@dataclass(frozen=True)
class Counters:
    """What the master block says about after-imaging and backups; None where the output did not say."""

    ai_enabled: bool | None = None
    current_ai_seq: int | None = None
    expected_ai_seq: int | None = None
    busy_extent: int | None = None
    backup_counter: int | None = None
    records: int | None = None
    state: str | None = None
    last_change: str | None = None
    changed_since_backup: bool | None = None
    roll_forward_in_progress: bool | None = None

    def values(self) -> CounterValues:
        """The counters shown, for the evidence."""
        shown: CounterValues = {
            key: value
            for key, value in asdict(self).items()  # type: ignore[assignment]
            if value is not None
        }
        return shown

    @property
    def ai_state(self) -> str | None:
        """``enabled`` or ``disabled``, as a DBA says it (None when unknown)."""
        return None if self.ai_enabled is None else ("enabled" if self.ai_enabled else "disabled")


_DESCRIBE_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9 -]+?)\s+: (?P<value>.*)$", re.M)
_INTS = {
    "Current AI Sequence": "current_ai_seq",
    "Expected AI Sequence": "expected_ai_seq",
    "Busy AI Extent": "busy_extent",
    "Backup Counter": "backup_counter",
    "Records": "records",
}
_FLAGS = {
    "After Imaging": ("ai_enabled", "enabled"),
    "Changed Since Backup": ("changed_since_backup", "yes"),
    "Roll Forward In Progress": ("roll_forward_in_progress", "yes"),
}
_TEXTS = {"Database State": "state", "Last Change Date": "last_change"}


def describe_fields(output: str) -> dict[str, str]:
    """``proutil -C describe`` as its ``Name : value`` lines (the description, not the features section)."""
    return {m["key"]: m["value"].strip() for m in _DESCRIBE_LINE.finditer(output)}


def _int(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None  # "N/A" (no busy extent) is no number


def features_section(output: str) -> list[str]:
    """The entries of describe's "Database Features" section (After Imaging, Large Files, ...)."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "Database Features"), None)
    return [] if start is None else [line.strip() for line in lines[start + 1 :] if line.strip()]


def emulator_counters(describe: str) -> Counters | None:
    """The emulator's describe: every counter on its own line (None when it printed none: no database)."""
    fields = describe_fields(describe)
    found: dict[str, object] = {}
    for key, name in _INTS.items():
        if key in fields:
            found[name] = _int(fields[key])
    for key, (name, truth) in _FLAGS.items():
        if key in fields:
            found[name] = fields[key].lower() == truth
    for key, name in _TEXTS.items():
        if key in fields:
            found[name] = fields[key]
    return Counters(**found) if found else None  # type: ignore[arg-type]


def openedge_counters(describe: str, ai_list: str) -> Counters | None:
    """A real OpenEdge: after-imaging from describe's features, the current sequence from the Busy AI extent."""
    if "Database Features" not in describe and not describe_fields(describe):
        return None
    enabled = any(entry.lower() in ("after imaging", "after-imaging") for entry in features_section(describe))
    busy = next((e for e in ai_extents(ai_list) if e.status == "BUSY"), None)
    return Counters(
        ai_enabled=enabled,
        current_ai_seq=busy.seq if busy else (None if enabled else 0),
        busy_extent=busy.number if busy else None,
    )


def counter_reads(db: str, dialect: Dialect) -> list[str]:
    """The commands that read the counters of ``db`` (the harness's own reads)."""
    reads = [f"proutil {db} -C describe"]
    return [*reads, f"rfutil {db} -C aimage list"] if dialect is Dialect.OPENEDGE else reads


def counters(outputs: list[str], dialect: Dialect) -> Counters | None:
    """The counters from the outputs of ``counter_reads`` (same order); None when they showed none."""
    if dialect is Dialect.OPENEDGE:
        return openedge_counters(outputs[0], outputs[1] if len(outputs) > 1 else "")
    return emulator_counters(outputs[0])


# --- after-image extents -------------------------------------------------------------------------------
_LIST_FIELD = re.compile(r"^\s*(Extent|Status|Type|Path|Seqno):\s+(.*)$", re.M)


@dataclass(frozen=True)
class AiExtent:
    """One extent of ``rfutil -C aimage list`` (semantics §4.5)."""

    number: int
    status: str  # EMPTY, BUSY, FULL, LOCKED, ARCHIVED (upper case, whatever the release prints)
    type: str  # Fixed Length / Variable Length
    path: str
    seq: int

    @property
    def fixed(self) -> bool:
        return self.type.lower().startswith("fixed")


def ai_extents(output: str) -> list[AiExtent]:
    """The extents ``rfutil -C aimage list`` shows, in order (none when after-imaging is disabled)."""
    extents, row = [], {}
    for key, value in _LIST_FIELD.findall(output):
        row[key] = value.strip()
        if key == "Seqno":
            extents.append(
                AiExtent(int(row["Extent"]), row["Status"].upper(), row.get("Type", ""), row["Path"], int(row["Seqno"]))
            )
            row = {}
    return extents


_SCAN_TRID = re.compile(r"^Trid: (\d+) code", re.M)


def scan_trids(output: str) -> list[int]:
    """The transaction ids ``rfutil -C aimage scan verbose`` shows, in order."""
    return [int(t) for t in _SCAN_TRID.findall(output)]


_SCAN_BLOCK = re.compile(r"^Trid: (\d+) area = (\d+) dbkey = (\d+) update counter = (\d+) \(12529\)$", re.M)


@dataclass(frozen=True)
class ScanBlock:
    """A block change of ``aimage scan verbose`` (message 12529), with the line as printed."""

    trid: int
    area: int
    dbkey: int
    update_counter: int
    line: str


def scan_blocks(output: str) -> list[ScanBlock]:
    """The block changes ``rfutil -C aimage scan verbose`` shows, in order."""
    return [ScanBlock(int(m[1]), int(m[2]), int(m[3]), int(m[4]), m[0]) for m in _SCAN_BLOCK.finditer(output)]


# --- oeclient (the stand-in for an ABL session; commit.p/digest.p print the same on OpenEdge) -------------
_COMMITTED = re.compile(r"^committed trid=(\d+) time=.*\((\d+)\)$", re.M)
_DIGEST = re.compile(r"^records=(\d+) sha256=([0-9a-f]{64})$", re.M)


@dataclass(frozen=True)
class Commit:
    """A transaction the client saw committed: its id and commit time (µs since the epoch)."""

    trid: int
    time_us: int


@dataclass(frozen=True)
class Digest:
    """What ``oeclient DB digest`` prints: the record count and the SHA-256 of the records."""

    records: int
    sha256: str


def commits(output: str) -> list[Commit]:
    """The transactions an oeclient run reports as committed (its ``committed trid=… (µs)`` lines)."""
    return [Commit(int(trid), int(micros)) for trid, micros in _COMMITTED.findall(output)]


def digest(output: str) -> Digest | None:
    """The digest line of ``oeclient DB digest`` (None when it printed none)."""
    found = _DIGEST.search(output)
    return Digest(int(found.group(1)), found.group(2)) if found else None


_BEGIN_FILE = re.compile(r"^\*\*\*Beginning processing of After-image extent (.+?) \(17047\)$", re.M)


def applied_ai_files(output: str) -> list[str]:
    """The AI files a roll forward began processing (its 17047 lines), in the order it took them."""
    return _BEGIN_FILE.findall(output)


# --- the files of a database -----------------------------------------------------------------------------
def database_files(names: list[str], db: str, *, with_log_and_structure: bool = True) -> list[str]:
    """The files of database ``db`` among ``names``: control area, extents and .lk (and its .lg and .st)."""
    stem = db.rsplit("/", 1)[-1]
    stem = stem[:-3] if stem.endswith(".db") else stem
    suffixes = r"db|lk|lg|st|[bdat]\d+" if with_log_and_structure else r"db|lk|[bdat]\d+"
    pattern = re.compile(rf"^{re.escape(stem)}(_\d+)?\.({suffixes})$")
    return [name for name in names if pattern.match(name)]
