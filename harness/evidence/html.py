"""The auditor's report: one self-contained HTML file (inline CSS and SVG, no JavaScript, no external asset).

Layout, top to bottom. First a one-page summary (a page of its own when printed): the run's verdict and what
it ran on (the emulator, or a site's OpenEdge); its scope and limits (backend, image, OpenEdge release, the
emulator-assigned message numbers the run relied on and the @emulator_only scenarios, what was not selected);
one line per procedure (feature) with a PROVEN / FAILED / NOT RUN badge, its scenarios passed and not selected
and, when it failed, the scenario, step, command and message; who ran it, where and when, and how to check the
evidence (its manifest). Then the full detail: the environment, and per feature its narrative and per scenario
its timeline picture and its steps. Under each step: every command with its host, exact output, exit status,
start time and duration; the harness's own master-block reads summarised in one line (their outputs stay in
results.json), the counters that changed across the step, and the events it caused (a copy with every file it
copied: name, size, SHA-256). Skipped, undefined and errored scenarios show their reason. A message number the
emulator assigned (90000 and up) is marked as such wherever a failing or a checked message is shown.
"""

from __future__ import annotations

from html import escape
from typing import Any

from oedr.harness.evidence import recovery_html, timeline
from oedr.harness.evidence import verdict as vd
from oedr.harness.evidence.identity_html import identity as _identity
from oedr.harness.evidence.results import JSON, emulator_note, emulator_numbers, failure_of, headline, selected

_CSS = """
:root{--ok:#137333;--okbg:#e6f4ea;--bad:#a50e0e;--badbg:#fce8e6;--dim:#5f6368;--dimbg:#f1f3f4;--und:#8a4b00;
--undbg:#fef3e0;--line:#dadce0}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#202124;margin:0 auto;max-width:1200px;
padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:21px;margin:36px 0 6px;border-bottom:2px solid var(--line)}
h3{font-size:17px;margin:0}table{border-collapse:collapse;margin:8px 0}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}th{background:#f8f9fa}
.badge{display:inline-block;font-weight:700;padding:2px 10px;border-radius:12px;font-size:13px;letter-spacing:.03em}
.PROVEN,.passed{color:var(--ok);background:var(--okbg)}.FAILED,.failed,.error{color:var(--bad);background:var(--badbg)}
.NOT-RUN,.skipped,.deselected,.running{color:var(--dim);background:var(--dimbg)}
.undefined{color:var(--und);background:var(--undbg)}.INCOMPLETE,.ERROR{color:var(--und);background:var(--undbg)}
.diag{border-left:4px solid var(--und);padding:2px 8px;margin:4px 0;font-size:13px}
.verdict{font-size:20px;padding:4px 16px}.narrative{white-space:pre-wrap;background:#f8f9fa;border-left:4px solid
var(--line);padding:8px 12px;margin:8px 0}.meta{color:var(--dim);font-size:13px}
.scenario{border:1px solid var(--line);border-radius:8px;margin:16px 0;padding:0 14px 10px}
.scenario>summary{padding:10px 0;cursor:default;list-style:none}.reason{padding:6px 10px;margin:6px 0;border-radius:4px}
.step{border-top:1px solid var(--line);padding:6px 0}.step-head{display:flex;gap:10px;align-items:baseline}
.kw{font-weight:700}.dur{margin-left:auto;color:var(--dim);font-size:13px}
.cmd{margin:6px 0 6px 24px;border:1px solid var(--line);border-radius:6px;overflow:hidden}
.cmd-head{background:#202124;color:#f1f3f4;font-family:ui-monospace,Menlo,Consolas,monospace;padding:4px 8px;
white-space:pre-wrap;word-break:break-all}
.cmd-meta{font-size:13px;padding:3px 8px;background:#f8f9fa}.internal>.cmd-head{background:#5f6368;cursor:pointer}
.internal .why{font:italic 13px system-ui,sans-serif;color:#e8eaed}pre{margin:0;padding:6px 8px;white-space:pre-wrap;
word-break:break-word;font:13px/1.35 ui-monospace,Menlo,Consolas,monospace}pre.stderr{background:#fff8f7}
.exit-ok{color:var(--ok);font-weight:700}.exit-bad{color:var(--bad);font-weight:700}
.counters{margin-left:24px}.changed{background:#fff3c4;font-weight:700}.sub{margin-left:24px}
.error-msg{margin:6px 0 6px 24px;border-left:4px solid var(--bad);background:var(--badbg)}
.tl{overflow-x:auto;margin:6px 0 10px}.timeline{display:block;background:#fff;border:1px solid var(--line)}
.timeline .lane{stroke:#bdc1c6;stroke-width:2}.timeline .host{font:700 13px system-ui,sans-serif;fill:#202124}
.timeline .lbl{font:11px system-ui,sans-serif;text-anchor:middle;fill:#202124}.timeline .fail{fill:#a50e0e;
font-weight:700}.timeline .seq{font:700 11px ui-monospace,monospace;text-anchor:middle;fill:#3c4043}
.timeline .div{stroke:#c6c6c6;stroke-dasharray:3 4}.timeline .stepname{font:11px system-ui,sans-serif;fill:#5f6368}
.timeline .legend{font:12px system-ui,sans-serif;fill:#3c4043}
.on{font-weight:700}.emu{color:var(--und);font-size:13px;font-style:italic}
.files td.n{text-align:right;font-variant-numeric:tabular-nums}.files code{font-size:12px}
.summary-page .procs td{font-size:13px}.unchanged td{color:var(--dim);font-size:12px}.reads{margin:4px 0 4px 24px}
.print-only{display:none}
@page{margin:12mm}
@media print{body{max-width:none;padding:0;font-size:10px}.summary-page{break-after:page}.screen-only{display:none}
.cmd.ok pre,.cmd.ok details{display:none}.print-only{display:inline}.cmd{margin:2px 0 2px 16px;border:0}
.cmd-head{font-size:9px;padding:1px 6px}.cmd-meta{font-size:8.5px;padding:1px 6px}.step{padding:2px 0}
.step-head{font-size:10px}.badge{font-size:9px;padding:0 6px}.dur,.meta,.reads{font-size:8.5px}
.scenario{border:0;padding:0;margin:8px 0}.counters th,.counters td,.files td,.files th{padding:1px 4px;font-size:9px}
.counters .unchanged,.counters.nochange{display:none}h1{font-size:20px}h2{font-size:15px;margin:12px 0 4px}
.summary-page th,.summary-page td{padding:2px 6px;font-size:9.5px}.summary-page .procs .meta{display:none}
.summary-page .verdict{font-size:14px}.files code{font-size:8.5px}
h2{break-after:avoid}.step-head,.cmd-head,tr{break-inside:avoid}.tl{overflow:visible}
.timeline{max-width:100%;height:auto}a{color:inherit;text-decoration:none}pre{font-size:10px}}
"""


