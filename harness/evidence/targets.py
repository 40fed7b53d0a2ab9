"""The site's plan file (``oedr.toml`` beside the features): RPO/RTO targets per procedure, the controls each
procedure evidences, and how fresh a proof must be; and the Targets and Controls tables built from a run.

A procedure is a feature file, named by its file name without ``.feature``. The measured figures come from
the scenarios that declare a disaster (oedr.harness.disaster records them as ``rpo`` and ``rto`` events): a
procedure's figure is the worst of its scenarios. A control is evidenced by the scenarios of the procedures
it names, or that carry one of its tags. The plan is recorded in results.json (``environment.targets_plan``)
so the report can be rebuilt from results.json alone.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from oedr.harness.evidence import verdict as vd

JSON = dict[str, Any]
PLAN_FILE = "oedr.toml"

# The default plan: `oedr init` writes it; a run with no oedr.toml uses it. Controls map to the standard
# features' tags; the mapping is a starting point that the site's auditors confirm or edit.
DEFAULT_PLAN = """\
# oedr.toml: the DR plan's targets, the controls its rehearsals evidence, and how fresh a proof must be.
# Read by `oedr run` (recorded in results.json), shown in report.html, and used by `oedr status`.
# A procedure is a feature file, named by its file name without ".feature".

[freshness]
# `oedr status RESULTS_DIR...` exits 1 when a procedure was last PROVEN longer ago than this.
max_age_days = 90

# RPO and RTO targets per procedure, in minutes. They are compared with what the scenarios that declare
# `production is lost` measure (the worst of the procedure's scenarios); a procedure without such a
# scenario has nothing measured, and its target shows as "not measured".
[targets.rpo]
rpo_minutes = 1440  # the nightly copy alone: a day of commits may be lost
rto_minutes = 60

# The controls each procedure evidences. A control lists the procedures and/or the feature tags whose
# scenarios evidence it. This default mapping is a starting point: confirm it with your auditors.
[controls."ISO/IEC 27001:2022 A.5.30"]
title = "ICT readiness for business continuity"
tags = ["rpo", "restore"]

[controls."ISO/IEC 27001:2022 A.8.13"]
title = "Information backup"
tags = ["probkup", "os_copy"]

[controls."SOC 2 A1.3"]
title = "Recovery plan procedures supporting system recovery are tested"
tags = ["restore"]

[controls."NIST SP 800-53 CP-4"]
title = "Contingency plan testing"
tags = ["restore"]

[controls."NIST SP 800-53 CP-9"]
title = "System backup"
tags = ["probkup", "os_copy"]

[controls."NIST SP 800-53 CP-10"]
title = "System recovery and reconstitution"
tags = ["restore", "rpo"]

[controls."DORA Art. 11"]
title = "Response and recovery"
tags = ["rpo", "restore"]

[controls."DORA Art. 12"]
title = "Backup policies and procedures, restoration and recovery procedures and methods"
tags = ["probkup", "os_copy", "restore"]
"""


class PlanProblem(ValueError):
    """oedr.toml cannot be read or says something this version does not understand."""


def parse_plan(text: str, source: str) -> JSON:
    """The plan as plain JSON: {source, max_age_days, targets: {procedure: {rpo_minutes, rto_minutes}}, controls}."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanProblem(f"{source} is not valid TOML: {exc}") from None
    unknown = set(raw) - {"freshness", "targets", "controls"}
    if unknown:
        raise PlanProblem(f"{source}: unknown section {sorted(unknown)[0]!r} (freshness, targets, controls)")
    max_age = raw.get("freshness", {}).get("max_age_days", 90)
    if not isinstance(max_age, int) or max_age < 1:
        raise PlanProblem(f"{source}: freshness.max_age_days must be a whole number of days, at least 1")
    targets: JSON = {}
    for procedure, values in raw.get("targets", {}).items():
        if not isinstance(values, dict) or set(values) - {"rpo_minutes", "rto_minutes"}:
            raise PlanProblem(f"{source}: targets.{procedure} may set only rpo_minutes and rto_minutes")
        for key, value in values.items():
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise PlanProblem(f"{source}: targets.{procedure}.{key} must be a number of minutes, 0 or more")
        targets[procedure] = dict(values)
    controls: JSON = {}
    for control, values in raw.get("controls", {}).items():
        if not isinstance(values, dict) or set(values) - {"title", "tags", "procedures"}:
            raise PlanProblem(f"{source}: controls.{control!r} may set only title, tags and procedures")
        lists = {k: values.get(k, []) for k in ("tags", "procedures")}
        if not all(isinstance(v, list) and all(isinstance(i, str) for i in v) for v in lists.values()):
            raise PlanProblem(f"{source}: controls.{control!r}: tags and procedures are lists of names")
        controls[control] = {
            "title": str(values.get("title", "")),
            **{k: [i.lstrip("@") for i in v] for k, v in lists.items()},
        }
    return {"source": source, "max_age_days": max_age, "targets": targets, "controls": controls}


