"""The generated bad-input corpus: wrong command lines, bad names and numbers, damaged files, closed stdio.

``generate(seed)`` gives the same list of cases for the same seed, so a failing case can be replayed by its
number. Every case is one command line on one template database directory, after an optional change to
its files (a damaged extent, a garbage .st, a directory where a file should be). A case is *wrong* when
the command must be refused (a mistake on the command line, or damage the command reads); other cases
("may succeed") must still end without a traceback or an internal error, and if they are refused they
must change nothing.

The templates (built once by the test): ``sports`` closed, AI on (extent 1 FULL, 2 BUSY), with a full
backup ``full.bck``, an incremental ``incr.bck`` and a foreign database's AI file ``foreign.a1``;
``crashed`` killed after a BI commit (crash recovery pending); ``empty`` an empty directory.
"""

from __future__ import annotations

import random
import shlex
import struct
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from oedr.harness.openedge.dbfiles import aifile
from oedr.harness.openedge.dbfiles.backup import TEXT_SIZE
from oedr.harness.openedge.dbfiles.framing import FRAME

BLOCK = 4096
BI_BLOCK = 8192


@dataclass(frozen=True)
class Change:
    """What a case does to the template's files before its command: replace a file's bytes, or make a
    directory where a file is expected."""

    name: str
    data: bytes | None = None  # None: a directory of that name


@dataclass(frozen=True)
class Case:
    number: int
    kind: str
    template: str
    command: str
    wrong: bool
    what: str
    changes: tuple[Change, ...] = ()
    stdio: str = ""  # "", "stdout", "stdin" or "both": which standard fds are closed (a subprocess run)
    user: str = ""  # run as this unprivileged user (a subprocess run) in a directory it cannot write
    must_succeed: bool = False  # a good command: it must do its work (exit 0) whatever stdio is closed
    stdin: str = "y\n"

    def describe(self) -> str:
        closed = f" [closed {self.stdio}]" if self.stdio else ""
        return f"case {self.number} ({self.kind}, {self.template}{closed}): {self.what}: `{self.command}`"


# --- command lines --------------------------------------------------------------------------------------
SKELETONS: dict[str, list[str]] = {
    "prostrct": [
        "prostrct create fresh fresh.st",
        "prostrct list sports out.st",
        "prostrct repair sports sports.st",
        "prostrct unlock sports",
        "prostrct create fresh fresh.st -blocksize 4096",
    ],
    "prodb": ["prodb fresh sports", "prodb fresh empty"],
    "procopy": ["procopy sports fresh", "procopy empty fresh"],
    "proserve": ["proserve sports -S 20000"],
    "proshut": ["proshut sports -by", "proshut sports -bn"],
    "proutil": [
        "proutil sports -C busy",
        "proutil sports -C holder",
        "proutil sports -C describe",
        "proutil sports -C truncate bi -G 0",
        "proutil sports -C truncate bi -biblocksize 8",
        "proutil sports -C enablesitereplication target",
    ],
    "rfutil": [
        "rfutil sports -C aimage end",
        "rfutil sports -C aimage new",
        "rfutil sports -C aimage list",
        "rfutil sports -C aimage extent full",
        "rfutil sports -C aimage query status by extnum 1",
        "rfutil sports -C aimage scan -a sports.a1",
        "rfutil sports -C mark backedup",
        "rfutil sports -C sequence",
        "rfutil sports -C roll forward endtrans 3 -a sports.a1",
        "rfutil sports -C roll forward endtime 2020:01:01:00:00:00 -a sports.a1",
        "rfutil sports -C aimage extent empty 1",
    ],
    "probkup": ["probkup sports fuzz.bck", "probkup online sports fuzz.bck", "probkup sports incremental fuzz.bck"],
    "prorest": ["prorest restored full.bck", "prorest sports full.bck -vp", "prorest sports full.bck -list"],
    "proquiet": ["proquiet sports enable", "proquiet sports bithreshold 5"],
    "oeclient": [
        "oeclient sports commit --count 2",
        "oeclient sports digest --upto 3",
        "oeclient sports commit --bytes 100",
    ],
}
CREATES = ("prostrct create", "prodb", "procopy")
NUMERIC_AFTER = (
    "-G",
    "--count",
    "--upto",
    "--bytes",
    "endtrans",
    "bithreshold",
    "extnum",
    "-blocksize",
    "-biblocksize",
    "empty",
)
VALUE_AFTER = (*NUMERIC_AFTER, "-S")  # -S takes a port or a service name: any word, but a word it needs
BAD_NUMBERS = [
    "-1",
    "-0",
    "²",
    "٣",
    "１２",
    "1e3",
    "0x10",
    "1.5",
    "",
    " ",
    "99999999999999999999999999",
    "9" * 5000,
    "12abc",
    "+5",
    "∞",
    "NaN",
    "1_000",
]
BAD_ENDTIMES = [
    "0000:01:01:00:00:00",
    "0001:01:01:00:00:00",
    "2020:13:01:00:00:00",
    "2020:02:30:00:00:00",
    "２０２０:01:01:00:00:00",
    "2020-01-01 00:00:00",
    "99999:01:01:00:00:00",
    "2020:01:01",
    "now",
]
BAD_NAMES = [
    "x" * 300,
    "nodir/sub/sports",
    "adir",
    "missing",
    "spörts",
    "sports.db",
    "my sports",
    "-sports",
    "sports\u200b",
    "ｓｐｏｒｔｓ",
    ".",
    "sports/",
    "y" * 250 + ".db",
]
GOOD_FOR_CREATE = {"spörts", "my sports", "ｓｐｏｒｔｓ", "sports\u200b", "missing"}  # odd but good new names
SAME_DATABASE = {"sports.db", "sports/"}  # other spellings of sports (the trailing / is the emulator's reading)
NAME_UNUSED = ("prorest sports full.bck -vp", "prorest sports full.bck -list")  # only the backup is read


