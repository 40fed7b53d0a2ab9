"""The OpenEdge-like emulator: OpenEdge's DBA utilities re-implemented over real files on disk.

This is an emulator of OpenEdge's documented behaviour, not Progress OpenEdge. Behaviour comes from
shared/openedge/semantics.md; docs/FIDELITY.md lists what is inferred rather than confirmed.
"""

from __future__ import annotations

EMULATED_RELEASE = "12.8"
