"""_mprosrv db-name [parameters]: OpenEdge's broker executable (semantics §3.1).

A DBA may run it instead of ``proserve``, with the same command line and the same result (DOC 12.2
"Starting a broker": "You can also start a broker using the _MPROSRV command … same syntax as PROSERVE"):
it starts the broker and returns. The broker that ``proserve`` starts is this executable too, run with a
report descriptor in its environment (``engine.launch``): that process opens the database and serves it
until it shuts down, and is what ``ps -ef | grep _mprosrv`` shows.
"""

from __future__ import annotations

import os

from oedr.harness.openedge.engine import launch
from oedr.harness.openedge.outcome import Outcome
from oedr.harness.openedge.utilities import proserve


def main(argv: list[str]) -> Outcome:
    if launch.REPORT_FD in os.environ:
        serve(argv)
    return proserve.main(argv)


def serve(argv: list[str]) -> None:
    """Be the broker for ``argv`` (``<db> <parameters>``, checked by proserve); exits with its status."""
    from oedr.harness.openedge.engine import aiarchiver as _aiarchiver_operations  # noqa: F401 - the after-image manager
    from oedr.harness.openedge.engine import backup as _backup_operations  # noqa: F401 - registers "backup"
    from oedr.harness.openedge.engine import broker

    report_fd = int(os.environ.pop(launch.REPORT_FD))
    broker.main(argv[0] if argv else "", argv[1:], proserve.parse_params, report_fd)
