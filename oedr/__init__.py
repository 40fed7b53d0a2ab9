"""oedr's installed package: the standard features (``features``) and the emulator image's sources (``docker``).

In the source tree both are links to the top-level directories of the same name, so the repository keeps its
layout (``features/ steps/ harness/ docker/``) while a wheel carries them as package data under ``oedr``.
"""
