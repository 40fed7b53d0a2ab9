"""The broker's entry point when no ``_mprosrv`` executable is installed (the source tree run as it is):
``python -m oedr.harness.openedge.engine.brokerd <db> <parameters>`` with the report descriptor of
``engine.launch`` in its environment. The broker still titles itself ``_mprosrv <db> <parameters>``.

Running ``engine.broker`` itself as ``__main__`` would give the process a second copy of that module, with
its own table of operations; going through the utility keeps one table, filled by every module that
registers one.
"""

from __future__ import annotations

import sys

from oedr.harness.openedge.utilities import mprosrv

if __name__ == "__main__":
    mprosrv.serve(sys.argv[1:])