def load_plan(directory: Path) -> JSON:
    """The plan of the site in ``directory`` (its oedr.toml), else the default plan."""
    path = directory / PLAN_FILE
    if not path.exists():
        return parse_plan(DEFAULT_PLAN, "the default plan (no oedr.toml)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanProblem(f"cannot read {path}: {exc}") from None
    return parse_plan(text, str(path))


def procedure_id(feature: JSON) -> str:
    """A feature's procedure name: its file name without .feature."""
    return Path(str(feature.get("path") or feature.get("rel_filename") or feature["name"])).stem


def _events(scenario: JSON, kind: str) -> list[JSON]:
    found = []
    for bucket in [scenario.get("setup") or {}, *(scenario.get("steps") or []), scenario.get("teardown") or {}]:
        found += [e for e in bucket.get("events") or [] if e.get("kind") == kind and isinstance(e.get("measure"), dict)]
    return found


def scenario_measures(scenario: JSON) -> JSON:
    """The scenario's last measured RPO and RTO (None where it measured none)."""
    rpo, rto = _events(scenario, "rpo"), _events(scenario, "rto")
    return {"rpo": rpo[-1]["measure"] if rpo else None, "rto": rto[-1]["measure"] if rto else None}


def _worst(values: list[float]) -> float | None:
    return max(values) if values else None


def targets_table(features: list[JSON], plan: JSON) -> list[JSON]:
    """One row per target: the procedure, what it is, the target, the worst measured, and whether it is met."""
    rows = []
    for feature in features:
        procedure = procedure_id(feature)
        wanted = (plan.get("targets") or {}).get(procedure)
        if not wanted:
            continue
        measured = [scenario_measures(s) for s in feature["scenarios"] if s["status"] != "deselected"]
        figures = {
            "rpo_minutes": _worst([m["rpo"]["window_seconds"] / 60 for m in measured if m["rpo"]]),
            "rto_minutes": _worst([m["rto"]["seconds"] / 60 for m in measured if m["rto"]]),
        }
        for key, target in wanted.items():
            value = figures.get(key)
            rows.append(
                {
                    "procedure": procedure,
                    "target": key.removesuffix("_minutes").upper(),
                    "target_minutes": target,
                    "measured_minutes": None if value is None else round(value, 3),
                    "met": None if value is None else value <= target,
                }
            )
    return rows


def controls_table(features: list[JSON], plan: JSON, date: str | None) -> list[JSON]:
    """One row per control: the scenarios that evidence it, their result (PROVEN only if all passed), the date."""
    rows = []
    for control, spec in (plan.get("controls") or {}).items():
        tags, procedures = set(spec.get("tags") or []), set(spec.get("procedures") or [])
        evidence = [
            (procedure_id(f), s)
            for f in features
            for s in f["scenarios"]
            if s["status"] != "deselected"
            and (procedure_id(f) in procedures or tags & {t.lstrip("@") for t in s.get("tags") or []})
        ]
        ran = [s for _, s in evidence if s["status"] != "skipped"]
        if not ran:
            result = vd.NOT_RUN
        elif all(s["status"] == "passed" for s in ran):
            result = vd.PROVEN
        else:
            result = vd.FAILED
        rows.append(
            {
                "control": control,
                "title": spec.get("title", ""),
                "scenarios": [f"{p}: {s['name']}" for p, s in evidence],
                "result": result,
                "date": date,
            }
        )
    return rows


def evaluate(features: list[JSON], environment: JSON) -> JSON:
    """The summary's Targets and Controls tables, from the plan recorded with the run."""
    plan = environment.get("targets_plan")
    if not isinstance(plan, dict):
        return {"targets": [], "controls": []}
    date = environment.get("finished") or environment.get("started")
    return {"targets": targets_table(features, plan), "controls": controls_table(features, plan, date)}
