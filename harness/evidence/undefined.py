"""An undefined step (a typo in a feature) is an authoring problem: say which defined sentence it is nearest to.

The step library's sentences are pytest-bdd's registered step definitions (their parsers' patterns, such as
``I run `{command}` on {host:Host}``); the nearest is the one most like the step's text, of the same kind
(Given/When/Then) first, compared with ``difflib`` once each pattern's ``{placeholders}`` are made words.
"""

from __future__ import annotations

import difflib
import re

from oedr.harness.bdd import step_definitions

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# What a step's text puts where a pattern has a placeholder: a `command`, a "name", a number.
_ARGUMENT = re.compile(r"`[^`]*`|\"[^\"]*\"|\b\d+\b")
_CUTOFF = 0.5  # below this likeness a suggestion would mislead more than help


def defined_sentences() -> list[tuple[str | None, str]]:
    """(kind, pattern) of every step definition loaded (kind None: any of Given/When/Then)."""
    found = {(definition.kind, definition.pattern) for definition in step_definitions()}
    return sorted(found, key=lambda pair: (pair[0] or "", pair[1]))


def _skeleton(text: str) -> str:
    """The words of a sentence with its arguments reduced to one letter (`x`, "x", x), so they do not weigh."""
    return _ARGUMENT.sub(
        lambda m: m.group(0)[0] + "x" + m.group(0)[-1] if m.group(0)[0] in '`"' else "x", _PLACEHOLDER.sub("x", text)
    ).lower()


def _likeness(text: str, pattern: str) -> float:
    return difflib.SequenceMatcher(None, _skeleton(text), _skeleton(pattern)).ratio()


def nearest_sentence(kind: str, text: str, sentences: list[tuple[str | None, str]] | None = None) -> str | None:
    """The defined step sentence most like ``text`` (same kind preferred), or None when none is close."""
    candidates = sentences if sentences is not None else defined_sentences()
    scored = [
        (_likeness(text, pattern) + (0.05 if k in (kind, None) else 0.0), k, pattern) for k, pattern in candidates
    ]
    if not scored:
        return None
    score, found_kind, pattern = max(scored)
    if score < _CUTOFF:
        return None
    return f"{(found_kind or kind).capitalize()} {pattern}"


def undefined_reason(keyword: str, kind: str, text: str) -> str:
    """The reason an undefined step gives: the step, the nearest defined sentence, and what to do."""
    nearest = nearest_sentence(kind, text)
    hint = (
        f"; the nearest defined step is: {nearest}"
        if nearest
        else "; no defined step is close to it (see the step library in steps/)"
    )
    return f"step not defined: {keyword.strip()} {text}{hint}. Correct the feature's sentence, or define the step"
