"""Errors carry catalogued messages and an exit status; ``cli.run`` is the one place that renders them."""

from __future__ import annotations

from oedr.harness.openedge.messages import Bound, Message


class OEError(Exception):
    """A utility refused or failed: the messages to print (in order) and the exit status."""

    exit_status = 1
    logged = False  # already written to the .lg (Database.session logs the others of a logged session)

    def __init__(self, *messages: Bound | Message, exit_status: int | None = None) -> None:
        self.messages = [m.bind() if isinstance(m, Message) else m for m in messages]
        if exit_status is not None:
            self.exit_status = exit_status
        super().__init__("\n".join(m.text() for m in self.messages))


class UsageError(OEError):
    """Bad command line: nothing was read or changed."""


class StateError(OEError):
    """The database's state forbids the operation (in use, AI off, wrong sequence, ...)."""


class DamagedError(OEError):
    """A file on disk is damaged or is not what it claims to be."""


class DiskFullError(OEError):
    """A write found the disk full (6091): what was being written is incomplete."""


class StdoutClosed(Exception):
    """Standard output was closed by its reader while a utility wrote to it (a prompt): ``cli.run`` ends the
    command quietly, as SIGPIPE ends a C program. Not an OEError: there is no one left to read a message."""
