"""OpenEdge command-line grammar: ``<db> -C <qualifier words> [args]`` and ``-param value`` pairs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.errors import UsageError


def usage(utility: str, problem: str, syntax: str) -> UsageError:
    return UsageError(m.USAGE.bind(utility=utility, problem=problem, syntax=syntax))


@dataclass
class Qualified:
    """``<db> -C words...``: the database, the qualifier matched and what follows it."""

    db: str
    qualifier: str
    words: list[str] = field(default_factory=list)


def split_qualifier(utility: str, argv: list[str], known: Iterable[str], syntax: str) -> Qualified:
    """Match the longest known qualifier after -C (case-insensitive, as OpenEdge accepts)."""
    if not argv or argv[0].startswith("-"):
        raise usage(utility, "missing database name", syntax)
    db, rest = argv[0], argv[1:]
    if len(rest) < 2 or rest[0] != "-C":
        raise usage(utility, "missing -C qualifier", syntax)
    words = rest[1:]
    lowered = [w.lower() for w in words]
    best = ""
    for qualifier in known:
        parts = qualifier.split()
        if lowered[: len(parts)] == parts and len(parts) > len(best.split()):
            best = qualifier
    if not best:
        raise UsageError(
            m.UNKNOWN_QUALIFIER.bind(utility=utility, qualifier=" ".join(words[:2]), known=", ".join(sorted(known)))
        )
    return Qualified(db, best, words[len(best.split()) :])


def take_params(
    utility: str, words: list[str], with_value: Iterable[str], flags: Iterable[str] = (), keywords: Iterable[str] = ()
) -> tuple[dict[str, str], list[str]]:
    """Split ``-param value`` pairs, bare ``-flag``s and keywords from the positional words."""
    with_value, flags, keywords = set(with_value), set(flags), {k.lower() for k in keywords}
    params: dict[str, str] = {}
    positional: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in with_value:
            if i + 1 >= len(words):
                raise usage(utility, f"{word} needs a value", f"{word} <value>")
            params[word] = words[i + 1]
            i += 2
            continue
        if word in flags or word.lower() in keywords:
            params[word.lower() if word.lower() in keywords else word] = ""
        elif word.startswith("-") and len(word) > 1:
            raise UsageError(m.UNKNOWN_PARAMETER.bind(utility=utility, param=word))
        else:
            positional.append(word)
        i += 1
    return params, positional


MAX_DIGITS = 18
"""Longer numbers are refused as not whole numbers: they fit no OpenEdge parameter (a 64-bit integer at most),
and Python's int() refuses strings of over 4,300 digits with an error of its own."""


def is_whole(value: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts ``²`` and ``٣``, which OpenEdge's atoi does not read
    ([inferred]: the reference does not list non-ASCII digits; a C parser reads 0-9 only)."""
    return 0 < len(value) <= MAX_DIGITS and value.isascii() and value.isdigit()


def number(utility: str, param: str, value: str, minimum: int = 0) -> int:
    if not is_whole(value) or int(value) < minimum:
        raise UsageError(m.BAD_NUMBER.bind(utility=utility, param=param, value=value))
    return int(value)


def number_in(utility: str, param: str, value: str, low: int, high: int) -> int:
    """A whole number in [low, high]; out of range says what the range is (not just "a whole number")."""
    if not is_whole(value):
        raise UsageError(m.BAD_NUMBER.bind(utility=utility, param=param, value=value))
    if not low <= int(value) <= high:
        raise UsageError(m.BAD_RANGE.bind(utility=utility, param=param, low=low, high=high, value=value))
    return int(value)
