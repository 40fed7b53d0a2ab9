"""What a utility returns to the one renderer in ``cli``: exit status and the lines to print."""

from __future__ import annotations

from dataclasses import dataclass, field

from oedr.harness.openedge.messages import Bound


@dataclass
class Outcome:
    exit_status: int = 0
    messages: list[Bound] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # pre-formatted report lines (listings, describe)
