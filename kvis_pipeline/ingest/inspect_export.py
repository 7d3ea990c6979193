"""`kvis inspect`: what an export holds and what `kvis run` would do with it, without writing anything."""

import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kvis_pipeline.core.errors import InputFileError, WaveRefused
from kvis_pipeline.core.settings import Settings
from kvis_pipeline.ingest.export_bundle import ExportBundle, read_export_bundle
from kvis_pipeline.ingest.questionnaire import Questionnaire
from kvis_pipeline.ingest.roster import ROSTER_FILE, read_roster
from kvis_pipeline.ingest.survey_load import prepare_survey_load
from kvis_pipeline.ingest.wave_load import SURVEY_FOLDER, refuse_doubtful_load

EXAMPLE_ROWS = 5  # row numbers shown per quarantine reason in the text report (all of them are in --json)


@dataclass
class Inspection:
    path: Path
    kind: str  # "wave" or "survey"
    problem: str | None = None  # the file problem that would stop the wave, as `kvis run` prints it
    export: dict = field(default_factory=dict)
    ekvis: dict = field(default_factory=dict)

    @property
    def would_load(self) -> bool:
        return self.problem is None

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "kind": self.kind,
            "would_load": self.would_load,
            "problem": self.problem,
            "export": self.export,
            "ekvis_rules": self.ekvis,
        }


def inspect_path(path: Path, settings: Settings | None = None) -> Inspection:
    """Describe the wave folder (roster and survey/) or survey folder at `path`; never raises for bad input."""
    path = path.absolute()
    is_wave = (path / SURVEY_FOLDER).is_dir()
    inspection = Inspection(path, "wave" if is_wave else "survey")
    survey_dir = path / SURVEY_FOLDER if is_wave else path
    roster_path = path / ROSTER_FILE if is_wave else _roster_beside(path)
    try:
        bundle = read_export_bundle(survey_dir)
        questionnaire = Questionnaire.from_export(bundle, require_ekvis=False)
        inspection.export = _describe_export(bundle, questionnaire)
        inspection.ekvis = _ekvis_outcome(
            bundle, questionnaire, roster_path, survey_dir, settings or Settings.from_env(), survey_dir.parent.name
        )
        inspection.problem = inspection.ekvis.get("refused")
    except InputFileError as problem:
        inspection.problem = str(problem)
    return inspection


def _roster_beside(survey_dir: Path) -> Path | None:
    """A survey folder inside a wave folder has the wave's roster beside it."""
    candidate = survey_dir.parent / ROSTER_FILE
    return candidate if survey_dir.name == SURVEY_FOLDER and candidate.exists() else None


def _describe_export(bundle: ExportBundle, questionnaire: Questionnaire) -> dict:
    types = Counter(f"{v.question_type}/{v.sub_type}" for v in questionnaire.variables)
    return {
        "form": bundle.form,
        "files": sorted({p.name for p in bundle.paths.values()}),
        "encodings": bundle.encodings
        or {"Dataset": "Excel workbook", "Labels": "Excel workbook", "Structure": "Excel workbook"},
        "names": "short" if any(v.column != v.name for v in questionnaire.variables if not v.is_multiple) else "long",
        "rows": len(bundle.dataset),
        "variables": len(questionnaire.variables),
        "questions": len({v.question for v in questionnaire.variables}),
        "question_types": dict(sorted(types.items())),
        "labels_structure": _labels_structure_consistency(bundle, questionnaire),
        "quirks_read_around": list(bundle.quirks),
        "nul_bytes_dropped": bundle.nul_bytes_dropped,
    }


def _labels_structure_consistency(bundle: ExportBundle, questionnaire: Questionnaire) -> list[str]:
    """What does not match between Labels and Structure but does not stop a load; empty when they agree."""
    described = {v.column for v in questionnaire.variables}
    findings = []
    unknown = sorted(set(bundle.labels["variableName"]) - described)
    if unknown:
        findings.append(f"Labels lists codes for variable(s) the Structure does not describe: {', '.join(unknown)}")
    open_with_codes = [v.name for v in questionnaire.variables if v.question_type == "Open" and v.codes]
    if open_with_codes:
        findings.append(f"Labels lists codes for open variable(s): {', '.join(open_with_codes)}")
    return findings


