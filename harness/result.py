"""CommandResult: one command run on one host, with everything the evidence report needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from oedr.harness.dba import commands, readings
from oedr.harness.evidence.records import CommandRecord, command_facts


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
        return readings.message_numbers(self.output)

    def message_line(self, number: int) -> str | None:
        return readings.message_line(self.output, number)

    def describe(self) -> str:
        """A readable account for assertion messages: host, command, exit status and output."""
        return (
            f"on {self.host}: `{self.command}` exited {self.exit_status}\n"
            f"--- output ---\n{self.output.rstrip()}\n--------------"
        )

    def as_record(self, *, internal: bool = False, bracket: int | None = None) -> CommandRecord:
        """The evidence of this command, with what its line names (parsed once, here)."""
        return CommandRecord(
            host=self.host,
            command=self.command,
            argv=list(self.argv),
            cwd=self.cwd,
            started=self.started,
            duration=self.duration,
            exit_status=self.exit_status,
            stdout=self.stdout,
            stderr=self.stderr,
            backend=self.backend,
            container=self.container,
            extra=dict(self.extra),
            dba=command_facts(commands.parse(self.command or self.argv)),
            internal=internal,
            bracket=bracket,
        )
