"""The structure (.st) file: read it, and rewrite its extent paths, with the one .st parser there is.

A .st is OpenEdge's own format (semantics §2); the emulator's parser follows the reference line by line,
so the harness reads .st files with it rather than with a second parser of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from oedr.harness.openedge.dbfiles.structure import SCHEMA_AREA, Structure, parse, parse_line, resolve
from oedr.harness.openedge.errors import UsageError

__all__ = ["SCHEMA_AREA", "Structure", "StructureError", "read", "resolve", "rewrite_paths"]


class StructureError(ValueError):
    """The text is not a valid structure file; the message says where and why."""


def read(st_text: str, source: str) -> Structure:
    """The structure file ``source`` (StructureError when it is not one)."""
    try:
        return parse(st_text, source)
    except UsageError as exc:
        raise StructureError(str(exc)) from None


def rewrite_paths(st_text: str, source: str, relocate: Callable[[str], str | None]) -> tuple[str, bool]:
    """The .st with each line's path replaced by ``relocate(path)`` (None keeps it); and whether any changed.

    Everything else of a line (area name, numbers, size) stays as written; a quoted path stays quoted
    (``!"..."`` when the new path has a blank).
    """
    read(st_text, source)  # refuse a file that is not a .st before touching it
    lines, changed = [], False
    for number, raw in enumerate(st_text.splitlines(), start=1):
        spec = parse_line(raw, source, number)
        new = relocate(spec.path) if spec is not None else None
        if spec is None or new is None or new == spec.path:
            lines.append(raw)
            continue
        start = raw.rfind(spec.path)
        head, tail = raw[:start], raw[start + len(spec.path) :]
        if head.endswith('!"') and tail.startswith('"'):
            head, tail = head[:-2], tail[1:]
        elif head.endswith('"') and tail.startswith('"'):
            head, tail = head[:-1], tail[1:]
        lines.append(head + (f'!"{new}"' if " " in new else new) + tail)
        changed = True
    return "\n".join(lines) + "\n", changed