def _ekvis_outcome(
    bundle: ExportBundle,
    questionnaire: Questionnaire,
    roster_path: Path | None,
    survey_dir: Path,
    settings: Settings,
    wave: str,
) -> dict:
    missing = questionnaire.missing_ekvis_roles
    if missing:
        return {"applicable": False, "why": f"not an eKVIS questionnaire: no {', '.join(missing)}"}
    if roster_path is None:
        return {"applicable": False, "why": f"no {ROSTER_FILE} beside the survey folder to check clusters against"}
    roster = read_roster(roster_path)
    load = prepare_survey_load(bundle, roster, secrets.token_bytes(32), _source_name(bundle, survey_dir))
    refused = None
    if wave not in settings.accepted_waves:
        try:
            refuse_doubtful_load(load, settings.max_quarantined_share, bundle.dataset_path, wave)  # as kvis run would
        except WaveRefused as refusal:
            refused = str(refusal)
    summary = load.summary.iloc[0]
    quarantine = load.quarantine
    reasons = [
        {"column": column, "reason": reason, "rows": len(group), "row_numbers": sorted(group["source_row"].tolist())}
        for (column, reason), group in quarantine.groupby(["column_name", "reason"], sort=False)
    ]
    reasons.sort(key=lambda r: (-r["rows"], r["row_numbers"][0]))
    return {
        "applicable": True,
        "roster": {
            "file": str(roster_path),
            "clusters": len(roster),
            "specialties": int(roster["speciale_kode"].nunique()),
            "members": int(roster["antal_medlemmer"].sum()),
        },
        "rows_received": int(summary.rows_received),
        "rows_accepted": int(summary.rows_accepted),
        "rows_quarantined": int(summary.rows_quarantined),
        "rows_duplicate": int(summary.rows_duplicate),
        "quarantine_reasons": reasons,
        "duplicate_rows": [int(row) for row in load.duplicate_source_rows],
        "accepted_by_status": _accepted_by_status(load.respondents, questionnaire),
        "refused": refused,
    }


def _accepted_by_status(respondents, questionnaire: Questionnaire) -> dict[str, int]:
    """Accepted rows per status, named as the export's Structure names them (e.g. '4 Gennemført')."""
    counts = respondents["statoverall"].value_counts()
    return {
        f"{flag.choice_value} {flag.choice_text}": int(counts.get(int(flag.choice_value), 0))
        for flag in questionnaire.status_flags
    }


def _source_name(bundle: ExportBundle, survey_dir: Path) -> str:
    return bundle.dataset_path.relative_to(survey_dir.parent).as_posix()


def format_inspection(inspection: Inspection) -> str:
    lines = [f"{inspection.kind} folder {inspection.path}"]
    export = inspection.export
    if export:
        encodings = sorted(set(export["encodings"].values()))
        lines += [
            f"export: {export['form']} ({', '.join(encodings)}), {', '.join(export['files'])}, {export['names']} names",
            f"Dataset: {export['rows']} rows, {export['variables']} variables in {export['questions']} questions",
            "question types: " + ", ".join(f"{kind} {count}" for kind, count in export["question_types"].items()),
            "Labels and Structure: "
            + ("consistent" if not export["labels_structure"] else "; ".join(export["labels_structure"])),
        ]
        lines += [f"read around: {quirk}" for quirk in export["quirks_read_around"]]
    ekvis = inspection.ekvis
    if ekvis and not ekvis["applicable"]:
        lines.append(f"eKVIS rules: not applicable ({ekvis['why']})")
    elif ekvis:
        roster = ekvis["roster"]
        lines.append(
            f"roster: {roster['clusters']} clusters, {roster['specialties']} specialties, {roster['members']} members"
        )
        lines.append(
            f"kvis run would load: received {ekvis['rows_received']}, accepted {ekvis['rows_accepted']}, "
            f"quarantined {ekvis['rows_quarantined']}, duplicates {ekvis['rows_duplicate']}"
        )
        lines.append(
            "  accepted by status: " + ", ".join(f"{status} {n}" for status, n in ekvis["accepted_by_status"].items())
        )
        for reason in ekvis["quarantine_reasons"]:
            shown = ", ".join(map(str, reason["row_numbers"][:EXAMPLE_ROWS]))
            more = f" and {reason['rows'] - EXAMPLE_ROWS} more" if reason["rows"] > EXAMPLE_ROWS else ""
            lines.append(
                f"  quarantined, {reason['column']}: {reason['reason']}: {reason['rows']} row(s): {shown}{more}"
            )
        if ekvis["duplicate_rows"]:
            lines.append(f"  duplicates of an earlier row: row(s) {', '.join(map(str, ekvis['duplicate_rows']))}")
    if inspection.problem:
        lines.append(f"kvis: {inspection.problem}")
    else:
        lines.append("verdict: the wave would load" if ekvis.get("applicable") else "verdict: the export is readable")
    return "\n".join(lines)
