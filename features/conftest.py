"""The features run the after-image manager at a faster clock (docs/FIDELITY.md: OEDR_AIMGT_TIMESCALE), so a
scenario waits a fraction of a second, not 5, for each archive; the steps still poll for the archive itself."""

from __future__ import annotations

import os

os.environ.setdefault("OEDR_AIMGT_TIMESCALE", "0.05")
