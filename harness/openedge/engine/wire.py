"""The broker's wire format: one JSON object per line; messages travel as (catalogue name, values)."""

from __future__ import annotations

import json
from typing import Any

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.errors import OEError

_BY_NAME = m.catalogue()
_NAME_OF = {id(v): k for k, v in _BY_NAME.items()}


def pack_messages(bounds: list[m.Bound]) -> list[list[Any]]:
    return [[_NAME_OF[id(b.message)], {k: str(v) for k, v in b.values.items()}] for b in bounds]


def unpack_messages(items: list[list[Any]]) -> list[m.Bound]:
    return [_BY_NAME[name].bind(**values) for name, values in items]


def error_reply(error: OEError) -> dict[str, Any]:
    return {"ok": False, "status": error.exit_status, "messages": pack_messages(error.messages)}


def encode(obj: dict[str, Any]) -> bytes:
    return (json.dumps(obj) + "\n").encode()