_WHEN = ("before", "after", "now")
_FOLD_LINES = 12


def _badge(text: str, cls: str | None = None) -> str:
    return f'<span class="badge {escape((cls or text).replace(" ", "-"))}">{escape(text)}</span>'


def _secs(value: Any) -> str:
    return f"{float(value or 0):.3f} s"


def _table(rows: list[tuple[str, Any]]) -> str:
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(_text(v))}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):  # a counter's flag (after imaging, changed since backup): as describe says it
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "—"
    if isinstance(value, dict):
        return " ".join(f"{k}={_text(v)}" for k, v in value.items() if v)
    return str(value)


def _environment(env: JSON) -> str:
    images = [_text(i) for i in env.get("images") or []]
    rows = [
        ("Backend", env.get("backend")),
        ("Backends seen", env.get("backends_seen")),
        ("Images (name, id, digest)", images or None),
        ("Containers", env.get("containers")),
        ("OpenEdge release", env.get("openedge_version") or "not recorded (emulator run)"),
        ("Emulator", env.get("emulator")),
        ("oedr version", env.get("oedr_version")),
        (
            "Git revision",
            f"{env.get('git_revision') or 'unknown'}" + (" (with local changes)" if env.get("git_dirty") else ""),
        ),
        ("Host", env.get("host")),
        ("Platform", env.get("platform")),
        ("Python", env.get("python")),
        ("User", env.get("user")),
        ("Directory", env.get("rootdir")),
        ("Started", env.get("started")),
        ("Finished", env.get("finished")),
    ]
    return f"<h2>Environment</h2>{_table(rows)}"


