"""The emulator embedded in this process: the local backend's fast path for running a utility.

The same code as the console scripts (``oedr.harness.openedge.cli``), without a process per command; the
local backend still runs a subprocess for fault injection and under OEDR_LOCAL_SUBPROCESS=1.
"""

from __future__ import annotations

from oedr.harness.openedge import cli

UTILITIES = cli.UTILITIES


def run_utility(program: str, args: list[str]) -> int:
    """Run one emulated utility in this process, exactly as its console script does; its exit status."""
    return cli.run(program, args)
