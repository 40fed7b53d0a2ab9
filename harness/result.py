"""CommandResult: one command run on one host, with everything the evidence report needs."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

_NUMBERED = re.compile(r"\((\d{1,5})\)\s*$")  # OpenEdge numbers; not oeclient's microsecond stamps


@dataclass(frozen=True)
class CommandResult:
    host: str
    command: str
    argv: list[str]
    cwd: str
    started: str
    duration: float
    exit_status: int
    stdout: str
    stderr: str = ""
    backend: str = "local"
    container: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def message_numbers(self) -> list[int]:
        """The OpenEdge message numbers printed, in order (lines ending with ``(NNNN)``)."""
        return [int(match.group(1)) for line in self.output.splitlines() if (match := _NUMBERED.search(line))]

    def message_line(self, number: int) -> str | None:
        for line in self.output.splitlines():
            match = _NUMBERED.search(line)
            if match and int(match.group(1)) == number:
                return line.strip()
        return None

    def describe(self) -> str:
        """A readable account for assertion messages: host, command, exit status and output."""
        return (f"on {self.host}: `{self.command}` exited {self.exit_status}\n"
                f"--- output ---\n{self.output.rstrip()}\n--------------")

    def as_record(self) -> dict[str, Any]:
        return asdict(self)