def _anchor(feature: JSON) -> str:
    """The id of a feature's section (from its path; a procedure line has the same path)."""
    return "f-" + "".join(c if c.isalnum() else "-" for c in feature["path"])


def _failed_command(failure: JSON) -> str:
    if not failure.get("command"):
        return ""
    where = ""
    if failure.get("host"):
        where = (
            f" <span class=meta>on {escape(str(failure['host']))}, exit status "
            f"{escape(str(failure.get('exit_status')))}</span>"
        )
    return f"<br><code>{escape(failure['command'])}</code>{where}"


def _emulator_note(*texts: str | None) -> str:
    """The note that marks emulator-assigned message numbers shown in these texts ('' when none is)."""
    note = emulator_note(emulator_numbers(*texts))
    return f"<div class=emu>{escape(note)}</div>" if note else ""


def _failure_note(failure: JSON) -> str:
    number = failure.get("number")
    return _emulator_note(
        failure.get("line"), _first_line(failure.get("message")), failure.get("step"), f"({number})" if number else None
    )


def _failure_cell(proc: JSON) -> str:
    lines = [
        f"<div><b>{escape(f['scenario'])}</b> — step <i>{escape(f['step'] or 'before the first step')}</i>"
        + _failed_command(f)
        + (f"<br><b>{escape(f['line'])}</b>" if f.get("line") else "")
        + f"<br>{escape(_first_line(f['message']))}{_failure_note(f)}{_diagnosis(f)}</div>"
        for f in proc["failures"]
    ]
    lines += [
        f"<div class=meta>not run: {escape(n['scenario'])} — {escape(n['reason'] or n['status'])}</div>"
        for n in proc["not_run"]
    ]
    lines += [
        f"<div class=meta>not selected: {escape(n['scenario'])}"
        + (f" — {escape(n['reason'])}" if n.get("reason") else "")
        + "</div>"
        for n in proc.get("not_selected") or []
    ]
    return "".join(lines) or "—"


def _diagnosis(failure: JSON) -> str:
    found = failure.get("diagnosis")
    if not found:
        return ""
    return (
        f"<div class=diag><b>Likely:</b> {escape(found['mistake'])}<br><b>Remedy:</b> {escape(found['remedy'])}"
        f" <span class=meta>({escape(found['source'])})</span></div>"
    )


def _passed_cell(proc: JSON) -> str:
    """``2 of 2``, and how many scenarios of the procedure this run left out, as the console says it."""
    left_out = proc.get("deselected") or 0
    return f"{proc['passed']} of {proc['scenarios']}" + (f", {left_out} not selected" if left_out else "")


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def _summary(results: JSON, features: list[JSON]) -> str:
    rows = "".join(
        f'<tr><td><a href="#{_anchor(proc)}">{escape(proc["name"])}</a><div class=meta>{escape(proc["path"])}</div>'
        f"</td><td>{_badge(proc['verdict'])}</td><td>{_passed_cell(proc)}</td>"
        f"<td>{_failure_cell(proc)}</td></tr>"
        for proc in results["summary"]["procedures"]
    )
    left_out = [f for f in features if not selected(f)]
    if left_out:
        names = ", ".join(f"{f['name']} ({f['path']})" for f in left_out)
        rows += f"<tr><td colspan=4 class=meta>Not selected for this run: {escape(names)}</td></tr>"
    head = "<tr><th>Procedure</th><th>Verdict</th><th>Scenarios passed</th><th>What failed / did not run</th></tr>"
    counts = ", ".join(f"{n} {status}" for status, n in results["summary"]["counts"].items() if n)
    return (
        f"<h2>Procedures</h2><p class=meta>Scenarios: {escape(counts or 'none')}</p>"
        f'<table class="procs">{head}{rows}</table>'
    )


def _run_errors(errors: list[JSON]) -> str:
    if not errors:
        return ""
    items = "".join(f"<h3>{escape(e['where'])}</h3><pre>{escape(e['message'])}</pre>" for e in errors)
    return f'<h2>Errors outside scenarios</h2><div class="error-msg">{items}</div>'


def _output(stream: str, text: str) -> str:
    """Exact output; a long one folded under a summary that says how long it is (open it to read)."""
    if not text:
        return ""
    block = f"<pre class={stream}>{escape(text)}</pre>"
    lines = text.count("\n") + 1
    return block if lines <= _FOLD_LINES else f"<details><summary>{stream}: {lines} lines</summary>{block}</details>"


