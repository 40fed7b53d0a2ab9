"""Parse types shared by the step sentences."""

from __future__ import annotations

from parse import with_pattern

from harness.site import HOST_ALIASES


@with_pattern(r'[^"]+')
def quoted_name(text: str) -> str:
    """A name between double quotes: never swallows the quotes of a neighbouring placeholder."""
    return text


def host_name(text: str) -> str:
    return HOST_ALIASES.get(text.strip(), text.strip())


def extent_kind(text: str) -> bool:
    """"fixed" or "variable" AI extents: True for fixed."""
    if text not in ("fixed", "variable"):
        raise ValueError(text)
    return text == "fixed"


EXTRA_TYPES = {"Host": host_name, "Kind": extent_kind, "Name": quoted_name}
