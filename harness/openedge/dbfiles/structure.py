"""The structure description file (.st): parse, resolve to extent files, and write (prostrct list).

Grammar from semantics.md §1.2 (DOC "Create a structure description file"):
``type ["Area Name"[:num][,recsPerBlock][;blksPerCluster]] path [f|v size]`` with comments ``* : #``.
"""

from __future__ import annotations

import errno
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.errors import UsageError

SCHEMA_AREA = 6
FIRST_DATA_AREA = 7
KIND_NAMES = {"a": "after-image", "b": "before-image", "d": "data", "t": "transaction log"}
_AREA_RE = re.compile(r'^"(?P<name>[^"]+)"(?::(?P<num>[0-9]{1,9}))?(?:,(?P<rpb>[0-9]{1,9}))?(?:;(?P<bpc>[0-9]{1,9}))?$')


@dataclass(frozen=True)
class ExtentSpec:
    """One line of a .st: an extent of some area, with its path as written and its size."""

    kind: str
    path: str
    fixed: bool = False
    size_kb: int | None = None
    area_name: str | None = None
    area_number: int | None = None
    rpb: int | None = None
    bpc: int | None = None
    line: int = 0


@dataclass
class Structure:
    """A parsed .st file, in file order."""

    extents: list[ExtentSpec] = field(default_factory=list)
    source: str = "<st>"

    def of_kind(self, kind: str) -> list[ExtentSpec]:
        return [e for e in self.extents if e.kind == kind]


def _fail(path: str, line: int, reason: str) -> UsageError:
    return UsageError(m.ST_SYNTAX.bind(path=path, line=line, reason=reason))


def _split(text: str, source: str, lineno: int) -> list[str]:
    # OpenEdge writes a path with spaces as !"path"; shlex handles the quoting once the ! is dropped.
    try:
        return shlex.split(text.replace('!"', '"'), comments=False, posix=True)
    except ValueError as exc:
        raise _fail(source, lineno, f"unbalanced quotes ({exc})") from None


def _parse_area(token: str, source: str, lineno: int) -> tuple[str, int | None, int | None, int | None]:
    match = _AREA_RE.match(token)
    if not match:
        raise _fail(source, lineno, f"bad area description {token}")
    num = int(match["num"]) if match["num"] else None
    rpb = int(match["rpb"]) if match["rpb"] else None
    bpc = int(match["bpc"]) if match["bpc"] else None
    if rpb is not None and (rpb < 1 or rpb > 256 or rpb & (rpb - 1)):
        raise _fail(source, lineno, f"records per block {rpb} must be a power of 2 from 1 to 256")
    if bpc is not None and bpc not in (1, 8, 64, 512):
        raise _fail(source, lineno, f"blocks per cluster {bpc} must be 1, 8, 64 or 512")
    if num is not None and not (FIRST_DATA_AREA <= num <= 32000 or num == SCHEMA_AREA):
        raise _fail(source, lineno, f"area number {num} must be 6 or from 7 to 32000")
    return match["name"], num, rpb, bpc


def _area_token(line: str) -> str | None:
    """The quoted area description of a d line, kept whole (it may contain spaces)."""
    match = re.match(r'^\s*\S+\s+("[^"]*"\S*)', line)
    return match.group(1) if match else None


def parse_line(raw: str, source: str, lineno: int) -> ExtentSpec | None:
    """Parse one .st line; None for comments and blank lines."""
    line = raw.strip()
    if not line or line[0] in "*:#":
        return None
    kind = line.split(None, 1)[0].lower()
    if kind not in KIND_NAMES:
        raise _fail(source, lineno, f"unknown extent type {kind!r} (expected a, b, d or t)")
    area: tuple[str | None, int | None, int | None, int | None] = (None, None, None, None)
    rest = line.split(None, 1)[1] if len(line.split(None, 1)) > 1 else ""
    token = _area_token(line)
    if token is not None:
        if kind != "d":
            raise _fail(source, lineno, "only d lines take an area description")
        area = _parse_area(token, source, lineno)
        rest = line.split(token, 1)[1]
    words = _split(rest, source, lineno)
    if not words:
        raise _fail(source, lineno, "missing path")
    path, sizeinfo = words[0], words[1:]
    fixed, size = False, None
    if sizeinfo:
        if len(sizeinfo) != 2 or sizeinfo[0].lower() not in ("f", "v"):
            raise _fail(source, lineno, f"bad size description {' '.join(sizeinfo)} (expected f|v size)")
        if not (sizeinfo[1].isascii() and sizeinfo[1].isdigit() and len(sizeinfo[1]) <= 9):
            raise _fail(source, lineno, f"size {sizeinfo[1]} is not a whole number of KB")
        fixed, size = sizeinfo[0].lower() == "f", int(sizeinfo[1])
    return ExtentSpec(kind, path, fixed, size, area[0], area[1], area[2], area[3], lineno)


def parse(text: str, source: str = "<st>") -> Structure:
    """Parse .st text; raise UsageError with a numbered message on the first bad line.

    Lines end at a newline only (a CR before it is dropped), as a C reader's fgets sees them: Python's
    ``splitlines`` would also break at form feeds, vertical tabs and Unicode separators and number every
    later line too high."""
    structure = Structure(source=source)
    for lineno, raw in enumerate(text.split("\n"), start=1):
        raw = raw.removesuffix("\r")
        if "\x00" in raw:
            raise _fail(source, lineno, "binary data in a text file")
        spec = parse_line(raw, source, lineno)
        if spec is not None:
            structure.extents.append(spec)
    _check(structure)
    return structure