def _command(cmd: JSON) -> str:
    status = cmd.get("exit_status")
    exit_cls = "exit-ok" if status == 0 else "exit-bad"
    meta = (
        f"host <b>{escape(str(cmd.get('host')))}</b> · started {escape(str(cmd.get('started')))} · "
        f"{_secs(cmd.get('duration'))} · exit status <span class={exit_cls}>{escape(str(status))}</span>"
        f" · backend {escape(str(cmd.get('backend') or '—'))}"
        + (f" · container {escape(str(cmd['container']))}" if cmd.get("container") else "")
        + (f"<span class=screen-only> · cwd {escape(str(cmd['cwd']))}</span>" if cmd.get("cwd") else "")
    )
    text = cmd.get("command") or " ".join(cmd.get("argv") or [])
    out = _output("stdout", cmd.get("stdout") or "")
    err = _output("stderr", cmd.get("stderr") or "")
    empty = "" if out or err else "<pre class=meta>(no output)</pre>"
    head = f"{escape(str(cmd.get('host')))}$ {escape(text)}"
    lines = sum(len((cmd.get(s) or "").splitlines()) for s in ("stdout", "stderr"))
    printed = (
        f'<span class="print-only"> · output: {lines} line{"s" if lines != 1 else ""} (on screen, and in '
        "results.json)</span>"
        if status == 0 and lines
        else ""
    )
    body = f'<div class="cmd-meta">{meta}{printed}</div>{out}{err}{empty}'
    if cmd.get("internal"):  # folded: the counters table below shows what it read
        return (
            f'<details class="cmd internal"><summary class="cmd-head">{head} <span class=why>— read by the '
            f"harness for the master-block counters (exit status {escape(str(status))})</span></summary>"
            f"{body}</details>"
        )
    return f'<div class="cmd{" ok" if status == 0 else ""}"><div class="cmd-head">{head}</div>{body}</div>'


def _counters(records: list[JSON]) -> str:
    """Per database: the first snapshot before the step's commands, the last after them, and any read."""
    groups: dict[tuple[str, str], dict[str, JSON]] = {}
    for record in records:
        snaps = groups.setdefault((str(record.get("host")), str(record.get("db"))), {})
        when = str(record.get("when"))
        if when != "before" or "before" not in snaps:
            snaps[when] = record.get("values") or {}
    return "".join(_counter_table(host, db, snaps) for (host, db), snaps in groups.items())


def _counter_table(host: str, db: str, snaps: dict[str, JSON]) -> str:
    columns = [c for c in ("before", "after", "now") if c in snaps] + [c for c in snaps if c not in _WHEN]
    names = list(dict.fromkeys(name for c in columns for name in snaps[c]))
    before, after = snaps.get("before", {}), snaps.get("after", {})
    changed = [n for n in names if n in before and n in after and before[n] != after[n]]
    if "before" in snaps and "after" in snaps:  # what the step did to the counters; the rest on one line
        kept = [n for n in names if n not in changed]
        latest = {**before, **after}
        same = ", ".join(f"{n} {_text(latest.get(n))}" for n in kept)
        rows = "".join(_counter_row(n, columns, snaps, True) for n in changed)
        rows += (
            f'<tr class="unchanged"><td colspan="{len(columns) + 1}">unchanged: {escape(same)}</td></tr>'
            if kept
            else ""
        )
    else:
        rows = "".join(_counter_row(n, columns, snaps, n in changed) for n in names)
    head = f"<tr><th>master block of {escape(db)} on {escape(host)}</th>" + "".join(
        f"<th>{escape(c)}</th>" for c in columns
    )
    return f'<table class="counters{"" if changed else " nochange"}">{head}</tr>{rows}</table>'


def _counter_row(name: str, columns: list[str], snaps: dict[str, JSON], changed: bool) -> str:
    cells = "".join(f"<td>{escape(_text(snaps[c].get(name)))}</td>" for c in columns)
    return f"<tr{' class=changed' if changed else ''}><th>{escape(name)}</th>{cells}</tr>"


def _seq(event: JSON) -> str:
    seq = event.get("seq") if event.get("expects") is None else f"expects {event['expects']}"
    return f" (sequence {escape(str(seq))})" if seq is not None else ""


