"""The live progress feed: JSON lines that every pytest process appends to ``DIR/progress.jsonl``.

Each line is one event, written with a single ``write`` on a file opened for appending, so lines from
several xdist workers never interleave. Events: ``collected`` (count), ``scenario-start`` (nodeid, feature,
scenario), ``step-start`` (nodeid, step), ``scenario-end`` (nodeid, status, reason, duration). Every event
carries ``worker`` and ``time``. ``oedr run`` tails the file with ``ProgressReader``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from oedr.harness.evidence.environment import now_iso

PROGRESS_FILE = "progress.jsonl"


class ProgressWriter:
    """Appends events for one pytest process (one xdist worker, or the only process)."""

    def __init__(self, path: Path, worker: str) -> None:
        self.path = path
        self.worker = worker

    def emit(self, kind: str, **fields: Any) -> None:
        """Append one event line."""
        line = json.dumps({"kind": kind, "worker": self.worker, "time": now_iso(), **fields}, ensure_ascii=False)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
        finally:
            os.close(fd)


class ProgressReader:
    """Reads the events appended since the last read; a half-written last line waits for the next read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._partial = b""

    def read(self) -> list[dict[str, Any]]:
        """The complete new events, in file order."""
        try:
            with self.path.open("rb") as stream:
                stream.seek(self._offset)
                chunk = stream.read()
        except FileNotFoundError:
            return []
        self._offset += len(chunk)
        data = self._partial + chunk
        *lines, self._partial = data.split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]
