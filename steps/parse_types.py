"""Parse types shared by the step sentences."""

from __future__ import annotations

from parse import with_pattern

from oedr.harness.site import HOST_ALIASES


@with_pattern(r'[^"]+')
def quoted_name(text: str) -> str:
    """A name between double quotes: never swallows the quotes of a neighbouring placeholder."""
    return text


def host_name(text: str) -> str:
    return HOST_ALIASES.get(text.strip(), text.strip())


def extent_kind(text: str) -> bool:
    """ "fixed" or "variable" AI extents: True for fixed."""
    if text not in ("fixed", "variable"):
        raise ValueError(text)
    return text == "fixed"


@with_pattern(r"the [A-Za-z0-9-]+ host|production|prod|DR|dr")
def machine(text: str) -> str:
    """A host named as a machine ("the production host", "the DR host", "production", "DR")."""
    name = host_name(text)
    return name.removeprefix("the ").removesuffix(" host") if name == text else name


EXTRA_TYPES = {"Host": host_name, "Kind": extent_kind, "Name": quoted_name, "Machine": machine}
