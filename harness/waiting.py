"""The harness's only way to wait: poll a condition until it holds or a deadline passes.

The emulator has its own (``harness/openedge/waiting.py``): it stands in for OpenEdge, which shares no
code with the harness that tests it, so neither borrows the other's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Timeout(Exception):
    """The condition did not hold before the deadline; carries the last value seen."""

    def __init__(self, what: str, last: object) -> None:
        super().__init__(f"timed out waiting for {what}; last seen: {last!r}")
        self.last = last


def poll_until(probe: Callable[[], T], *, timeout: float, interval: float = 0.02, what: str = "condition") -> T:
    """Call ``probe`` until it returns something truthy; return that value or raise ``Timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise Timeout(what, value)
        time.sleep(interval)
