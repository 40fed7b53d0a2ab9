"""Seeded fuzz of every utility: malformed .st files, damaged database files, and wrong command lines.

Every case must end the way a DBA can act on: a numbered OpenEdge message ``(NNNN)`` on stdout, a non-zero
exit status, never a Python traceback, and the database's files byte for byte as they were. The cases run
in-process through ``oedr.harness.openedge.cli.run`` (the same code the console scripts run) for speed; the
seed is fixed (``OEDR_FUZZ_SEED`` overrides it) so a failure names a case that can be replayed.

Damage is put where the emulator can see it: inside the checksummed parts of a file (headers, notes, used
block space), or a truncation before the data the database says it has. A byte flipped in the final
note of a crashed database's BI is indistinguishable from a torn last write, and is left out on purpose.
"""

from __future__ import annotations

import os
import random
import re
import shlex
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from oedr.harness.backends.local import LocalHost
from oedr.harness.openedge import cli
from oedr.harness.openedge.dbfiles import aifile, extents
from oedr.harness.openedge.dbfiles.framing import FRAME, read_frames
from oedr.harness.openedge.hostinfo import pid_alive

SEED = int(os.environ.get("OEDR_FUZZ_SEED", "20250611"))
NUMBERED = re.compile(r"\(\d{2,5}\)$", re.M)
BLOCK = 4096
BI_BLOCK = 8192  # the BI's own block size (8 KB by default, semantics §3.3): its header block


@dataclass
class Template:
    """A database directory whose files are put back before every case."""

    host: LocalHost
    files: dict[str, bytes] = field(default_factory=dict)

    def capture(self) -> None:
        self.files = {name: self.host.read_file(name) for name in self.host.list_files()}

    def restore(self) -> None:
        root = Path(self.host.root)
        for path in root.iterdir():
            if path.is_file() and path.name not in self.files:
                path.unlink()
        for name, data in self.files.items():
            target = root / name
            if not target.exists() or target.read_bytes() != data:
                self.host.write_file(name, data)

    def db_hashes(self) -> dict[str, bytes]:
        root = Path(self.host.root)
        return {
            p.name: p.read_bytes()
            for p in sorted(root.iterdir())
            if p.is_file() and re.match(r"^sports(_\d+)?\.(db|[bda]\d+)$", p.name)
        }


@pytest.fixture(scope="module")
def templates(oe) -> Iterator[dict[str, Template]]:
    """clean: closed, BI truncated, AI on with file 1 FULL and file 2 BUSY; crashed: killed after a BI commit."""
    with oe.new_site() as site:
        clean = Template(site.host("clean"))
        oe.make_db(clean.host)
        oe.commit(clean.host, "sports", 40)  # records in blocks 1 and 2 of area 7
        oe.ok(clean.host, "rfutil sports -C aimage new")
        oe.commit(clean.host, "sports", 2)
        oe.ok(clean.host, "proutil sports -C truncate bi")
        clean.capture()
        crashed = Template(site.host("crashed"))
        oe.make_db(crashed.host)
        oe.commit(crashed.host, "sports", 40)
        killed = crashed.host.run("oeclient sports commit", env={"OEDR_FAULT": "after-bi-commit"})
        assert killed.exit_status == -9
        crashed.capture()
        empty = Template(site.host("empty"))
        yield {"clean": clean, "crashed": crashed, "empty": empty}


@pytest.fixture
def run(monkeypatch, capsys) -> Callable[[Template, str], tuple[int, str]]:
    """Run one command line in-process in a template's directory, as its host; (exit status, output)."""
    monkeypatch.delenv("OEDR_FAULT", raising=False)
    monkeypatch.setenv("OEDR_BANNER", "no")

    def runner(template: Template, command: str) -> tuple[int, str]:
        host = template.host
        monkeypatch.chdir(host.root)
        monkeypatch.setenv("OEDR_HOST", host.hostname)
        monkeypatch.setenv("OEDR_RUNTIME_DIR", host.runtime)
        argv = shlex.split(command)
        status = cli.run(argv[0], argv[1:])
        out, err = capsys.readouterr()
        return status, out + err

    return runner


