"""The one catalogue of every numbered message the OpenEdge-like emulator prints.

Each entry carries the OpenEdge message number, the exact text (placeholders in ``{}``) and where the
text comes from: the confidence tag and source key of ``shared/openedge/semantics.md`` (§0.1).

Numbers 90001 and above are *emulator-assigned*: the fact sheet found the behaviour but not the real
number (semantics.md §10). They are listed in docs/FIDELITY.md so a site with a real OpenEdge can record
the real ones first. Nothing user-visible is printed from anywhere but this module's entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Confidence(Enum):
    """How sure we are that OpenEdge prints exactly this (semantics.md §0)."""

    CONFIRMED = "confirmed"
    SINGLE_SOURCE = "single-source"
    INFERRED = "inferred"
    EMULATOR = "emulator-assigned"


@dataclass(frozen=True)
class Message:
    """One catalogue entry; ``render`` gives the line exactly as the utility prints it."""

    number: int | None
    template: str
    confidence: Confidence
    source: str

    def render(self, **values: object) -> str:
        text = self.template.format(**values)
        return text if self.number is None else f"{text} ({self.number})"

    def bind(self, **values: object) -> Bound:
        return Bound(self, values)


@dataclass(frozen=True)
class Bound:
    """A message with its placeholder values, ready to print or to log."""

    message: Message
    values: dict[str, object]

    @property
    def number(self) -> int | None:
        return self.message.number

    def text(self) -> str:
        return self.message.render(**self.values)


C, S, I, E = Confidence.CONFIRMED, Confidence.SINGLE_SOURCE, Confidence.INFERRED, Confidence.EMULATOR  # noqa: E741


def _m(number: int | None, template: str, confidence: Confidence, source: str) -> Message:
    return Message(number, template, confidence, source)


# --- the .lk file and opening a database (semantics §1.4, §3.1) -------------------------------------
IN_USE_SINGLE = _m(263, "** The database {db} is in use in single-user mode.", C, "KB-P19984")
IN_USE_MULTI = _m(276, "** The database {db} is in use in multi-user mode.", C, "KB-P19984, PROTOP")
BROKER_DISAPPEARED = _m(4194, "Broker disappeared, updating {db}.lk file.", C, "KB-P19984")
LK_MISSING = _m(4195, "{db}.lk is missing, shutting down...", C, "KB-P19984, KB-P60150")
NO_SERVER = _m(1423, "There is no server for database {db}.", C, "PROTOP, DOC")
CANNOT_OPEN_FILE = _m(43, "** Cannot find or open file {path}, errno = {errno}.", C, "semantics §11")
MISSING_EXTENT = _m(1990, "WARNING: Database is damaged, missing extent file {path}.", C, "semantics §11")
DB_NOT_FOUND = _m(44, "** {path} is not a database.", I, "emulator choice; real text not in the fact sheet")
CREATION_DATE_MISMATCH = _m(9214, "Creation date mismatch.", S, "GEMINI bkmsg.h, POTEMKIN")
EXTENT_WRONG_CREATION = _m(9212, "Extent {path} has the wrong creation date {date},", S, "GEMINI, POTEMKIN")
CONTROL_CREATION = _m(9216, "Control Area has a creation date of {date}.", S, "GEMINI, POTEMKIN")
LAST_OPEN_MISMATCH = _m(9215, "Last open date mismatch.", S, "GEMINI bkmsg.h, POTEMKIN")
EXTENT_WRONG_OPEN = _m(9213, "Extent {path} has a different last opened date {date},", S, "GEMINI, POTEMKIN")
CONTROL_OPEN = _m(9217, "Control Area has a last open date of {date}.", S, "GEMINI, POTEMKIN")
DB_DAMAGED = _m(
    90001,
    "** The database {db} is damaged: {reason}. Restore it from a backup.",
    E,
    "semantics §6.6 F4 (torn copy); real wording unknown",
)
BAD_CONTROL_AREA = _m(
    90002, "** {path} is not a valid control area ({reason}).", E, "emulator: damaged .db; real wording unknown"
)
VOID_DB = _m(
    90003,
    "** The database {db} is void: it has no schema. Use procopy empty or prorest first.",
    E,
    "semantics §3.8 (void db after prostrct create)",
)
NOT_FULLY_RESTORED = _m(
    90004,
    "This database has not been fully restored. Finish the restore first.",
    E,
    "GEMINI (tainted flag 8); sheet tag [single-source]",
)

# --- crash recovery and BI (semantics §1.3) ----------------------------------------------------------
BI_AUTO_TRUNCATE = _m(1526, "The BI file is being automatically truncated.", C, "KB-P25074")
CRASH_REDO = _m(5326, "Begin Physical Redo Phase at {lsn} .", I, "semantics §1.5 (5326-5331 phases)")
CRASH_REDO_DONE = _m(
    7161, "Physical Redo Phase Completed at blk {block} off {lsn} upd 0.", I, "POTEMKIN log catalogue; numbers inferred"
)
CRASH_UNDO = _m(
    5331,
    "Begin Physical Undo {count} transactions at block {block} offset {lsn}",
    I,
    "semantics §1.5 (5326-5331 phases)",
)
CRASH_UNDONE = _m(90005, "Crash recovery rolled back {count} uncommitted transaction(s).", E, "emulator summary line")
TRUNCATE_BI_BEFORE_BACKUP = _m(
    851, "** You should run TRUNCATE BI utility before backing up your database", C, "KB-P25074"
)

# --- session / log lines (semantics §1.5) -----------------------------------------------------------
SESSION_BEGIN = _m(451, "{utility} session begin for {user} on {tty}.", C, "KB-P52315")
SESSION_END = _m(334, "{utility} session end.", C, "KB-P52315, KB-P42984")
MULTI_USER_BEGIN = _m(333, "Multi-user session begin.", I, "semantics §1.5 (text inferred)")
MULTI_USER_END = _m(334, "Multi-user session end.", C, "KB-P42984")
LOGIN = _m(452, "Login by {user} on {tty}.", C, "POTEMKIN")
LOGOUT = _m(453, "Logout by {user} on {tty}.", I, "semantics §1.5 (453 text inferred)")
STARTUP_PARAM = _m(4234, "Startup parameter {param} = {value}.", I, "semantics §1.5 (4234-4265)")
SHUTDOWN_STARTED = _m(542, "Server shutdown started by {user} on {tty}.", C, "KB-P42984")
BEGIN_NORMAL_SHUTDOWN = _m(2248, "Begin normal shutdown", C, "KB-P42984")
EMERGENCY_SHUTDOWN = _m(
    90006,
    "Emergency shutdown (-F) requested; the database is left needing crash recovery.",
    E,
    "semantics §3.2 (-F effect); real wording unknown",
)
USERS_CONNECTED = _m(
    90007, "Shutdown refused: {n} user(s) connected and -bn was given.", E, "semantics §3.2 (-bn); real wording unknown"
)

# --- arguments and usage --------------------------------------------------------------------------
USAGE = _m(90010, "{utility}: {problem}. Syntax: {syntax}", E, "emulator usage line; syntax from DOC")
UNKNOWN_QUALIFIER = _m(
    90011, "{utility}: unknown qualifier {qualifier}. Known qualifiers: {known}.", E, "emulator; real wording unknown"
)
UNKNOWN_PARAMETER = _m(90012, "{utility}: unknown parameter {param}.", E, "emulator; real wording unknown")
BAD_NUMBER = _m(90013, "{utility}: {param} needs a whole number, not {value!r}.", E, "emulator")
BAD_RANGE = _m(
    90015,
    "{utility}: {param} must be a whole number from {low} to {high}, not {value!r}.",
    E,
    "emulator (the allowed range comes from the syntax's source)",
)
NOT_IMPLEMENTED = _m(
    90014,
    "{utility}: {what} is not emulated by oedr. See docs/COVERAGE.md.",
    E,
    "emulator: loud refusal instead of silent success",
)

# --- .st files and prostrct (semantics §1.2, §3.8) ----------------------------------------------------
ST_SYNTAX = _m(
    90019,
    "Syntax error in structure description file {path} line {line}: {reason}.",
    E,
    "emulator wording and number for prostrct .st errors (real ones not in the fact sheet)",
)
ST_NO_BI = _m(
    90020,
    "The structure description file {path} has no before-image (b) extent.",
    E,
    "semantics §1.2 (b line required)",
)
DB_EXISTS = _m(
    90021,
    "** The database {db} already exists. Delete it first or choose another name.",
    E,
    "emulator; real wording unknown",
)
ST_MISMATCH = _m(
    90022,
    "Structure file {path} does not match the database: {reason}.",
    E,
    "semantics §3.8 (repair cannot add/remove extents)",
)
LIST_NOT_FOUND = _m(6921, "PROSTRCT LIST: file {path} does not exist, command ignored.", S, "POTEMKIN")
LIST_OVER_DB_FILE = _m(
    90140,
    "PROSTRCT LIST: {path} is {what}; the structure listing is not written over it.",
    E,
    "emulator: refuses to overwrite a database's own files (real behaviour not in the fact sheet)",
)
REPAIR_DONE = _m(90023, "Structure repaired: {count} extent path(s) now recorded in {db}.", E, "emulator summary line")
UNLOCK_DONE = _m(90024, "The database {db} has been unlocked.", E, "emulator summary line")
CREATED = _m(90025, "Database {db} created with block size {block_size}.", E, "emulator summary line")
SCHEMA_COPIED = _m(
    90028,
    "The empty schema was copied into database {db} (block size {block_size}).",
    E,
    "semantics §3.8/§3.9 (procopy/prodb give a void database its schema); the real procopy line is "
    "not in the fact sheet",
)
EXTENT_SIZE = _m(
    90026,
    "Extent size {size} KB is invalid: it must be more than 32 and a multiple of {unit} KB.",
    E,
    "semantics §1.2 (size rules); sheet tag [confirmed]",
)
RELATIVE_PATH_STORED = _m(12475, "Unable to get file status for extent {path}", S, "POTEMKIN")
AREA_FULL = _m(
    90027,
    "Area {area} is full: no variable extent to extend. Add an extent with prostrct add.",
    E,
    "emulator; real wording unknown",
)

# --- proutil (semantics §3.3) ------------------------------------------------------------------------
NOT_IN_USE = _m(
    90030, "The database {db} is not in use.", E, "emulator; busy/holder print nothing documented; sheet tag [inferred]"
)
BI_TRUNCATED = _m(90031, "Before-image file of database {db} truncated.", E, "emulator summary line")
BI_CLUSTER = _m(1620, "Before-image cluster size set to {kb} kb.", I, "POTEMKIN log catalogue")
BI_BLOCK_SIZE = _m(
    90036,
    "-biblocksize {value} is not valid: give 1, 2, 4, 8 or 16 (KB; 0 for the default, 8), "
    "not less than the database block size ({db_kb} KB).",
    E,
    "semantics §3.3 (-biblocksize values and rule); wording emulator",
)
REPL_ENABLED = _m(
    90034,
    "Database {db} is now enabled for OpenEdge Replication as a {role}.",
    E,
    "emulator wording and number (real ones not in the fact sheet)",
)
REPL_DISABLED = _m(
    90035,
    "OpenEdge Replication has been disabled for database {db}.",
    E,
    "emulator wording and number (real ones not in the fact sheet)",
)
REPL_NOT_ENABLED = _m(90032, "Database {db} is not enabled for OpenEdge Replication.", E, "emulator")
REPL_NEEDS_AI = _m(
    90033,
    "After-imaging must be enabled before enabling replication as a source.",
    E,
    "DOC replication quick start (rule); wording emulator; sheet tag [confirmed]",
)

# --- after-imaging (semantics §4, §3.4) --------------------------------------------------------------
AI_SWITCHED = _m(3777, "Switched to ai extent {path}.", S, "GEMINI text, POTEMKIN number")
AI_FILE_NUMBER = _m(3778, "This is after-image file number {seq} since the last AIMAGE BEGIN.", C, "KB-P111178")
AI_CANT_SWITCH = _m(
    3773,
    "Can't switch to after-image extent {path} it is full.",
    C,
    "KB-P154904 (semantics §4.4); printed by rfutil aimage new and online probkup too when the next "
    "extent is not EMPTY: inferred",
)
AI_BACKUP_AND_EMPTY = _m(
    3774,
    "Backup after-image extent and mark it as empty.",
    C,
    "KB-P154904 (semantics §4.4); after aimage new / online probkup: inferred",
)
AI_SWITCH_FAILURE_SHUTDOWN = _m(
    5350, "Database Server shutting down as a result of after-image extent switch failure.", C, "KB-P154904"
)
AI_STALL_CANT_SWITCH = _m(3775, "Can't switch to after-image extent {path} it is full.", C, "DOC -aistall")
AI_STALL_BACKUP = _m(3776, "Backup ai extent and mark it as empty", C, "DOC -aistall")
AI_STALLED = _m(
    12288,
    "There are no available EMPTY AI extents. Database activity is stalled until an AI extent becomes available.",
    C,
    "KB-P154904",
)
AI_MARKED_EMPTY = _m(3789, "Marked after-image extent {name} EMPTY.", S, "POTEMKIN")
AI_EMPTY_MANAGED = _m(
    13216,
    "After-image extents cannot be emptied using aimage empty when a database is enabled for after-image Management.",
    C,
    "KB-P154904",
)
AI_BEGUN = _m(
    90040,
    "After-imaging enabled for database {db}; this is after-image file number 1.",
    E,
    "semantics §10.2 (success text NOT FOUND)",
)
AI_ENDED = _m(846, "After-image disabled.", C, "KB-P115048")
AI_ALREADY_ENABLED = _m(
    830, "After-imaging is already enabled for database {db}.", I, "KB-P119150 (number 830); text inferred"
)
AI_NOT_ENABLED = _m(90041, "After-imaging is not enabled for database {db}.", E, "semantics §6.6 F2 (text NOT FOUND)")
AI_NEEDS_BACKUP = _m(
    90042,
    "The database {db} has been changed since it was last backed up. Back it up "
    "(probkup) or mark it backed up (rfutil -C mark backedup) before AIMAGE BEGIN.",
    E,
    "DOC aimage begin precondition (confirmed rule); wording emulator",
)
AI_NO_EXTENTS = _m(
    90043,
    "The database {db} has no after-image extents. Add them with prostrct add.",
    E,
    "semantics §3.4 (inferred rule)",
)
AI_CANT_EMPTY_BUSY = _m(
    90045, "After-image extent {path} is BUSY and cannot be marked empty.", E, "semantics §3.4 (inferred rule)"
)
AI_CANT_EMPTY_LOCKED = _m(
    90130,
    "After-image extent {path} is LOCKED by OpenEdge Replication (not yet replicated) and cannot be marked empty.",
    E,
    "DOC 13.0 AIMAGE EXTENT EMPTY (rule: a LOCKED extent cannot be emptied); wording emulator",
)
AI_NO_FULL = _m(90046, "There are no FULL after-image extents.", E, "emulator wording")
AI_EXTENT_UNKNOWN = _m(90047, "{extent} is not an after-image extent of database {db}.", E, "emulator wording")
MARKED_BACKEDUP = _m(90048, "Database {db} marked as backed up.", E, "semantics §10.2 (text NOT FOUND)")
AI_SEQUENCE_CHANGED = _m(12428, "Ai sequence {old} changed to {new}", C, "KB-P102501")

# --- roll forward (semantics §5) ----------------------------------------------------------------------
RF_EXPECTED_SEQ = _m(
    8019,
    "Expected ai file number {expected} but file specified is {actual} in sequence.",
    C,
    "KB-P121756, KB-P111178, KB-P61656, KB-000041245",
)
RF_OPEN_ERROR = _m(11014, "roll forward open {path} error: -1.", C, "BLOG-10.1B (number single-source)")
RF_DB_CHANGED = _m(831, "** The database was last changed {date}.", C, "BLOG-10.1B")
RF_AI_EXPECTED = _m(832, "** The after-image file expected {date}.", C, "BLOG-10.1B")
RF_DATES_DONT_MATCH = _m(833, "** Those dates don't match, so you have the wrong copy of one of them.", C, "BLOG-10.1B")
RF_BEGIN_FILE = _m(
    17047, "***Beginning processing of After-image extent {path}", S, "DOC -ailist example (punctuation unverified)"
)
AI_DATES = _m(1633, "After-image dates for this after-image file:", C, "KB-P19578, DOC")
AI_LAST_BEGIN = _m(1640, "    Last AIMAGE BEGIN {date}", C, "KB-P19578")
AI_LAST_NEW = _m(1641, "    Last AIMAGE NEW {date}", C, "KB-P19578")
AI_FILE_SEQ = _m(1642, "    This is aimage file number {seq} since the last AIMAGE BEGIN.", C, "KB-P19578")
AI_LAST_OPENED = _m(1643, "    This file was last opened for output on {date}.", C, "KB-P19578")
NOTES_PROCESSED = _m(1634, "{n} notes were processed.", C, "KB-P19578")
INFLIGHT = _m(3785, "{n} in-flight transactions.", C, "POTEMKIN")
TX_STARTED = _m(1635, "{n} transactions were started.", C, "POTEMKIN")
TX_COMPLETED = _m(11138, "{n} transactions were completed.", C, "POTEMKIN")
TX_STILL_ACTIVE = _m(1636, "At the end of the .ai file, {n} transactions were still active.", C, "KB-P19578")
RF_DISABLES_AI = _m(663, "WARNING: ROLL FORWARD disables after-imaging.", C, "KB-P115048")
RF_REENABLE = _m(648, "After this is complete, you should re-enable it.", C, "KB-P115048")
RF_CONTINUED = _m(659, "If you desire continued after-image protection", C, "KB-P115048")
RF_AIMGT_DISABLED = _m(13292, "After-image Extent Management has been disabled for the database.", C, "KB-P115048")
RF_ENDPOINT = _m(
    17923, "Roll Forward to {date} has been located, further roll forward operations are invalid.", C, "KB-000041245"
)
RF_EMPTY_EXTENT = _m(
    90050,
    "Can't roll forward an empty after-image extent file",
    E,
    "GEMINI text; number NOT FOUND (semantics §10.12); sheet tag [single-source]",
)
RF_INCOMPLETE = _m(
    90051,
    "Incomplete ai file detected, expected {expected}, got {actual}.",
    E,
    "GEMINI text; number NOT FOUND; sheet tag [single-source]",
)
RF_NOT_AI_FILE = _m(
    90052,
    "The file {path} is not the correct after-image file",
    E,
    "GEMINI text; number NOT FOUND; sheet tag [single-source]",
)
RF_WRONG_DB = _m(
    90053, "AI file cannot be used with this database", E, "GEMINI text; number NOT FOUND; sheet tag [single-source]"
)
RF_DAMAGED = _m(
    90054, "After-image file {path} is damaged: {reason}.", E, "emulator (checksum over notes); real wording unknown"
)
AI_BUSY_DAMAGED = _m(
    90151,
    "** The busy after-image extent {path} does not match the master block: {reason}. "
    "Nothing was written to it. Copy it, then end and begin after-imaging again (rfutil -C aimage "
    "end, a full backup, rfutil -C aimage begin).",
    E,
    "emulator: the BUSY extent checked against mb_aiwrtloc/mb_aictr (semantics §2) before any "
    "note is appended; real wording unknown",
)
RF_NEEDS_RETRY = _m(
    90055,
    "A roll forward of after-image file number {seq} was interrupted. Complete it with "
    "rfutil {db} -C roll forward retry -a <that file>.",
    E,
    "semantics §5.4 (rule confirmed); wording emulator",
)
RF_RETRY_NOTHING = _m(90056, "There is no interrupted roll forward to retry on database {db}.", E, "emulator wording")
RF_BUSY_FILE = _m(
    90057,
    "After-image file {path} is BUSY (still being written); it cannot be rolled forward until it is switched.",
    E,
    "KB-000047338 (rule); wording emulator",
)
RF_AI_MISSING = _m(90058, "roll forward needs an after-image file: -a <file>.", E, "DOC (rule)")
SCAN_NOTE = _m(
    12528,
    "Trid: {trid} code = RL_TXN version = 1 commit time {time} blocks {blocks}",
    S,
    "POTEMKIN (12528 line shape); fields emulator",
)
SCAN_BLOCK = _m(12529, "Trid: {trid} area = {area} dbkey = {dbkey} update counter = {counter}", S, "POTEMKIN")
AI_LIST_DISABLED = _m(
    90059,
    "After-imaging is not enabled for database {db}; there is no extent information.",
    E,
    "DOC 12.8 (aimage list returns no information when AI is disabled)",
)
RF_TX_MISMATCH = _m(4554, "rlaiextrd: Transaction table mismatch ptran: {a} note {b}.", C, "KB-000041245")
RF_OPLOCKED = _m(
    90131,
    "Target database has been locked during roll forward process.",
    E,
    "DOC 'Treatment of operations while under protection' (text confirmed; number NOT FOUND)",
)
RF_OPLOCK_WAIT = _m(
    90132,
    "Please wait until the roll forward process is finished or use the rfutil -C roll "
    "opunlock option to disable the protection.",
    E,
    "DOC 'Treatment of operations while under protection' (text confirmed; number NOT FOUND)",
)
RF_OPUNLOCKED = _m(
    90133,
    "Target database has been unlocked during roll forward process.",
    E,
    "DOC 'Treatment of operations while under protection' (text confirmed; number NOT FOUND)",
)
RF_OPUNLOCK_STOPPED = _m(
    90134,
    "Roll forward process has been stopped with the opunlock option.",
    E,
    "DOC 'Treatment of operations while under protection' (text confirmed; number NOT FOUND)",
)
RF_NOT_OPLOCKED = _m(
    90135,
    "The database {db} is not protected by roll forward oplock; there is nothing to unlock.",
    E,
    "emulator wording (DOC ROLL OPUNLOCK unlocks the protection of ROLL FORWARD OPLOCK)",
)
RF_AILIST_NOT_AI = _m(
    90136,
    "WARNING: {path} is not an after-image file; it is skipped.",
    E,
    "DOC ROLL FORWARD -ailist (a warning is issued and the file is skipped); wording emulator",
)
RF_AILIST_EMPTY = _m(90137, "The list {path} names no after-image file to roll forward.", E, "emulator wording")

# --- backup / restore / quiet point (semantics §3.5-3.7) ------------------------------------------------
BACKUP_COMPLETE = _m(3740, "Backup complete.", S, "POTEMKIN (text NOT FOUND; inferred)")
BACKUP_BLOCKS = _m(
    6686, "{blocks} active blocks out of {total} blocks in {db} will be dumped.", I, "POTEMKIN number; text inferred"
)
BACKUP_VOLUMES = _m(6688, "Backed up {blocks} db blocks in {seconds} seconds.", I, "POTEMKIN number; text inferred")
BACKUP_NOT_ONLINE = _m(
    90060, "Online backup of {db} needs a running broker; start it with proserve.", E, "semantics §3.5 (rule)"
)
BACKUP_NO_FULL = _m(
    90061,
    "An incremental backup of {db} needs a full backup first.",
    E,
    "DOC-9.1E (rule); wording emulator; sheet tag [confirmed]",
)
BACKUP_ENABLEAI_FULL_ONLINE = _m(
    90062,
    "enableai is allowed only with a full online backup.",
    E,
    "semantics §3.5 (rule); wording emulator; sheet tag [confirmed]",
)
DEVICE_EXISTS = _m(90063, "Backup device {path} already exists.", E, "emulator")
RESTORE_FULL_STARTED = _m(1368, "Full restore started.", C, "KB-P52315")
RESTORE_FULL_DONE = _m(1369, "Full restore completed.", C, "KB-P52315")
RESTORE_INCR_STARTED = _m(1370, "Incremental restore started.", I, "numbering inferred from 1368/1369")
RESTORE_INCR_DONE = _m(1371, "Incremental restore completed.", I, "numbering inferred from 1368/1369")
BACKUP_IS_FULL = _m(
    6759,
    "This is a full backup of {db}.",
    C,
    "KB-P52315 (`This is a full backup of sports2000.db.`: the database's file name from the backup "
    "header, not its path; semantics §11 #30)",
)
BACKUP_TAKEN = _m(6760, "This backup was taken {date}.", C, "KB-P52315")
BACKUP_BLOCKSIZE = _m(6994, "The blocksize is {size}.", C, "KB-P52315")
BACKUP_MIN_BLOCKS = _m(6763, "It will require a minimum of {blocks} blocks to restore.", C, "KB-P52315")
BACKUP_IS_INCR_OF = _m(
    90108,
    "This is an incremental backup of {db}.",
    E,
    "emulator line before 6761 (the real incremental header line is NOT FOUND); names the database as 6759 does",
)
BACKUP_IS_INCR = _m(6761, "It is based on the full backup of {date}.", S, "POTEMKIN (partial text)")
BACKUP_INCR_SEQ = _m(6762, "It is sequence {n}, based on the incremental of {date}.", S, "POTEMKIN")
INCR_OUT_OF_SEQUENCE = _m(None, "Incremental restore out of sequence on {db}", S, "FORUM-59679")
INCR_COULD_DAMAGE = _m(6774, "WARNING:  Applying this incremental backup could damage your database.", S, "FORUM-59679")
BACKUP_VERIFIED = _m(6758, "Backup verified ok.", I, "POTEMKIN number; text inferred")
BACKUP_DAMAGED = _m(90064, "Backup volume {path} is damaged: {reason}.", E, "emulator (per-block checksum)")
BACKUP_BLOCK_CRC = _m(
    90150, "CRC check failed reading backup block {n}", E, "KB-P14232 (prorest -vp text; its number is not given there)"
)
BACKUP_VOLUME_MISSING = _m(90065, "Backup volume {n} ({path}) is missing.", E, "emulator")
BACKUP_NOT_A_BACKUP = _m(90066, "{path} is not a backup volume.", E, "emulator")
VERIFY_MISMATCH = _m(90067, "Block {block} of area {area} differs from the backup.", E, "emulator (-vf)")
QUIET_ENABLED = _m(5583, "Quiet point has been enabled by the broker.", S, "KB-P41028")
QUIET_DISABLED = _m(5584, "Quiet point has been disabled by the broker.", I, "number inferred (semantics §3.7)")
QUIET_REQUEST_LOGIN = _m(5569, "Quiet point request login by {user} on {tty}.", S, "POTEMKIN")
QUIET_REQUEST_LOGOUT = _m(5570, "Quiet point request logout by {user} on {tty}.", S, "POTEMKIN")
QUIET_SINGLE_AI = _m(
    90070, "Cannot enable proquiet with a single AI file.", E, "KB-P41028 (return code 2); sheet tag [confirmed]"
)
QUIET_ALREADY_REQUESTED = _m(
    90071, "Quiet point has already been requested.", E, "KB-P41028 (return code 4); sheet tag [confirmed]"
)
QUIET_ALREADY_ENABLED = _m(
    90072, "Enabling the quiet point is already in effect.", E, "KB-P41028 (return code 6); sheet tag [confirmed]"
)
QUIET_AI_SWITCH_FAILED = _m(
    90073,
    "Quiet point cannot be enabled because of an ai switch failure.",
    E,
    "KB-P41028 (return code 5); sheet tag [confirmed]",
)
QUIET_NOT_ENABLED = _m(
    90074, "Quiet point does not need to be disabled.", E, "KB-P41028 (return code 7); sheet tag [confirmed]"
)
BI_THRESHOLD = _m(
    90075,
    "BI threshold set to {mb} MB.",
    E,
    "emulator summary line; DOC 12.8 'Set a BI threshold' (the .lg records the threshold's value)",
)
BI_THRESHOLD_TOO_SMALL = _m(
    90076,
    "The BI threshold cannot be set to {mb} MB: the before-image file already holds {size} bytes.",
    E,
    "DOC PROQUIET (no lower than one cluster above the BI's size); wording emulator",
)
BI_THRESHOLD_NOT_QUIET = _m(
    90077,
    "The BI threshold of {db} can be changed only during a quiet point: run proquiet {db} enable first.",
    E,
    "semantics §3.7 ('while quiet'), DOC 12.8 'Use PROQUIET to adjust the BI threshold' "
    "(enable, bithreshold, disable); DOC PROQUIET also says 'online': check first",
)
QUIET_BI_THRESHOLD_REACHED = _m(
    90078,
    "The BI threshold has been reached. You must extend the BI using the "
    "bithreshold option first before you can disable the quiet point.",
    E,
    "KB-P41028 (return code 3, its description as text)",
)
BI_STALL_ENABLED = _m(
    90079,
    "BI threshold stall (-bistall) is enabled.",
    E,
    "DOC -bistall (a .lg line says the stall is enabled; text NOT FOUND)",
)
BI_THRESHOLD_STALLED = _m(
    90082,
    "The BI file has reached its threshold of {mb} MB. Database activity is stalled: "
    "raise it with proquiet {db} bithreshold n, then proquiet {db} disable.",
    E,
    "DOC -bithold/-bistall (rule), KB-P41028 (code 3); wording emulator",
)
BI_THRESHOLD_SHUTDOWN = _m(
    90083,
    "The BI file has reached its threshold of {mb} MB: emergency shutdown (start the "
    "broker with -bistall to stall instead).",
    E,
    "DOC -bithold (emergency shutdown unless -bistall); wording emulator",
)
RESTORE_OVERWRITE_PROMPT = _m(
    None,
    "The database {db} already exists. Do you want to overwrite it? [y/n]:",
    E,
    "emulator; the real prorest prompt text is NOT FOUND (semantics §10.7)",
)
RESTORE_NOT_CONFIRMED = _m(90100, "Restore into {db} was not confirmed; nothing was changed.", E, "emulator")
RESTORE_TARGET_UNFIT = _m(
    90101,
    "The backup cannot be restored into {db}: {reason}.",
    E,
    "semantics §3.6 (target must fit the backup); wording emulator",
)
BACKUP_OFFLINE_NO_SWITCH = _m(
    90102,
    "Offline backup: after-imaging was not switched. Roll forward starts with "
    "after-image file {seq} (BUSY now), which must have no notes from before this "
    "backup. OEDR_OFFLINE_PROBKUP_SWITCH=1 makes offline backups switch.",
    E,
    "semantics §6.8 (open question; emulator default); sheet tag [inferred]",
)
BACKUP_DEVICE_IS_DB = _m(90103, "{path} is a file of database {db}; choose another backup device.", E, "emulator")
BACKUP_NOLOCK_QUIET = _m(
    90104,
    "An online backup cannot run during a proquiet nolock quiet point.",
    E,
    "DOC proquiet nolock (rule); wording emulator; sheet tag [confirmed]",
)
BACKUP_VOLUME_WRITTEN = _m(
    90105,
    "Backup volume {n} written to {path} ({blocks} blocks).",
    E,
    "emulator (-vs volume naming <device>, <device>.2, ...)",
)
BACKUP_REPLACE_ACCEPTED = _m(
    90106,
    "-REPLACE is not a documented probkup parameter; oedr accepts it (probkup always overwrites the device).",
    E,
    "semantics §3.5 (-REPLACE NOT FOUND)",
)
BACKUP_ALREADY_RUNNING = _m(
    90109,
    "An online backup of {db} is already running.",
    E,
    "emulator (one online backup at a time); real wording unknown",
)
BACKUP_ABORTED = _m(
    90107, "Backup of {db} aborted; no backup was written.", E, "DOC (online probkup aborts); wording emulator"
)

# --- oeclient, the emulator's stand-in for an ABL session ---------------------------------------------
CLIENT_COMMITTED = _m(None, "committed trid={trid} time={time}", E, "oeclient output (emulator only)")
CLIENT_DIGEST = _m(None, "records={count} sha256={digest}", E, "oeclient output (emulator only)")
CLIENT_STALLED = _m(None, "stalled: {reason}", E, "oeclient output (emulator only)")
CLIENT_LOAD = _m(None, "load committed={count} seconds={seconds}", E, "oeclient output (emulator only)")
RECORD_TOO_LARGE = _m(90080, "A record of {size} bytes does not fit in a {block_size}-byte block.", E, "emulator")
TABLE_NAME = _m(90081, "Table name {name!r} is not valid: letters, digits and - _ only, at most 32.", E, "emulator")

# --- AI File Management, the after-image manager (semantics §4.6, §3.4 AIARCHIVER/AIARCHIVE) --------------
AIMGT_BEGINNING = _m(13194, "The after-image manager is beginning.", S, "POTEMKIN (number), semantics §4.6")
AIMGT_ARCHIVING_TO = _m(
    13231,
    "From this point forward all after-image extents will be archived to {dir}.",
    S,
    "POTEMKIN (number), semantics §4.6",
)
AIMGT_COPIED = _m(
    13199, "After-image extent {path} has been copied to {target}.", S, "POTEMKIN (number), semantics §4.6"
)
AIMGT_MARKED_ARCHIVED = _m(13154, "Marked after-image extent {name} ARCHIVED.", S, "POTEMKIN (number), semantics §4.6")
AIMGT_NO_DESTINATION = _m(
    13198,
    "The after-image management daemon cannot find a destination in its current list "
    "with enough space to continue archiving extents.",
    C,
    "KB-P154904",
)
AIMGT_ENABLED = _m(
    90170,
    "After-image File Management enabled for database {db}; archive directories {dirs}, interval {interval}.",
    E,
    "semantics §4.6 (success text NOT FOUND)",
)
AIMGT_DISABLED = _m(
    90171, "After-image File Management disabled for database {db}.", E, "semantics §4.6 (success text NOT FOUND)"
)
AIMGT_NOT_ENABLED = _m(
    90172,
    "After-image File Management is not enabled for database {db}.",
    E,
    "semantics §3.4 (rule: aiarchive nextextent needs it); wording emulator",
)
AIMGT_ALREADY_ENABLED = _m(
    90173, "After-image File Management is already enabled for database {db}.", E, "emulator rule and wording"
)
AIMGT_NO_DIR = _m(
    90174,
    "The archive directory {dir} does not exist. Create it or give -aiarcdircreate.",
    E,
    "DOC -aiarcdircreate (rule); wording emulator",
)
AIMGT_BAD_INTERVAL = _m(
    90175,
    "-aiarcinterval must be 0 (on demand) or from 120 to 86400 seconds, not {value}.",
    E,
    "semantics §4.6 (range 120-86400); wording emulator",
)
AIMGT_NEEDS_DIRS = _m(90176, "{what} needs -aiarcdir dir1[,dir2...].", E, "semantics §3.4 (syntax); wording emulator")
AIMGT_ENDED = _m(90177, "The after-image manager has ended.", E, "semantics §4.6 (text NOT FOUND)")
AIMGT_NOT_RUNNING = _m(
    90178, "The after-image manager is not running for database {db}.", E, "emulator rule and wording"
)
AIMGT_INTERVAL_SET = _m(
    90179, "After-image File Management interval set to {interval}.", E, "semantics §4.6 (success text NOT FOUND)"
)
AIMGT_DIRS_SET = _m(
    90180,
    "After-image File Management archive directories set to {dirs}.",
    E,
    "semantics §4.6 (success text NOT FOUND)",
)
AIMGT_TARGET_EXISTS = _m(
    90181,
    "The archive target {path} already exists.",
    E,
    "DOC 12.8 aiarchive extent (rule: target must not exist); wording emulator",
)
AIMGT_NOT_FULL = _m(
    90182,
    "After-image extent {path} is {state}: only a FULL extent can be archived.",
    E,
    "semantics §4.1 (rule); wording emulator",
)

# --- the operating system -------------------------------------------------------------------------
DISK_FULL = _m(
    6091,
    "{function}:Insufficient disk space during {call}, fd {fd}, len {length}, offset {offset}, file {path}.",
    C,
    "KB-P22954, KB-P4404, KB-P98311 (text; fields from the failed write)",
)

# --- internal ------------------------------------------------------------------------------------
INTERNAL_ERROR = _m(
    90099,
    "SYSTEM ERROR: the emulator failed unexpectedly ({detail}). Please report it.",
    E,
    "emulator: last-resort handler, never a traceback",
)


def catalogue() -> dict[str, Message]:
    """Every entry by constant name (for docs/MESSAGES.md and the catalogue tests)."""
    return {name: value for name, value in globals().items() if isinstance(value, Message)}
