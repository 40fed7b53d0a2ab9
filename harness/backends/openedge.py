"""The openedge backend: the same features against a site's own image with a licensed Progress OpenEdge.

It is the docker backend with another image; only this module knows what differs:

* the tools are in ``$DLC/bin`` (``OEDR_OE_DLC``, default ``/psc/dlc`` as in Progress's images), and the
  host directories live under ``OEDR_OE_DATA`` (default ``/psc/wrk/oedr``);
* ``--oe-licence FILE`` is copied to ``$DLC/progress.cfg`` in every host (else the image must carry one);
* the emulator's stand-in for an ABL session, ``oeclient``, becomes a batch ABL client running the
  procedures shipped in ``harness/backends/abl`` (copied into every host)::

      oeclient DB commit --count N   ->  _progres -b -db DB -p commit.p -param N
      oeclient DB digest [--upto T]  ->  _progres -b -db DB -p digest.p -param T
      oeclient DB load --seconds S   ->  _progres -b -db DB -p load.p -param S[,R]

  multi-user through the broker when the database is served, single-user (``-1``) when the first try
  says there is no server (1423), as oeclient does;
* ``--record DIR`` writes each scenario as a golden transcript of this OpenEdge (``oedr.harness.golden``), to be
  replayed against the emulator by ``tests/golden/test_replay.py``;
* ``procopy empty DB`` becomes ``procopy $DLC/empty DB`` followed by loading the drill table
  (``oedr.df``) with ``prodict/load_df.p``, so commit.p has a table to write to.

This project's own CI cannot run it (there is no OpenEdge licence or image in it); see docker/README.md for
what a site must provide.
"""

from __future__ import annotations

import io
import os
import tarfile
import time
from collections.abc import Iterable
from pathlib import Path

from oedr.harness.backends.base import Background, Host, utc_now
from oedr.harness.backends.docker_backend import DockerBackend
from oedr.harness.backends.docker_host import DockerHost, OpenEdgeLikeContainer
from oedr.harness.golden import Recorder
from oedr.harness.result import CommandResult

ABL_DIR = Path(__file__).with_name("abl")
ABL_IN_HOST = "/tmp/oedr-abl"
DEFAULT_DLC = "/psc/dlc"
DEFAULT_DATA = "/psc/wrk/oedr"
# $1 db, $2 procedure, $3 -param, $4 action, $5 transactions expected (commit). _progres -b exits 0 even
# when the procedure stopped on an ABL error, so the lines each procedure must print are checked here.
_CLIENT = """\
if [ "$4" = load ]; then  # streamed, not captured: a load is stopped by a signal and its lines must survive
    exec "$DLC/bin/_progres" -b -db "$1" -p "$2" -param "$3" -T /tmp
fi
out=$("$DLC/bin/_progres" -b -db "$1" -p "$2" -param "$3" -T /tmp 2>&1); rc=$?
case "$out" in *"(1423)"*) out=$("$DLC/bin/_progres" -1 -b -db "$1" -p "$2" -param "$3" -T /tmp 2>&1); rc=$? ;; esac
[ -n "$out" ] && printf '%s\\n' "$out"
[ "$rc" -ne 0 ] && exit "$rc"
case "$4" in
    commit) [ "$(printf '%s\\n' "$out" | grep -c '^committed trid=')" -eq "$5" ] && exit 0 ;;
    digest) printf '%s\\n' "$out" | grep -q '^records=[0-9]* sha256=' && exit 0 ;;
esac
echo "oeclient: $2 did not print what it must (an ABL error above?)" >&2
exit 1
"""
_PROCOPY_EMPTY = """\
"$DLC/bin/procopy" "$DLC/empty" "$1" || exit $?
exec "$DLC/bin/_progres" -1 -b -db "$1" -p loadschema.p -param "$0/oedr.df" -T /tmp
"""


def _options(argv: list[str]) -> dict[str, str]:
    values, i = {}, 0
    while i < len(argv):
        if argv[i].startswith("--") and i + 1 < len(argv):
            values[argv[i]] = argv[i + 1]
            i += 2
        else:
            i += 1
    return values


def abl_client(argv: list[str], dlc: str) -> list[str]:
    """``oeclient DB action [--options]`` as the ``_progres -b`` command line that does the same in ABL."""
    if len(argv) < 3 or argv[2] not in ("commit", "digest", "load"):
        return [f"{dlc}/bin/_progres", "-b", "-p", "oeclient-usage.p"]  # fails visibly: nothing to translate
    db, action, options = argv[1], argv[2], _options(argv[3:])
    table, size = options.get("--table", "Customer"), options.get("--bytes", "100")
    params = {
        "commit": [options.get("--count", "1"), table, size],
        "digest": [options.get("--upto", ""), table],
        "load": [options.get("--seconds", "0"), options.get("--rate", "0"), table, size],
    }[action]
    expected = options.get("--count", "1") if action == "commit" else "0"
    return ["sh", "-c", _CLIENT, "oeclient", db, f"{action}.p", ",".join(params), action, expected]


