"""The step library: one sentence, one small function; all logic lives in oedr.harness.site."""

from __future__ import annotations
