"""The questionnaire as the export describes it: variables from Structure, answer codes from Labels.

Nothing here lists the survey's questions: every variable, type and code is read from the
export itself. Only the roles the data contract gives by name (personal data, background
variables, the status question) are named.
"""

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kvis_pipeline.core.contract import BACKGROUND_VARIABLES, STATUS_QUESTION
from kvis_pipeline.core.errors import InputFileError
from kvis_pipeline.core.personal_data import shown
from kvis_pipeline.ingest.export_bundle import ExportBundle

RESPONDENT_ID = "respondentid"
PERSONAL_VARIABLES = frozenset({"email", "navn", "ydernr"})
TIMESTAMP_VARIABLES = ("created", "modified", "starttime", "closetime")
DURATION_VARIABLE = "difftime"
EKVIS_REQUIRED = (RESPONDENT_ID, "klynge", "speciale", "region")


@dataclass(frozen=True)
class Variable:
    name: str  # the long name, e.g. statoverall_4
    column: str  # the name in this export's Dataset (long or SurveyXact's 8-character short name)
    question: str
    question_type: str  # Open | Closed
    sub_type: str  # Single | Multiple | Double | Date | String
    text: str
    choice_value: str
    choice_text: str
    position: int
    codes: dict[str, str] = field(default_factory=dict)  # code -> label, in the order Labels lists them

    @property
    def is_multiple(self) -> bool:
        return self.question_type == "Closed" and self.sub_type == "Multiple"

    @property
    def is_single(self) -> bool:
        return self.question_type == "Closed" and self.sub_type == "Single"

    @property
    def is_free_text(self) -> bool:
        return self.question_type == "Open" and self.sub_type == "String" and self.name not in PERSONAL_VARIABLES

    @property
    def is_status_flag(self) -> bool:
        return self.question.lower() == STATUS_QUESTION

    @property
    def is_item(self) -> bool:
        """A survey answer published as a result: every closed variable that is not background or status."""
        return (
            (self.is_single or self.is_multiple) and self.name not in BACKGROUND_VARIABLES and not self.is_status_flag
        )


@dataclass(frozen=True)
class Questionnaire:
    variables: tuple[Variable, ...]

    @classmethod
    def from_export(cls, bundle: ExportBundle, require_ekvis: bool = True) -> "Questionnaire":
        """The export's questionnaire; with `require_ekvis`, a file problem unless it has eKVIS' roles (respondent
        id, background variables, status question), which any SurveyXact export need not have."""
        structure = bundle.structure
        codes = _codes_by_column(bundle.labels, bundle.paths["Labels"])
        variables = []
        for position, row in enumerate(structure.itertuples(index=False)):
            if not row.variableName:
                raise InputFileError(bundle.paths["Structure"], f"row {position + 2} has no variableName")
            name = row.questionName.lower()
            if row.questionType == "Closed" and row.subType == "Multiple":
                name = f"{name}_{row.choiceValue}"
            variables.append(
                Variable(
                    name=name,
                    column=row.variableName,
                    question=row.questionName,
                    question_type=row.questionType,
                    sub_type=row.subType,
                    text=row.questionText,
                    choice_value=row.choiceValue,
                    choice_text=row.choiceText,
                    position=position,
                    codes=codes.get(row.variableName, {}),
                )
            )
        questionnaire = cls(tuple(variables))
        questionnaire._check_unique(bundle.paths["Structure"])
        questionnaire._check_dataset_columns(bundle)
        if require_ekvis:
            questionnaire._check_ekvis_roles(bundle)
        questionnaire._check_labels(bundle.paths["Labels"])
        return questionnaire

    @property
    def missing_ekvis_roles(self) -> list[str]:
        """The variables eKVIS' rules need that this export lacks; empty for an eKVIS questionnaire."""
        missing = [name for name in EKVIS_REQUIRED if name not in self.by_name]
        return missing + ([STATUS_QUESTION] if not self.status_flags else [])

    def _check_ekvis_roles(self, bundle: ExportBundle) -> None:
        for name in self.missing_ekvis_roles:
            problem = (
                f"the export has no {name!r} status question"
                if name == STATUS_QUESTION
                else f"the export has no {name!r} variable"
            )
            raise InputFileError(bundle.paths["Structure"], problem)

    def _check_labels(self, path: Path) -> None:
        """A single-choice variable whose codes Labels does not list could only ever be quarantined whole."""
        unlabelled = [
            v.name for v in self.variables if v.question_type == "Closed" and v.sub_type == "Single" and not v.codes
        ]
        if unlabelled:
            raise InputFileError(path, f"Labels lists no answer codes for {', '.join(unlabelled)}")

    def _check_unique(self, path: Path) -> None:
        for attribute in ("name", "column"):
            values = pd.Series([getattr(v, attribute) for v in self.variables])
            repeated = sorted(set(values[values.duplicated()]))
            if repeated:
                raise InputFileError(path, f"the Structure describes {', '.join(repeated)} more than once")

    def _check_dataset_columns(self, bundle: ExportBundle) -> None:
        columns = list(bundle.dataset.columns)
        described = {v.column for v in self.variables}
        undescribed = [c for c in columns if c not in described]
        if undescribed:
            raise InputFileError(
                bundle.dataset_path, f"Dataset column(s) that the Structure does not describe: {', '.join(undescribed)}"
            )
        absent = [v.column for v in self.variables if v.column not in columns]
        if absent:
            raise InputFileError(
                bundle.dataset_path,
                f"variable(s) the Structure describes are missing from the Dataset: {', '.join(absent)}",
            )

    @property
    def by_name(self) -> dict[str, Variable]:
        return {v.name: v for v in self.variables}

    @property
    def status_flags(self) -> list[Variable]:
        return [v for v in self.variables if v.is_status_flag]

    @property
    def items(self) -> list[Variable]:
        return [v for v in self.variables if v.is_item]

    @property
    def free_text(self) -> list[Variable]:
        return [v for v in self.variables if v.is_free_text]

    def rename_to_long_names(self, dataset: pd.DataFrame) -> pd.DataFrame:
        return dataset.rename(columns={v.column: v.name for v in self.variables})[[v.name for v in self.variables]]

    def structure_table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "variable": v.name,
                    "question_name": v.question,
                    "question_type": v.question_type,
                    "sub_type": v.sub_type,
                    "question_text": v.text,
                    "choice_value": int(v.choice_value) if v.choice_value.isdigit() else None,
                    "choice_text": v.choice_text or None,
                    "position": v.position,
                }
                for v in self.variables
            ]
        )

    def labels_table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {"variable": v.name, "code": int(code), "label": label, "position": position}
                for v in self.variables
                for position, (code, label) in enumerate(v.codes.items())
            ],
            columns=["variable", "code", "label", "position"],
        )


def _codes_by_column(labels: pd.DataFrame, path: Path) -> dict[str, dict[str, str]]:
    codes: dict[str, dict[str, str]] = {}
    for number, row in enumerate(labels.itertuples(index=False), start=1):
        if not row.value.isdigit():
            raise InputFileError(
                path, f"row {number}, column value: {shown(row.value)!r} is not a whole-number answer code"
            )
        listed = codes.setdefault(row.variableName, {})
        if row.value in listed and listed[row.value] != row.label:
            raise InputFileError(
                path,
                f"row {number}: code {row.value} of {shown(row.variableName)} is listed again "
                "with another label (which one holds cannot be told)",
            )
        listed[row.value] = row.label
    return codes