class OpenEdgeHost(DockerHost):
    """A host of a site's OpenEdge image: DBA commands run from $DLC/bin, oeclient runs ABL.

    With ``--record DIR`` every command, file written, copy and removal also goes to the backend's
    ``golden.Recorder``: the scenario becomes a golden transcript of the real OpenEdge (``oedr.harness.golden``)."""

    backend_name = "openedge"

    def _recorder(self) -> Recorder | None:
        recorder: Recorder | None = getattr(self._backend, "recorder", None)
        return recorder

    def run(
        self,
        command: str,
        *,
        cwd: str | None = None,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 300,
        internal: bool = False,
        bracket: int | None = None,
    ) -> CommandResult:
        result = super().run(
            command, cwd=cwd, stdin=stdin, env=env, timeout=timeout, internal=internal, bracket=bracket
        )
        recorder = self._recorder()
        if recorder is not None:
            if cwd or stdin or env:
                recorder.not_replayable(f"`{command}` ran with a working directory, input or environment of its own")
            recorder.command(self, command, result.output, result.exit_status)
        return result

    def write_file(self, path: str, data: bytes) -> None:
        super().write_file(path, data)
        recorder = self._recorder()
        if recorder is not None:
            recorder.file(self, path, data)

    def remove_file(self, path: str) -> None:
        super().remove_file(path)
        recorder = self._recorder()
        if recorder is not None:
            recorder.remove(self, path)

    def copy_files(
        self, names: Iterable[str], target: Host, directory: str = ".", target_directory: str = "."
    ) -> list[str]:
        copied = super().copy_files(names, target, directory, target_directory)
        recorder = self._recorder()
        if recorder is not None:
            recorder.copy(self, copied, target, directory, target_directory)
        return copied

    def start_background(self, command: str, env: dict[str, str] | None = None) -> Background:
        recorder = self._recorder()
        if recorder is not None:
            recorder.not_replayable(f"`{command}` ran in the background")
        return super().start_background(command, env)

    def translate(self, argv: list[str]) -> list[str]:
        dlc = self._backend.dlc  # type: ignore[attr-defined]
        if argv[0] == "oeclient":
            return abl_client(argv, dlc)
        if argv[:2] == ["procopy", "empty"] and len(argv) == 3:
            return ["sh", "-c", _PROCOPY_EMPTY, ABL_IN_HOST, argv[2]]
        if "/" not in argv[0]:
            return [f"{dlc}/bin/{argv[0]}", *argv[1:]]
        return argv


class OpenEdgeBackend(DockerBackend):
    """A site's licensed OpenEdge image: one container per host, the same features, the same evidence."""

    name = "openedge"
    host_class = OpenEdgeHost

    def __init__(self, image: str = "", licence: str = "", **_options: str) -> None:
        if not image:
            raise ValueError("--oe-backend openedge needs --oe-image IMAGE: a site's image with OpenEdge in $DLC")
        if licence and not Path(licence).is_file():
            raise FileNotFoundError(f"--oe-licence {licence}: no such file")
        self.licence = licence
        self.dlc = os.environ.get("OEDR_OE_DLC", DEFAULT_DLC)
        self.recorder: Recorder | None = None  # set by record()
        super().__init__(image=image)

    def record(self, title: str) -> Recorder:
        """Record this scenario as a golden transcript (``--record DIR``); write it with ``Recorder.write``."""
        facts = {
            "source": "recorded from a real OpenEdge by `--record`",
            "recorded": utc_now(),
            **{key: str(value) for key, value in self.describe().items() if key != "licence"},
        }
        self.recorder = Recorder(title, facts)
        return self.recorder

    def data_root(self) -> str:
        return os.environ.get("OEDR_OE_DATA", DEFAULT_DATA)

    def host_env(self) -> dict[str, str]:
        return {
            "DLC": self.dlc,
            "PATH": f"{self.dlc}/bin:/usr/local/bin:/usr/bin:/bin",
            "PROPATH": ABL_IN_HOST,
            "TERM": "xterm",
            "PROMSGS": f"{self.dlc}/promsgs",
        }

    def prepare(self, box: OpenEdgeLikeContainer) -> None:
        """Copy the ABL workload procedures (and the licence, as root) into a fresh host."""
        container = box.get_wrapped_container()
        files = {f"oedr-abl/{p.name}": p.read_bytes() for p in sorted(ABL_DIR.iterdir()) if p.is_file()}
        container.put_archive("/tmp", _tar(files, mode=0o755))
        if self.licence:
            container.put_archive(self.dlc, _tar({"progress.cfg": Path(self.licence).read_bytes()}, mode=0o644))

    def describe(self) -> dict[str, str]:
        facts = super().describe()
        facts.update({"dlc": self.dlc, "licence": "supplied" if self.licence else "from the image"})
        return facts


def _tar(files: dict[str, bytes], mode: int) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, int(time.time())
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
