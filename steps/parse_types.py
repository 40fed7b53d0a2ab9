"""Parse types shared by the step sentences."""

from __future__ import annotations

from harness.site import HOST_ALIASES


def host_name(text: str) -> str:
    return HOST_ALIASES.get(text.strip(), text.strip())


def extent_kind(text: str) -> bool:
    """"fixed" or "variable" AI extents: True for fixed."""
    if text not in ("fixed", "variable"):
        raise ValueError(text)
    return text == "fixed"


EXTRA_TYPES = {"Host": host_name, "Kind": extent_kind}