def _check(structure: Structure) -> None:
    src = structure.source
    if not structure.of_kind("b"):
        raise UsageError(m.ST_NO_BI.bind(path=src))
    if not structure.of_kind("d"):
        raise _fail(src, 0, "no data (d) extent")
    _check_numbering(structure)
    for kind in KIND_NAMES:
        by_area: dict[object, list[ExtentSpec]] = {}
        for spec in structure.of_kind(kind):
            by_area.setdefault((spec.area_name or "Schema Area") if kind == "d" else kind, []).append(spec)
        for specs in by_area.values():
            for spec in specs[:-1]:
                if not spec.fixed and kind != "a":
                    raise _fail(src, spec.line, "only the last extent of an area may be variable")


def _check_numbering(structure: Structure) -> None:
    """If one area has a number, every area must have one (semantics §1.2, confirmed): the Schema Area too.

    The line cited is the first one that breaks the rule set by the first area description. A ``d`` line
    without an area description belongs to the Schema Area and states no number (an emulator choice)."""
    named = [e for e in structure.of_kind("d") if e.area_name]
    if not named:
        return
    first_numbered = named[0].area_number is not None
    for spec in named[1:]:
        if (spec.area_number is not None) != first_numbered:
            raise _fail(structure.source, spec.line, "if one area has a number, every area must have one")


def read(path: Path) -> Structure:
    """Read and parse a .st file: 43 with the real errno when it cannot be read (2 missing, 21 a directory,
    13 no permission), a syntax error naming the file and line when it is not text (UTF-16, binary)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise
        raise UsageError(m.CANNOT_OPEN_FILE.bind(path=str(path), errno=exc.errno or errno.EIO)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _fail(str(path), line, f"not a text file (byte 0x{data[exc.start]:02x} is not UTF-8 text)") from None
    return parse(text, str(path))


def check_sizes(structure: Structure, block_size: int) -> None:
    """Sizes must be more than 32 KB and a multiple of 16 blocks (semantics §1.2)."""
    unit = 16 * block_size // 1024
    for spec in structure.extents:
        if spec.size_kb is not None and (spec.size_kb <= 32 or spec.size_kb % unit):
            raise UsageError(m.EXTENT_SIZE.bind(size=spec.size_kb, unit=unit))


@dataclass(frozen=True)
class ResolvedExtent:
    """An extent with its area assigned and its absolute file path."""

    kind: str
    area: int
    area_name: str
    number: int
    path: str
    fixed: bool
    size_kb: int
    rpb: int
    bpc: int


def _area_numbers(structure: Structure) -> dict[str | None, int]:
    numbers: dict[str | None, int] = {None: SCHEMA_AREA, "Schema Area": SCHEMA_AREA}
    next_number = FIRST_DATA_AREA
    for spec in structure.of_kind("d"):
        if spec.area_name in numbers:
            continue
        if spec.area_number is not None:
            numbers[spec.area_name] = spec.area_number
        else:
            numbers[spec.area_name] = next_number
            next_number += 1
    return numbers


def _file_name(db_stem: str, kind: str, area: int, number: int) -> str:
    if kind == "d":
        return f"{db_stem}.d{number}" if area == SCHEMA_AREA else f"{db_stem}_{area}.d{number}"
    return f"{db_stem}.{kind}{number}"


def resolve(structure: Structure, db_stem: str, cwd: Path) -> list[ResolvedExtent]:
    """Assign areas and extent numbers; a directory path gets OpenEdge's generated file name.

    Relative paths are made absolute against ``cwd``, as prostrct does (semantics §1.2).
    """
    numbers = _area_numbers(structure)
    counters: dict[tuple[str, int], int] = {}
    resolved = []
    for spec in structure.extents:
        area = numbers[spec.area_name] if spec.kind == "d" else {"b": 3, "t": 4, "a": 0}[spec.kind]
        key = (spec.kind, area)
        counters[key] = counters.get(key, 0) + 1
        number = counters[key]
        if spec.kind == "a":
            area = 100 + number  # each AI extent is its own area (semantics §1.1)
        target = Path(spec.path)
        if not target.is_absolute():
            target = cwd / target
        if spec.path in (".", "..") or spec.path.endswith("/") or target.is_dir():
            target = target / _file_name(db_stem, spec.kind, numbers.get(spec.area_name, SCHEMA_AREA), number)
        name = (
            spec.area_name
            or {
                "d": "Schema Area",
                "b": "Primary Recovery Area",
                "t": "Transaction Log Area",
                "a": f"After Image Area {number}",
            }[spec.kind]
        )
        resolved.append(
            ResolvedExtent(
                kind=spec.kind,
                area=area,
                area_name=name,
                number=number,
                path=str(_normalise(target)),
                fixed=spec.fixed,
                size_kb=spec.size_kb or 0,
                rpb=spec.rpb or 32,
                bpc=spec.bpc or 1,
            )
        )
    return resolved


def _normalise(path: Path) -> Path:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if len(parts) > 1:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return Path(*parts)


def format_line(kind: str, area_name: str, area: int, rpb: int, bpc: int, path: str, fixed: bool, size_kb: int) -> str:
    """One .st line as prostrct list writes it."""
    quoted = f'!"{path}"' if " " in path else path
    head = f'{kind} "{area_name}":{area},{rpb};{bpc} {quoted}' if kind == "d" else f"{kind} {quoted}"
    if fixed:
        return f"{head} f {size_kb}"
    return head
