"""Faults only a container can give truthfully (disk full, host killed, host paused): docker backend."""

from __future__ import annotations
