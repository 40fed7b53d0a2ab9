"""``oedr run --tags``: a Cucumber tag expression, as ``oedr list`` prints tags, turned into pytest's ``-m``.

``@negative``, ``@restore and not @slow``, ``(@offline or @online) and @8019``: pytest-bdd makes each tag a
pytest marker of the same name without the ``@``, so the expression is the same with the ``@`` dropped
(the bare form, ``restore and not slow``, is accepted too). It is checked here, before anything runs, so a
mistyped expression is a usage error (exit 2) that says where it is wrong.
"""

from __future__ import annotations

import re

MAX_LENGTH = 1000  # a tag expression longer than this is not one a person wrote
_TAG = re.compile(r"(?<![\w@])@(?=[\w])")


class TagProblem(Exception):
    """The tag expression cannot be used; the message says where it is wrong."""


def marker_expression(expression: str) -> str:
    """The pytest ``-m`` expression for a Cucumber tag expression (raises TagProblem when it is not one)."""
    if len(expression) > MAX_LENGTH:
        raise TagProblem(
            f'--tags is {len(expression)} characters long: give a tag expression such as "@restore and not @slow"'
        )
    converted = _TAG.sub("", expression)
    from _pytest.mark.expression import Expression  # pytest's own parser of -m, so both agree

    try:
        Expression.compile(converted)
    except SyntaxError as exc:
        raise TagProblem(
            f"--tags {expression!r} is not a tag expression (at column {exc.offset}: {exc.msg}); "
            'write it as `oedr list` shows tags, e.g. "@restore and not @slow"'
        ) from None
    if not converted.strip():
        raise TagProblem('--tags is empty: give a tag expression such as "@restore and not @slow"')
    return converted
