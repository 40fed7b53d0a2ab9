"""The emulated OpenEdge utilities: one module (or package) per command, each exposing ``main(argv)``."""

from __future__ import annotations
