"""Database names as OpenEdge takes them: a path with or without .db, relative or absolute."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DbName:
    """Where a database's files are: ``<dir>/<stem>.db``, ``.lk``, ``.lg``, ``.st``."""

    given: str
    directory: Path
    stem: str

    @classmethod
    def parse(cls, text: str) -> DbName:
        raw = text[:-3] if text.endswith(".db") else text
        path = Path(raw)
        directory = (Path.cwd() / path.parent) if not path.is_absolute() else path.parent
        return cls(given=raw, directory=Path(os.path.normpath(directory)), stem=path.name)

    @property
    def db(self) -> Path:
        return self.directory / f"{self.stem}.db"

    @property
    def lk(self) -> Path:
        return self.directory / f"{self.stem}.lk"

    @property
    def lg(self) -> Path:
        return self.directory / f"{self.stem}.lg"

    @property
    def st(self) -> Path:
        return self.directory / f"{self.stem}.st"

    @property
    def display(self) -> str:
        """The name as messages show it (the path the user gave, without .db)."""
        return self.given

    def socket_path(self) -> Path:
        """Where the broker listens: the emulator's stand-in for OpenEdge's shared-memory segment."""
        runtime = Path(os.environ.get("OEDR_RUNTIME_DIR") or f"/tmp/oedr-{os.getuid()}")
        digest = hashlib.sha1(f"{self.db}".encode()).hexdigest()[:20]
        return runtime / f"{digest}.sock"