def _expect_refusal(case: str, status: int, output: str) -> None:
    assert "Traceback" not in output, f"{case}\n{output}"
    assert status != 0, f"{case} succeeded:\n{output}"
    assert NUMBERED.search(output), f"{case}: no numbered message:\n{output}"


def _no_broker_left(template: Template) -> None:
    lk = Path(template.host.root, "sports.lk")
    if lk.exists():
        pid = struct.unpack_from("<ii", lk.read_bytes())[1]
        if pid != os.getpid() and pid_alive(pid):
            os.kill(pid, 9)
            pytest.fail(f"a broker (pid {pid}) was started by a fuzz case")


# --- malformed .st files -------------------------------------------------------------------------------
VALID_LINES = [
    "b .",
    "d .",
    'd "Schema Area":6,32;1 .',
    'd "Data":7,64;8 . f 1024',
    'd "Data":7 .',
    "a .",
    "a . f 512",
    "# a comment",
    ": another",
    "* and another",
    "",
    "t .",
]
DEFECTS: list[Callable[[random.Random], str]] = [
    lambda r: f"{r.choice('cefghijklmnopqrsuvwxyz0123456789!?')} .",
    lambda r: r.choice(
        [
            'd "Data .',
            'd "Data":x .',
            'd "Data":7,33 .',
            'd "Data":7,32;7 .',
            'd "Data":3 .',
            'd "Data":7,0 .',
            'd "Data":99999 .',
            'b "Data":7 .',
            'a "Data" .',
        ]
    ),
    lambda r: r.choice(["d . x 128", "d . f", "d . f 12k", "d . v 1 2", "d . f -64", "d . F"]),
    lambda r: r.choice(["b", "d", "a", 'd !"unterminated path', 'd "Area":7,32;1']),
    lambda r: f"d . f {r.choice([0, 16, 32, 40, 100, 1000])}",
    lambda r: "d\x00 .",
    lambda r: 'd "A":7 . v 128\nd "A":7 . f 128',
    lambda r: 'd "A":7 .\nd "B" .',
    lambda r: "d nowhere-dir/sub/",
]


def _st_case(r: random.Random) -> tuple[str, str]:
    kind = r.randrange(len(DEFECTS) + 2)
    lines = r.sample(VALID_LINES, r.randint(2, 6))
    if kind == len(DEFECTS):
        return "no b line", "\n".join([line for line in lines if not line.startswith("b")] + ["d ."])
    if kind == len(DEFECTS) + 1:
        return "no d line", "\n".join([line for line in lines if not line.startswith("d")] + ["b ."])
    defect = DEFECTS[kind](r)
    lines.insert(r.randint(0, len(lines)), defect)
    if not any(line.startswith("b") for line in lines):
        lines.insert(0, "b .")
    return f"defect {defect!r}", "\n".join(lines) + r.choice(["", "\n"])


def test_fuzz_malformed_structure_files(templates, run):
    r = random.Random(SEED)
    empty, clean = templates["empty"], templates["clean"]
    for index in range(70):
        what, text = _st_case(r)
        case = f"st case {index} ({what}):\n{text}"
        empty.restore()
        empty.host.write_file("bad.st", text.encode())
        status, output = run(empty, "prostrct create fuzz bad.st" + r.choice(["", " -blocksize 4096"]))
        _expect_refusal(case, status, output)
        assert empty.host.list_files() == ["bad.st"], case
        clean.restore()
        clean.host.write_file("bad.st", text.encode())
        before = clean.db_hashes()
        status, output = run(clean, "prostrct repair sports bad.st")
        _expect_refusal(case + " (repair)", status, output)
        assert clean.db_hashes() == before, case


# --- damaged files -------------------------------------------------------------------------------------
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
    "proutil sports -C busy",
    "proutil sports -C holder",
    "proutil sports -C describe",
    "prostrct list sports listed.st",
    "prostrct unlock sports",
    "rfutil sports -C aimage list",
    "prostrct repair sports sports.st",
]
AI_READERS = [
    "rfutil sports -C roll forward -a sports.a1",
    "rfutil sports -C roll forward retry -a sports.a1",
    "rfutil sports -C aimage scan verbose -a sports.a1",
]
AI_HEADER_READERS = [
    "rfutil sports -C aimage list",
    "rfutil sports -C aimage extent full",
    "rfutil sports -C aimage query status by extnum 1",
]