def _numbers(words: list[str]) -> list[int]:
    return [i for i, w in enumerate(words) if i and words[i - 1] in NUMERIC_AFTER and w.isascii() and w.isdigit()]


def _argv_case(r: random.Random) -> tuple[str, str, bool]:
    """A skeleton made wrong: (what, command, wrong)."""
    utility = r.choice(sorted(SKELETONS))
    command = r.choice(SKELETONS[utility])
    words = shlex.split(command)
    token = "zz" + "".join(r.choice("abcxyz019") for _ in range(r.randint(1, 5)))
    kinds = ["extra word", "drop word", "unknown parameter", "qualifier", "empty"]
    if utility == "proserve":
        kinds = ["extra word", "drop word", "qualifier", "empty"]  # proserve takes any -param value pair
    kind = r.choice(kinds)
    wrong = True
    if kind == "extra word":
        words.append(token)
    elif kind == "drop word":  # dropping an optional word can leave a good command: then it may succeed
        dropped = r.randrange(1, len(words))
        wrong = dropped == 1 or words[dropped - 1] in VALUE_AFTER
        words.pop(dropped)
    elif kind == "unknown parameter":
        words.insert(r.randint(2, len(words)), "-" + token)
    elif kind == "qualifier":
        if "-C" in words:
            words[words.index("-C") + 1] = token
        else:
            words.insert(1, token) if utility != "proserve" else words.insert(1, "-C")
    elif kind == "empty":
        words = [words[0]]
    else:
        words = [words[0]]
    return kind, shlex.join(words), wrong


def _number_case(r: random.Random) -> tuple[str, str, bool]:
    candidates = [c for cs in SKELETONS.values() for c in cs if _numbers(shlex.split(c))]
    command = r.choice(candidates)
    words = shlex.split(command)
    if "endtime" in words and r.random() < 0.5:
        words[words.index("endtime") + 1] = r.choice(BAD_ENDTIMES)
        return "bad endtime", shlex.join(words), True
    index = r.choice(_numbers(words))
    words[index] = r.choice(BAD_NUMBERS)
    return f"bad number for {words[index - 1]}", shlex.join(words), True


