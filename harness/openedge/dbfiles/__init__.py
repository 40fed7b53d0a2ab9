"""On-disk formats of the emulated database: no command-line knowledge lives here.

The byte layouts are the emulator's own (OpenEdge's are not public); what they record and how
they are checked follows semantics.md §1 and §2.
"""

from __future__ import annotations