def _header_end(data: bytes) -> int:
    """End of a header block's checksummed part: magic, frame head, JSON payload."""
    (length,) = struct.unpack_from("<I", data, 8)
    return 8 + FRAME.size + length


def _block_spans(data: bytes, area: int) -> list[tuple[int, int]]:
    """(start, end) of the used part of every written data block of an extent."""
    spans = []
    for number in range(1, len(data) // BLOCK):
        raw = data[number * BLOCK : (number + 1) * BLOCK]
        if raw.strip(b"\0"):
            spans.append((number * BLOCK, number * BLOCK + extents.decode_block(raw, number, area).used()))
    return spans


def _damage(r: random.Random, template: str, name: str, data: bytes) -> tuple[str, bytes, list[str]]:
    """One damage to one file, and the commands that must notice it."""
    head = _header_end(data)
    if name == "sports.db":
        return (*_flip_or_cut(r, data, head, head), OPENERS + READERS)
    if name == "sports.a1":
        eof = aifile.decode_header(aifile.MAGIC, data[: aifile.HEADER_SIZE])["eof"]
        if r.random() < 0.3:
            where = r.randrange(head)
            return (f"flip header byte {where}", _flip(data, where), AI_READERS + AI_HEADER_READERS)
        if r.random() < 0.5:
            where = r.randrange(aifile.HEADER_SIZE, eof)
            return f"flip note byte {where}", _flip(data, where), AI_READERS
        cut = r.randrange(aifile.HEADER_SIZE + 1, eof)
        return f"cut at {cut}", data[:cut], AI_READERS
    if name == "sports.b1" and template == "crashed":
        frames = [offset for offset, _payload in read_frames(data, BI_BLOCK)]
        last = frames[-1]  # the final note: a flip there looks like a torn last write
        if r.random() < 0.5:
            return (*_flip_or_cut(r, data, head, head), OPENERS)
        if r.random() < 0.5:
            where = r.randrange(BI_BLOCK, last)
            return f"flip note byte {where}", _flip(data, where), OPENERS
        cut = r.randrange(BI_BLOCK, last)
        return f"cut at {cut}", data[:cut], OPENERS
    area = 7 if name == "sports_7.d1" else 6
    spans = _block_spans(data, area)
    cut_limit = spans[-1][0] + BLOCK if spans else head
    choice = r.random()
    if template == "crashed" and spans and choice < 0.5:
        start, end = r.choice(spans)
        where = r.randrange(start, end)
        return f"flip block byte {where}", _flip(data, where), OPENERS
    if choice < 0.75:
        where = r.randrange(head)
        return f"flip header byte {where}", _flip(data, where), OPENERS
    cut = r.randrange(cut_limit)
    return f"cut at {cut}", data[:cut], OPENERS


def _flip(data: bytes, where: int) -> bytes:
    damaged = bytearray(data)
    damaged[where] ^= 1 << (where % 8)
    return bytes(damaged)


def _flip_or_cut(r: random.Random, data: bytes, flip_limit: int, cut_limit: int) -> tuple[str, bytes]:
    if r.random() < 0.6:
        where = r.randrange(flip_limit)
        return f"flip byte {where}", _flip(data, where)
    cut = r.randrange(cut_limit)
    return f"cut at {cut}", data[:cut]


def test_fuzz_damaged_database_files(templates, run):
    r = random.Random(SEED + 1)
    targets = [
        ("clean", "sports.db"),
        ("clean", "sports.d1"),
        ("clean", "sports_7.d1"),
        ("clean", "sports.b1"),
        ("clean", "sports.a1"),
        ("crashed", "sports.db"),
        ("crashed", "sports_7.d1"),
        ("crashed", "sports.b1"),
        ("crashed", "sports.d1"),
    ]
    for index in range(150):
        template_name, name = r.choice(targets)
        template = templates[template_name]
        template.restore()
        what, damaged, commands = _damage(r, template_name, name, template.files[name])
        template.host.write_file(name, damaged)
        before = template.db_hashes()
        command = r.choice(commands)
        case = f"damage case {index}: {template_name} {name} {what}: `{command}`"
        status, output = run(template, command)
        _no_broker_left(template)
        _expect_refusal(case, status, output)
        assert template.db_hashes() == before, f"{case} changed the database files\n{output}"


# --- wrong command lines -------------------------------------------------------------------------------
SKELETONS = {
    "prostrct": [
        "prostrct create fresh sports.st",
        "prostrct list sports out.st",
        "prostrct repair sports sports.st",
        "prostrct unlock sports",
    ],
    "prodb": ["prodb fresh empty"],
    "procopy": ["procopy empty fresh"],
    "proserve": ["proserve sports -S 20000"],
    "_mprosrv": ["_mprosrv sports -S 20000"],  # the broker executable: proserve's command line
    "proshut": ["proshut sports -by", "proshut sports -bn"],
    "proutil": [
        "proutil sports -C busy",
        "proutil sports -C holder",
        "proutil sports -C describe",
        "proutil sports -C truncate bi -G 0",
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
    ],
    "probkup": ["probkup sports fuzz.bck", "probkup online sports fuzz.bck"],
    "prorest": ["prorest sports fuzz.bck", "prorest sports fuzz.bck -vp"],
    "proquiet": ["proquiet sports enable", "proquiet sports bithreshold 5"],
    "oeclient": ["oeclient sports commit --count 2", "oeclient sports digest --upto 3"],
}
CREATES = {"prostrct create", "prodb", "procopy"}
BROKER_STARTERS = {"proserve", "_mprosrv"}


def _mutation_kinds(command: str) -> list[str]:
    """The mutations that make this command line wrong (proserve takes any ``-param value`` pair)."""
    words = shlex.split(command)
    kinds = ["extra word", "database"]
    if words[0] not in BROKER_STARTERS:
        kinds.append("unknown parameter")
    if "-C" in words or words[0] == "prostrct":
        kinds.append("qualifier")
    if _numbers(words) and words[0] not in BROKER_STARTERS:
        kinds.append("number")
    return kinds


def _numbers(words: list[str]) -> list[int]:
    return [
        i
        for i, w in enumerate(words)
        if w.isdigit() and words[i - 1] in ("-G", "--count", "--upto", "endtrans", "-S", "bithreshold", "extnum")
    ]


def _mutate(r: random.Random, command: str, kind: str) -> str:
    words = shlex.split(command)
    creates = any(command.startswith(prefix) for prefix in CREATES)
    token = "zz" + "".join(r.choice("abcxyz019") for _ in range(r.randint(1, 5)))
    if kind == "extra word":
        words.append(token)
    elif kind == "unknown parameter":
        words.insert(r.randint(2, len(words)), "-" + token)
    elif kind == "database":
        index = next(i for i, w in enumerate(words[1:], 1) if w in ("sports", "fresh"))
        words[index] = "sports" if creates else r.choice(["ghost", "ghost.db", "./nowhere/ghost"])
    elif kind == "qualifier":
        index = words.index("-C") + 1 if "-C" in words else 1
        words[index] = token
    else:
        index = r.choice(_numbers(words))
        words[index] = r.choice(["x" + words[index], "-" + words[index] + "0", "1.5", ""])
    return shlex.join(words)


def test_fuzz_wrong_command_lines(templates, run):
    r = random.Random(SEED + 2)
    clean = templates["clean"]
    assert set(SKELETONS) == set(cli.UTILITIES)  # every utility is fuzzed
    cases = [
        (kind, skeleton)
        for commands in SKELETONS.values()
        for skeleton in commands
        for kind in _mutation_kinds(skeleton)
        for _ in range(2)
    ]
    for index, (kind, skeleton) in enumerate(cases):
        command = _mutate(r, skeleton, kind)
        clean.restore()
        before = clean.db_hashes()
        case = f"argv case {index} ({kind}): `{command}`"
        status, output = run(clean, command)
        _no_broker_left(clean)
        _expect_refusal(case, status, output)
        assert clean.db_hashes() == before, f"{case} changed the database files\n{output}"
        assert not [n for n in clean.host.list_files() if n.startswith(("fresh", "fuzz", "ghost"))], case
