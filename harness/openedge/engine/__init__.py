"""The database engine: opening (with the .lk rules), crash recovery, transactions, after-imaging, the broker."""

from __future__ import annotations
