"""The broker process's entry point: ``python -m harness.openedge.engine.brokerd <db> <params-json>``.

Running ``engine.broker`` itself as ``__main__`` would give the process a second copy of that module, with
its own table of operations; importing it here keeps one table, filled by every module that registers one.
"""

from __future__ import annotations

from harness.openedge.engine import aiarchiver as _aiarchiver_operations  # noqa: F401 - the after-image manager
from harness.openedge.engine import backup as _backup_operations  # noqa: F401 - registers "backup"
from harness.openedge.engine.broker import main

if __name__ == "__main__":
    main()
