"""Root pytest configuration: the evidence recorder.

The step library, the ``site`` fixture and the backend options come from oedr's pytest plugin
(``harness/pytest_plugin.py``), which pytest loads through oedr's ``pytest11`` entry point.
"""

from __future__ import annotations

import os

pytest_plugins = ["oedr.harness.evidence.plugin"] if os.environ.get("OEDR_EVIDENCE", "1") != "0" else []