def _size(count: Any, word: str = "") -> str:
    """A size in bytes as ``ls -l`` prints it, then in the binary unit read at a glance: ``10485760 (10.0 MiB)``."""
    if not isinstance(count, int):
        return _text(count)
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count}{word} ({count / scale:.1f} {unit})"
    return f"{count}{word}"


def _file_row(file: JSON) -> str:
    digest = str(file.get("sha256") or "")
    return (
        f"<tr><td><code>{escape(str(file.get('name')))}</code></td><td class=n>{escape(_size(file.get('bytes')))}"
        f'</td><td><code title="{escape(digest)}">{escape(digest[:16] or "—")}</code></td></tr>'
    )


def _copied_files(event: JSON) -> str:
    """The files a copy copied, each with its size and SHA-256 (the first 16 digits; all of them on hover)."""
    files = [f for f in event.get("files") or [] if isinstance(f, dict)]
    if event.get("kind") != "copy" or not files:
        return ""
    source = f"{event.get('from') or '?'}:{event.get('directory') or '.'}"
    target = f"{event.get('host') or '?'}:{event.get('target_directory') or '.'}"
    total = sum(f["bytes"] for f in files if isinstance(f.get("bytes"), int))
    locks = [str(f.get("name")) for f in files if str(f.get("name") or "").endswith(".lk")]
    lock = f"the lock file went along: {', '.join(locks)}" if locks else "no .lk file was copied"
    caption = (
        f"{len(files)} file{'s' if len(files) != 1 else ''} copied from {source} to {target}: "
        f"{_size(total, ' bytes')} in all; {lock}"
    )
    head = "<tr><th>file</th><th>bytes</th><th>sha256 (first 16 of 64 hex digits)</th></tr>"
    rows = "".join(_file_row(f) for f in files)
    return f'<table class="files sub"><caption class=meta>{escape(caption)}</caption>{head}{rows}</table>'


def _events(events: list[JSON]) -> str:
    if not events:
        return ""
    items = "".join(
        f"<li>{escape(str(e.get('time') or ''))} · <b>{escape(str(e.get('kind')))}</b> on {escape(str(e.get('host')))}"
        f": {escape(str(e.get('label') or ''))}{_seq(e)}</li>"
        for e in events
    )
    return f'<ul class="sub meta">{items}</ul>' + "".join(_copied_files(e) for e in events)


def _reads(commands: list[JSON]) -> str:
    """The harness's own master-block reads, in one line: what was read, how often, and that it worked.

    A read that failed is shown whole (it may be why a step failed); the others' outputs are in results.json.
    """
    reads = [c for c in commands if c.get("internal") and c.get("exit_status") == 0]
    if not reads:
        return ""
    what = sorted({f"{c.get('command')} on {c.get('host')}" for c in reads})
    return (
        f'<div class="reads meta">The harness read the master block {len(reads)} time'
        f"{'s' if len(reads) != 1 else ''} ({escape('; '.join(what))}), each exit status 0: the counters "
        "below; their outputs are in results.json.</div>"
    )


def _records(bucket: JSON) -> str:
    shown = [c for c in bucket["commands"] if not c.get("internal") or c.get("exit_status") != 0]
    return (
        "".join(_command(c) for c in shown)
        + _reads(bucket["commands"])
        + _counters(bucket["counters"])
        + _events(bucket["events"])
    )


def _step_extra(step: JSON) -> str:
    extra = ""
    if step.get("docstring") is not None:
        extra += f'<pre class="sub">{escape(step["docstring"])}</pre>'
    if step.get("datatable"):
        rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in step["datatable"])
        extra += f'<table class="sub">{rows}</table>'
    if step.get("error"):
        error = step["error"]
        number = error.get("number")
        extra += (
            f'<div class="error-msg"><pre>{escape(error["message"])}</pre>'
            f"{_emulator_note(error.get('line'), f'({number})' if number else None)}</div>"
        )
    return extra


def _step(step: JSON) -> str:
    where = " (background)" if step.get("background") else ""
    head = (
        f'<div class="step-head">{_badge(step["status"])}<span><span class=kw>{escape(step["keyword"])}</span> '
        f"{escape(step['name'])}<span class=meta>{where} · line {step['line']}</span>"
        f"{_emulator_note(step['name'])}</span>"
        f'<span class="dur">{escape(str(step.get("started") or "not run"))} · {_secs(step["duration"])}</span>'
        "</div>"
    )
    return f'<div class="step">{head}{_step_extra(step)}{_records(step)}</div>'


