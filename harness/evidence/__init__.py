"""Evidence for auditors: what every scenario ran, on which host, with what result."""

from __future__ import annotations