def _name_case(r: random.Random) -> tuple[str, str, bool]:
    command = r.choice([c for cs in SKELETONS.values() for c in cs])
    words = shlex.split(command)
    bad = r.choice(BAD_NAMES)
    creates = command.startswith(CREATES)
    position = 2 if command.startswith("prostrct") or command.startswith(("probkup online",)) else 1
    if command.startswith("probkup sports incremental"):
        position = 1
    if command.startswith("procopy"):
        position = r.choice([1, 2])
        creates = position == 2
    if command.startswith("prodb"):
        position = r.choice([1, 2])
        creates = position == 1
    if command.startswith("prorest restored"):
        creates = True
    words[position] = bad
    wrong = not (creates and bad in GOOD_FOR_CREATE) and bad not in SAME_DATABASE and command not in NAME_UNUSED
    return f"name {bad[:40]!r}", shlex.join(words), wrong


# --- files ----------------------------------------------------------------------------------------------
ST_DEFECTS = [
    'b .\nd "Data":7,33 .',
    "d .\na .",
    'b .\nd "A":7 . f -5',
    "b .\nd . f 99999999999999",
    'b .\nd "Data":x .',
    'b .\nd "Data":٣ .',
    'b .\nd "Data":7,٨ .',
    "b .\nd . f ²",
    'b .\nd !"unterminated',
    "\x00\x01\x02",
    "",
    'b .\nd "Data":7 . v 1 2',
    'b .\nd "Data":99999999999999999999 .',
]


def _st_case(r: random.Random) -> tuple[str, str, bool, tuple[Change, ...], str]:
    choice = r.random()
    if choice < 0.3:
        data = bytes(r.randrange(256) for _ in range(r.randint(1, 300)))
        what = "garbage bytes"
    elif choice < 0.55:
        good = b'b .\nd "Schema Area":6,32;1 .\nd "Data":7,32;1 .\na .\n'
        data = good[: r.randrange(1, 12)]
        what = f"truncated to {len(data)} bytes"
    else:
        text = r.choice(ST_DEFECTS)
        data = text.encode()
        what = f"defect {text[:30]!r}"
    if r.random() < 0.5:
        return what, "prostrct create fresh bad.st", True, (Change("bad.st", data),), "empty"
    return what, "prostrct repair sports bad.st", True, (Change("bad.st", data),), "sports"


OPENERS = [
    "proutil sports -C truncate bi",
    "oeclient sports digest",
    "oeclient sports commit --count 2",
    "rfutil sports -C mark backedup",
    "rfutil sports -C sequence",
    "rfutil sports -C aimage new",
    "proserve sports",
    "probkup sports fuzz.bck",
    "proutil sports -C enablesitereplication target",
]
READERS = [
    "proutil sports -C describe",
    "prostrct list sports listed.st",
    "prostrct unlock sports",
    "rfutil sports -C aimage list",
    "prostrct repair sports sports.st",
]
AI_READERS = ["rfutil sports -C roll forward -a sports.a1", "rfutil sports -C aimage scan verbose -a sports.a1"]
BACKUP_READERS = [
    "prorest restored full.bck",
    "prorest sports full.bck -vp",
    "prorest sports full.bck -vf",
    "prorest restored incr.bck",
]
MAY_SUCCEED = [
    "proutil sports -C busy",
    "proutil sports -C holder",
    "probkup sports fuzz.bck",
    "rfutil sports -C aimage list",
    "prostrct list sports -RO",
    "proutil sports -C describe",
]


def _header_end(data: bytes) -> int:
    """End of a header block's checksummed part: magic, frame head, JSON payload."""
    (length,) = struct.unpack_from("<I", data, 8)
    return 8 + FRAME.size + length


def _flip(data: bytes, where: int) -> bytes:
    damaged = bytearray(data)
    damaged[where] ^= 1 << (where % 8)
    return bytes(damaged)


def _zero(data: bytes, start: int, length: int = 512) -> bytes:
    return data[:start] + bytes(min(length, len(data) - start)) + data[start + length :]


def _noticing(name: str) -> list[str]:
    """The commands that read the damaged part of this file, so must refuse."""
    if name.endswith(".bck"):
        return [c.replace("full.bck", name) for c in BACKUP_READERS[:3]]
    if name == "sports.a1":
        return AI_READERS
    return OPENERS + READERS if name == "sports.db" else OPENERS