def _phase(title: str, bucket: JSON) -> str:
    if not any(bucket[k] for k in ("commands", "counters", "events")):
        return ""
    return (
        f'<div class="step"><div class="step-head"><span class=kw>{escape(title)}</span></div>{_records(bucket)}</div>'
    )


def _scenario(scenario: JSON) -> str:
    example = f" · example {escape(_text(scenario['example']))}" if scenario.get("example") else ""
    tags = " ".join(f"@{t}" for t in scenario["tags"])
    meta = (
        f"<div class=meta>{escape(scenario['keyword'])} at line {scenario['line']}{example} · {escape(tags)} · "
        f"started {escape(str(scenario.get('started') or '—'))} · {_secs(scenario['duration'])}"
        f" · worker {escape(str(scenario.get('worker') or '—'))}</div>"
    )
    reason = ""
    if scenario["status"] != "passed" and scenario.get("reason"):
        status = escape(scenario["status"])
        failure = failure_of(scenario)
        why = escape(scenario["reason"])
        if failure and failure.get("line"):  # the message that decided it first; the whole error is at its step
            ran = (
                f", <code>{escape(failure['command'])}</code> on {escape(str(failure['host']))}"
                if failure.get("command")
                else ""
            )
            why = f"<b>{escape(failure['line'])}</b><br>at <i>{escape(str(failure['step']))}</i>{ran}"
        note = _failure_note(failure) if failure else ""
        reason = f'<div class="reason {status}">{status}: {why}{note}</div>'
    picture = timeline.render(scenario)
    picture = (
        f'<div class="tl">{picture}</div>{_emulator_note(*timeline.numbers_shown(scenario))}'
        if picture
        else "<p class=meta>No timeline events were recorded.</p>"
    ) + recovery_html.phase_bar(scenario)
    trace = (
        f"<details><summary>Traceback</summary><pre>{escape(scenario['traceback'])}</pre></details>"
        if scenario.get("traceback")
        else ""
    )
    steps = "".join(_step(s) for s in scenario["steps"])
    return (
        f'<details class="scenario" open><summary>{_badge(scenario["status"])} <h3 style="display:inline">'
        f"{escape(scenario['name'])}</h3>{meta}</summary>{reason}{picture}"
        f"{_phase('Set-up (fixtures)', scenario['setup'])}{steps}"
        f"{_phase('Tear-down (fixtures)', scenario['teardown'])}{trace}</details>"
    )


def _feature(feature: JSON) -> str:
    tags = " ".join(f"@{t}" for t in feature["tags"])
    narrative = (feature.get("description") or "").strip()
    return (
        f'<section id="{_anchor(feature)}"><h2>{_badge(feature["verdict"])} {escape(feature["keyword"])}: '
        f"{escape(feature['name'])}</h2><div class=meta>{escape(feature['path'])} · {escape(tags)}</div>"
        + (f'<div class="narrative">{escape(narrative)}</div>' if narrative else "")
        + "".join(_scenario(s) for s in feature["scenarios"])
        + "</section>"
    )


def _verdict_line(results: JSON) -> str:
    """The verdict, and right beside it what it was reached on (the emulator is never to be taken for OpenEdge)."""
    verdict, on = headline(results)
    words = {
        "PROVEN": "Every procedure that ran was proven: each of its scenarios passed.",
        "FAILED": "At least one procedure failed: the plan is not proven. See the failures below.",
        "NOT RUN": "No scenario ran: nothing was proven.",
    }
    text = words.get(verdict) or vd.WORDS.get(verdict, "").capitalize()
    why = vd.incompleteness(results)
    unfinished = f"<p class=headline>The run did not finish: {escape(why)}.</p>" if why else ""
    return (
        (
            f"<p class=headline>{_badge(verdict, verdict)} <span class=on>on {escape(on)}</span> — {escape(text)}</p>"
        ).replace('class="badge', 'class="badge verdict', 1)
        + unfinished
        + _identity(results)
    )


def _ran(features: list[JSON]) -> list[JSON]:
    return [s for f in features for s in f["scenarios"] if s["status"] not in ("skipped", "deselected")]


