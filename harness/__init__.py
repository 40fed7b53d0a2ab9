"""oedr: prove an OpenEdge disaster-recovery plan.

``oedr.harness.openedge`` is the OpenEdge-like emulator of the DBA utilities (an emulator, not OpenEdge);
the rest of ``harness`` drives it, or a real OpenEdge, through a backend.
"""

from __future__ import annotations

__version__ = "0.1.0"