def _damage_case(
    r: random.Random, files: dict[str, dict[str, bytes]]
) -> tuple[str, str, bool, tuple[Change, ...], str]:
    """Damage the checksummed part of one file (header, notes, used blocks), or cut it, zero it, empty it."""
    template = r.choice(["sports", "sports", "sports", "crashed"])
    names = ["sports.db", "sports.b1", "sports.d1", "sports_7.d1"]
    if template == "sports":
        names += ["sports.a1", "full.bck", "incr.bck"]
    name = r.choice(names)
    data = files[template][name]
    mode = r.choice(["flip", "cut", "zero", "empty", "directory"])
    if name.endswith(".bck"):
        start, end = TEXT_SIZE, len(data)
    elif name == "sports.a1":
        start, end = 0, aifile.decode_header(aifile.MAGIC, data[: aifile.HEADER_SIZE])["eof"]
    else:
        start, end = 0, _header_end(data)
    if name == "sports_7.d1" and template == "sports" and r.random() < 0.3:
        where = BLOCK + r.randrange(0, 2048)  # inside block 1's records: read by every full scan
        return (
            f"{name}: 512 bytes zeroed in block 1 at {where}",
            "oeclient sports digest",
            True,
            (Change(name, _zero(data, where)),),
            template,
        )
    if mode == "flip":
        where = r.randrange(start, end)
        change, what = Change(name, _flip(data, where)), f"{name}: flip byte {where}"
    elif mode == "cut":
        cut = r.randrange(start, end)
        change, what = Change(name, data[:cut]), f"{name}: cut at {cut}"
    elif mode == "zero":
        where = r.randrange(start, end)
        change, what = Change(name, _zero(data, where)), f"{name}: 512 bytes zeroed at {where}"
    elif mode == "empty":
        change, what = Change(name, b""), f"{name}: zero length"
    else:
        change, what = Change(name), f"{name}: a directory"
    commands = _noticing(name)
    if r.random() < 0.2 or change.data == data:  # zeroing zeros changes nothing
        return what, r.choice(MAY_SUCCEED), False, (change,), template
    return what, r.choice(commands), True, (change,), template


def _foreign_case(r: random.Random) -> tuple[str, str, bool, tuple[Change, ...], str]:
    command = r.choice(
        [
            "rfutil sports -C roll forward -a foreign.a1",
            "rfutil sports -C roll forward retry -a foreign.a1",
            "rfutil sports -C aimage scan verbose -a foreign.a1",
        ]
    )
    return "a foreign database's AI file", command, "roll forward" in command, (), "sports"


# --- the corpus -----------------------------------------------------------------------------------------
Generator = Callable[[random.Random], tuple[str, str, bool]]


@dataclass
class Corpus:
    cases: list[Case] = field(default_factory=list)

    def add(
        self,
        kind: str,
        template: str,
        command: str,
        wrong: bool,
        what: str,
        changes: tuple[Change, ...] = (),
        stdio: str = "",
        must_succeed: bool = False,
        user: str = "",
    ) -> None:
        self.cases.append(
            Case(len(self.cases), kind, template, command, wrong, what, changes, stdio, user, must_succeed)
        )