def _relied_on(features: list[JSON]) -> str:
    """The emulator-assigned message numbers the scenarios that ran checked or failed on; a scenario relying on
    one without the @emulator_only tag is named (a real OpenEdge run would not skip it)."""
    uses: dict[int, list[JSON]] = {}
    for scenario in _ran(features):
        failure = failure_of(scenario) or {}
        texts = [s["name"] for s in scenario["steps"]] + [failure.get("line"), failure.get("message")]
        for number in emulator_numbers(*texts):
            uses.setdefault(number, []).append(scenario)
    if not uses:
        return "none: every message number the run checked is Progress OpenEdge's own"
    relying = {s["nodeid"]: s for scenarios in uses.values() for s in scenarios}
    untagged = [s["name"] for s in relying.values() if "emulator_only" not in s["tags"]]
    return (
        f"{', '.join(str(n) for n in sorted(uses))}: checked by {len(relying)} scenario"
        f"{'s' if len(relying) != 1 else ''}, "
        + (
            f"of which NOT tagged @emulator_only: {'; '.join(untagged)}"
            if untagged
            else "each tagged @emulator_only (next row)"
        )
    )


def _scope(results: JSON, features: list[JSON]) -> str:
    """What the verdict covers and what it does not: where it ran, and what rests on the emulator alone."""
    env = results.get("environment") or {}
    images = [_text(i) for i in env.get("images") or []]
    tagged = [
        s for f in features for s in f["scenarios"] if "emulator_only" in s["tags"] and s["status"] != "deselected"
    ]
    emulator_only = f"{len(tagged)}: " + "; ".join(f"{s['name']} ({s['status']})" for s in tagged) if tagged else None
    left_out = [f"{f['name']}" for f in features if not selected(f)]
    left_out += [s["name"] for f in features if selected(f) for s in f["scenarios"] if s["status"] == "deselected"]
    rows = [
        ("Proven on", headline(results)[1]),
        ("Backend", env.get("backend")),
        ("Image", images or "none (commands ran on this machine)"),
        ("OpenEdge release", env.get("openedge_version") or "none: the emulator's behaviour, not OpenEdge's"),
        ("Emulator-assigned message numbers relied on", _relied_on(features)),
        ("@emulator_only scenarios (skipped on a real OpenEdge)", emulator_only or "none"),
        ("Not selected for this run", left_out or "none"),
    ]
    return f"<h2>Scope and limits</h2>{_table(rows)}"


_MANIFEST_NOTE = (
    "SHA256SUMS beside this report lists the SHA-256 of every file of the run, this report included; "
    "`oedr run` printed the SHA-256 of SHA256SUMS itself at the end of the run (record it with the "
    "change). Check with `oedr verify DIR` or `sha256sum -c SHA256SUMS`."
)


def _run_by(env: JSON) -> str:
    """Who ran it, where and when, and how the evidence is checked."""
    rows = [
        ("Run by", f"{env.get('user') or 'unknown'} on {env.get('host') or 'unknown host'}"),
        ("Started", env.get("started")),
        ("Finished", env.get("finished")),
        ("oedr", env.get("oedr_version")),
        (
            "Plan revision",
            f"{env.get('git_revision') or 'unknown'}" + (" (with local changes)" if env.get("git_dirty") else ""),
        ),
        ("Evidence manifest", _MANIFEST_NOTE),
    ]
    return f"<h2>Run</h2>{_table(rows)}"


def render(results: JSON) -> str:
    """The whole report, as one HTML document."""
    features = results["features"]
    env = results.get("environment") or {}
    verdict, on = headline(results)
    title = f"oedr DR evidence — {verdict} on {on} — {env.get('started', '')}"
    summary = (
        f"<h1>Disaster-recovery evidence</h1><div class=meta>oedr {escape(str(env.get('oedr_version', '')))}"
        f" · run started {escape(str(env.get('started')))} · finished {escape(str(env.get('finished')))}</div>"
        f"{_verdict_line(results)}{_scope(results, features)}{_summary(results, features)}"
        f"{recovery_html.summary_section(results)}"
        f"{_run_errors(results.get('run_errors') or [])}{_run_by(env)}"
    )
    body = f'<section class="summary-page">{summary}</section><h2>Detail</h2>{_environment(env)}' + "".join(
        _feature(f) for f in features if selected(f)
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>'
        f"<body>{body}</body></html>\n"
    )
