"""Evidence tests: the sample project is copied into pytester's directory, never collected in place."""

from __future__ import annotations

collect_ignore = ["sample_project"]
