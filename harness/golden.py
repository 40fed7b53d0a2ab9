"""Golden transcripts: OpenEdge's own output, with the exact commands that produce it, replayable on any backend.

A golden file (``tests/golden/*.t``) is either a verbatim output quoted by the reference (a KB article, the
documentation, a published log) or a transcript recorded from a real OpenEdge (``--record DIR`` on the
``openedge`` backend). ``tests/golden/test_replay.py`` replays every one against the emulator and compares
after ``normalise``. The format, one directive per line::

    # title, then header lines `# key: value`       source, recorded, quote (the verbatim text, `#   ` lines),
                                                     differs (why the expected text is not the quote), replayable
    host dr                                          what follows runs on host dr (the first host is production)
    file sports.st                                   write a file on the current host: the `| ` lines after it
    $ rfutil sports -C roll forward -a sports.a3     run a command line; the `| ` lines after it are its output
    [exit 1]                                         ... and its exit status (0 when this line is absent)
    read sports.lg                                   a file of the current host must read as the `| ` lines after it
    copy sports.db sports.b1 > dr                    an OS copy of files from the current host to another
    copy sports.a4 > dr:archive                      ... into a directory of that host
    remove sports.lk                                 delete a file on the current host

``{dir}`` in a command or a file stands for the current host's directory, ``{dir:NAME}`` for host NAME's. An
expected line ``...`` stands for any number of lines: a quote that gives only part of an output. A command
with no expected lines is not compared, but must still exit with its status.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from oedr.harness.backends.base import Backend, Host

ANY_LINES = "..."
FIRST_HOST = "production"
_DIRECTIVES = ("host", "file", "$", "read", "copy", "remove")
_DAYS, _MONTHS = "Mon|Tue|Wed|Thu|Fri|Sat|Sun", "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_BANNER = re.compile(r"^(?:OpenEdge Release|PROGRESS Version) .*\n(?:[ \t]*\n)?", re.M)
_LG_STAMP = re.compile(r"\[\d{4}/\d\d/\d\d@\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}\]")
_CTIME = re.compile(rf"\b(?:{_DAYS}) (?:{_MONTHS}) +\d{{1,2}} \d\d:\d\d:\d\d(?: [A-Z]{{3,5}})? \d{{4}}\b")
_IDS = re.compile(r"\b([PT])-\d+\b")
_WHO = re.compile(r"\b(by|for) (?!output )\S+ on (?!<)\S+?(?=\.?(?: \(|$))", re.M)
_WINDOWS_DIR = re.compile(r"\b[A-Za-z]:\\(?:[^\s\\]+\\)*")
_UNIX_DIR = re.compile(r"(?<![\w.~<>-])/(?:[^\s/]+/)+")


def normalise(text: str, hosts: Iterable[str] = ()) -> str:
    """Blank out what must differ between two runs of the same commands, and nothing else.

    In order: the banner line and the blank line after it (the release and its build date), .lg time
    stamps, ctime dates (``Thu May 27 21:13:10 2010``, with or without a zone), process and thread ids of .lg
    lines (``P-<pid> T-<thread>``), the user and terminal of session lines (``by <user> on <tty>``, ``for
    <user> on <tty>``), the directory of every absolute path, Unix or Windows (``<dir>/sports.a1``: only the
    file's own name stays), and the given host names. Numbers, wording, spacing and order are kept.
    """
    text = _BANNER.sub("", text)
    text = _LG_STAMP.sub("[<timestamp>]", text)
    text = _CTIME.sub("<date>", text)
    text = _IDS.sub(lambda match: f"{match.group(1)}-<{'pid' if match.group(1) == 'P' else 'thread'}>", text)
    text = _WHO.sub(r"\1 <user> on <tty>", text)
    text = _WINDOWS_DIR.sub("<dir>/", text)
    text = _UNIX_DIR.sub("<dir>/", text)
    for host in sorted({h for h in hosts if h}, key=len, reverse=True):
        text = re.sub(rf"(?<![\w.-]){re.escape(host)}(?![\w-])", "<host>", text)
    return text


def matches(expected: list[str], actual: str) -> bool:
    """Whether ``actual`` (already normalised) reads as ``expected`` (normalised lines, ``...`` = any lines)."""
    pattern = "".join(r"(?:.*\n)*?" if line == ANY_LINES else re.escape(line) + r"\n" for line in expected)
    text = actual if actual.endswith("\n") or not actual else actual + "\n"
    return re.fullmatch(pattern, text) is not None


@dataclass
class Step:
    """One directive: ``kind`` is one of host/file/$/read/copy/remove, ``lines`` its `| ` lines (None: none)."""

    kind: str
    argument: str
    lines: list[str] | None = None
    exit_status: int = 0

    def dump(self) -> list[str]:
        out = [f"{self.kind} {self.argument}"]
        out += [f"| {line}".rstrip(" ") if line else "|" for line in self.lines or []]
        if self.exit_status:
            out.append(f"[exit {self.exit_status}]")
        return out


@dataclass
class Transcript:
    """A golden file: its header comment lines (verbatim) and its steps."""

    header: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    def field(self, key: str) -> str:
        """A ``# key: value`` header field ('' when absent)."""
        prefix = f"# {key}:"
        return next((line[len(prefix) :].strip() for line in self.header if line.startswith(prefix)), "")

    def dump(self) -> str:
        body = [line for step in self.steps for line in ([""] if step.kind in ("host", "$") else []) + step.dump()]
        return "\n".join([*self.header, *body]).rstrip("\n") + "\n"


class GoldenFormatError(ValueError):
    """A golden file that does not follow the format (the message names the line)."""


def parse(text: str) -> Transcript:
    transcript = Transcript()
    in_header = True
    for number, line in enumerate(text.splitlines(), 1):
        if in_header and line.startswith("#"):
            transcript.header.append(line)
            continue
        in_header = False
        if not line.strip() or line.startswith("#"):
            continue
        if line == "|" or line.startswith("| "):
            if not transcript.steps or transcript.steps[-1].kind not in ("file", "$", "read"):
                raise GoldenFormatError(f"line {number}: `|` lines follow only file, $ or read")
            step = transcript.steps[-1]
            step.lines = [*(step.lines or []), line[2:]]
        elif match := re.fullmatch(r"\[exit (\d+)\]", line):
            if not transcript.steps or transcript.steps[-1].kind != "$":
                raise GoldenFormatError(f"line {number}: [exit N] follows only a $ command")
            transcript.steps[-1].exit_status = int(match.group(1))
        else:
            kind, _, argument = line.partition(" ")
            if kind not in _DIRECTIVES or not argument.strip():
                raise GoldenFormatError(f"line {number}: expected one of {', '.join(_DIRECTIVES)}: {line!r}")
            transcript.steps.append(Step(kind, argument.strip()))
    return transcript


def load(path: Path) -> Transcript:
    try:
        return parse(path.read_text(encoding="utf-8"))
    except GoldenFormatError as exc:
        raise GoldenFormatError(f"{path}: {exc}") from None


class Replay:
    """Runs a transcript's steps on a backend's hosts and lists every difference from what it expects."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.hosts: dict[str, Host] = {}
        self.current = FIRST_HOST

    def host(self, name: str) -> Host:
        if name not in self.hosts:
            self.hosts[name] = self.backend.create_host(name)
        return self.hosts[name]

    def expand(self, text: str) -> str:
        """``{dir}`` and ``{dir:NAME}`` as the hosts' directories."""
        text = re.sub(r"\{dir:([\w-]+)\}", lambda match: self.host(match.group(1)).root, text)
        return text.replace("{dir}", self.host(self.current).root)

    def identities(self) -> list[str]:
        return [name for host in self.hosts.values() for name in (host.name, getattr(host, "hostname", ""))]

    def run(self, transcript: Transcript) -> list[str]:
        """Replay every step; the differences, each naming its step (empty when the transcript holds)."""
        problems: list[str] = []
        for step in transcript.steps:
            problem = self.step(step)
            if problem:
                problems.append(problem)
        return problems

    def step(self, step: Step) -> str:
        host = self.host(self.current)
        if step.kind == "host":
            self.current = step.argument
            self.host(self.current)
        elif step.kind == "file":
            host.write_file(step.argument, self.expand("".join(f"{line}\n" for line in step.lines or [])).encode())
        elif step.kind == "remove":
            host.remove_file(step.argument)
        elif step.kind == "copy":
            names, _, target = step.argument.rpartition(">")
            target_host, _, directory = target.strip().partition(":")
            host.copy_files(shlex.split(names), self.host(target_host), ".", directory or ".")
        elif step.kind == "read":
            return self._compare(step, host.read_file(step.argument).decode(errors="replace"), None)
        else:
            result = host.run(self.expand(step.argument))
            return self._compare(step, result.output, result.exit_status)
        return ""

    def _compare(self, step: Step, actual: str, exit_status: int | None) -> str:
        shown = normalise(actual, self.identities())
        wrong_exit = exit_status is not None and exit_status != step.exit_status
        if step.lines is None and not wrong_exit:
            return ""
        expected = [normalise(self.expand(line), self.identities()) for line in step.lines or []]
        if not wrong_exit and (step.lines is None or matches(expected, shown)):
            return ""
        status = f" (exit {exit_status}, expected {step.exit_status})" if wrong_exit else ""
        lines = "\n".join(f"    {line}" for line in expected) if step.lines is not None else "    (not compared)"
        return f"`{step.kind} {step.argument}` on {self.current}{status}\n  expected:\n{lines}\n  got:\n" + "\n".join(
            f"    {line}" for line in shown.splitlines()
        )


class Recorder:
    """Writes what a scenario did on a real OpenEdge as a golden transcript (``--record DIR``).

    The hosts of the ``openedge`` backend call it for every command, file written, copy and removal; what
    the format cannot replay (a background load, a killed process) is noted, and the transcript says it is
    not replayable."""

    def __init__(self, title: str, facts: dict[str, str]) -> None:
        self.transcript = Transcript(header=[f"# {title}", *(f"# {key}: {value}" for key, value in facts.items())])
        self.current = FIRST_HOST
        self.roots: dict[str, str] = {}
        self.unreplayable: list[str] = []

    def _on(self, host: Host) -> None:
        self.roots[host.name] = host.root
        if host.name != self.current:
            self.current = host.name
            self.transcript.steps.append(Step("host", host.name))

    def _placeholders(self, text: str) -> str:
        for name, root in sorted(self.roots.items(), key=lambda item: len(item[1]), reverse=True):
            text = text.replace(root, "{dir}" if name == self.current else f"{{dir:{name}}}")
        return text

    def command(self, host: Host, command: str, output: str, exit_status: int) -> None:
        self._on(host)
        self.transcript.steps.append(
            Step("$", self._placeholders(command), self._placeholders(output).splitlines(), exit_status)
        )

    def file(self, host: Host, path: str, data: bytes) -> None:
        self._on(host)
        try:
            text = data.decode()
        except UnicodeDecodeError:
            self.not_replayable(f"{path} was written with bytes that are not text")
            text = data.decode(errors="replace")
        self.transcript.steps.append(Step("file", path, self._placeholders(text).splitlines()))

    def copy(self, host: Host, names: list[str], target: Host, directory: str, target_directory: str) -> None:
        self._on(host)
        self.roots[target.name] = target.root
        if directory not in ("", "."):
            self.not_replayable(f"a copy from the subdirectory {directory}")
        into = "" if target_directory in ("", ".") else f":{target_directory}"
        self.transcript.steps.append(Step("copy", f"{shlex.join(names)} > {target.name}{into}"))

    def remove(self, host: Host, path: str) -> None:
        self._on(host)
        self.transcript.steps.append(Step("remove", path))

    def not_replayable(self, what: str) -> None:
        self.unreplayable.append(what)

    def write(self, path: Path) -> None:
        """The transcript, its header completed with the release the banners named and what cannot be replayed."""
        banners = (
            line
            for step in self.transcript.steps
            if step.kind == "$"
            for line in step.lines or []
            if _BANNER.match(line + "\n")
        )
        release = next(banners, "")
        if release:
            self.transcript.header.append(f"# release: {release}")
        if self.unreplayable:
            self.transcript.header.append(f"# replayable: no ({'; '.join(self.unreplayable)})")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.transcript.dump(), encoding="utf-8")