def generate(seed: int, size: int, files: dict[str, dict[str, bytes]]) -> list[Case]:
    """``size`` in-process cases (argv, numbers, names, .st files, damaged files, foreign AI) in a fixed
    proportion, then the closed-stdio cases (run as subprocesses), then the ``oedr`` command's cases."""
    r = random.Random(seed)
    corpus = Corpus()
    plan = [("argv", 0.25), ("number", 0.15), ("name", 0.15), ("st", 0.1), ("damage", 0.3), ("foreign", 0.05)]
    for kind, share in plan:
        for _ in range(max(1, round(size * share))):
            if kind in ("argv", "number", "name"):
                make: Generator = {"argv": _argv_case, "number": _number_case, "name": _name_case}[kind]
                what, command, wrong = make(r)
                template = (
                    "empty"
                    if command.startswith(("prostrct create", "prodb fresh empty", "procopy empty"))
                    else r.choice(["sports", "crashed"])
                )
                changes = ()
                if template == "empty" and command.startswith("prostrct create"):
                    changes = (Change("fresh.st", b'b .\nd "Schema Area":6,32;1 .\nd "Data":7 .\n'),)
                if "adir" in command:
                    changes = (*changes, Change("adir"), Change("adir.db"))
                corpus.add(kind, template, command, wrong, what, changes)
            elif kind == "st":
                corpus.add(kind, *_reorder(_st_case(r)))
            elif kind == "damage":
                corpus.add(kind, *_reorder(_damage_case(r, files)))
            else:
                corpus.add(kind, *_reorder(_foreign_case(r)))
    _stdio_cases(r, corpus, max(12, size // 25))
    _overwrite_cases(r, corpus, max(7, size // 50))
    _unprivileged_cases(r, corpus, max(7, size // 40))
    from badinput_oedr import oedr_cases  # here: that module builds on this one's Case and Change

    for case in oedr_cases(r, max(60, size // 10)):
        corpus.cases.append(replace(case, number=len(corpus.cases)))
    return corpus.cases


def _reorder(made: tuple[str, str, bool, tuple[Change, ...], str]) -> tuple[str, str, bool, str, tuple[Change, ...]]:
    what, command, wrong, changes, template = made
    return template, command, wrong, what, changes


GOOD_COMMANDS = [
    "rfutil sports -C aimage list",
    "proutil sports -C describe",
    "prostrct list sports -RO",
    "rfutil sports -C mark backedup",
    "probkup sports stdio.bck",
    "oeclient sports commit",
    "oeclient sports digest",
    "prorest sports full.bck -vp",
    "prorest sports full.bck",
    "proutil sports -C truncate bi",
    "proutil sports -C busy",
    "prostrct list sports listed.st",
]
"""Commands that succeed on the sports template with every standard fd open (prorest into sports only when
its prompt is answered)."""


OWN_FILES = [
    "sports.db",
    "sports.b1",
    "sports.d1",
    "sports_7.d1",
    "sports.a1",
    "sports.a2",
    "sports.lg",
    "./sports.db",
    "full.bck",
    "incr.bck",
    "foreign.a1",
]


def _overwrite_cases(r: random.Random, corpus: Corpus, count: int) -> None:
    """An output file named as one of the database's own files (or a backup volume, or another database's)."""
    for _ in range(count):
        target = r.choice(OWN_FILES)
        command = r.choice([f"prostrct list sports {target}", f"probkup sports {target}"])
        corpus.add(
            "overwrite",
            r.choice(["sports", "crashed"]) if "bck" not in target and "foreign" not in target else "sports",
            command,
            command.startswith("prostrct") or target.startswith(("sports", "./")),
            f"output over {target}",
        )


def _unprivileged_cases(r: random.Random, corpus: Corpus, count: int) -> None:
    """As a user who may read but not write the database directory: refused with a message, or read-only work."""
    commands = [*OPENERS, *READERS, *GOOD_COMMANDS, "prodb fresh empty", "prorest restored full.bck"]
    for _ in range(count):
        command = r.choice(commands)
        corpus.add("nobody", r.choice(["sports", "crashed"]), command, False, "as an unprivileged user", user="nobody")


def _stdio_cases(r: random.Random, corpus: Corpus, count: int) -> None:
    for index in range(count):
        closed = ("stdout", "stdin", "both")[index % 3]
        if r.random() < 0.6:
            command = r.choice(GOOD_COMMANDS)
            wrong = command == "prorest sports full.bck" and closed in ("stdin", "both")  # nobody answers
            corpus.add("stdio", "sports", command, wrong, "a good command", stdio=closed, must_succeed=not wrong)
        else:
            what, command, wrong = _argv_case(r)
            if not wrong:
                continue
            template = (
                "empty" if command.startswith(("prostrct create", "prodb fresh empty", "procopy empty")) else "sports"
            )
            corpus.add("stdio", template, command, True, what, stdio=closed)
