"""Failures of the environment, not of the plan: a step that fails because the backend cannot give it a host
(no image, an image that cannot be pulled or built, an engine that stops answering) makes its scenario an
ERROR (exit 2, "fix the environment and run again"), never a FAILED procedure.

Recognised by the exception's class, without importing the Docker SDK here: every ``docker.errors``
exception, and the backends' own ``DockerUnavailable`` and ``ImageBuildError``.
"""

from __future__ import annotations

_OWN = frozenset({"oedr.harness.backends.docker.DockerUnavailable", "oedr.harness.backends.images.ImageBuildError"})


def is_setup_problem(exc: BaseException) -> bool:
    """True when the exception says the environment could not run the step (see above)."""
    names = {f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__}
    return bool(names & _OWN) or any(name.startswith("docker.errors.") for name in names)


def setup_reason(exc: BaseException) -> str:
    """The scenario's reason: what went wrong, and what to do about it."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return (
        f"set-up problem, not a failure of the plan: the backend could not run the step ({first}). Check "
        "the image (--oe-image / OEDR_IMAGE) and that the Docker engine answers, then run again"
    )
