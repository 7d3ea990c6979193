"""A site's first dbt build starts from the parse another site's build kept, instead of parsing the whole project:
kvis' dbt command hands it over and keeps it in dbt's own process (kept_parse.py)."""

import json
import shutil

import pytest
from helpers import DBT_PROJECT, run_dbt

from kvis_pipeline.orchestration.dbt import DBT_COMMAND
from kvis_pipeline.orchestration.kept_parse import (
    KEPT_PARSES_VARIABLE,
    PARTIAL_PARSE_FILE,
    WAREHOUSE_VARIABLE,
    kept_parse_for,
)

VARS = {"waves_from_warehouse": True, "min_cell": 5, "small_group": 10}


def parse(target, warehouse, kept=None) -> list[str]:
    """`dbt parse` into `target` for `warehouse`, as the build's dbt starts; the names of the events it logged."""
    command = [*DBT_COMMAND, "parse", "--vars", json.dumps(VARS), "--log-format", "json"]
    result = run_dbt(command, warehouse, target, kept=kept)
    assert result.returncode == 0, result.stdout[-3000:]
    return [json.loads(line)["info"]["name"] for line in result.stdout.splitlines() if line.startswith("{")]


def test_a_new_warehouse_reuses_the_parse_kept_by_another(tmp_path):
    kept = tmp_path / "kept"
    first, second = tmp_path / "a" / "kvis.duckdb", tmp_path / "b" / "kvis.duckdb"

    assert "UnableToPartialParse" in parse(tmp_path / "t1", first, kept)  # nothing kept yet: a full parse
    assert len(list(kept.glob(f"kept-*-{PARTIAL_PARSE_FILE}"))) == 1
    assert "UnableToPartialParse" not in parse(tmp_path / "t2", second, kept)

    # the kept parse as it is, without the second warehouse's hash, is refused: the hash is what makes it reusable
    unseeded = tmp_path / "unseeded"
    unseeded.mkdir()
    shutil.copyfile(tmp_path / "t1" / PARTIAL_PARSE_FILE, unseeded / PARTIAL_PARSE_FILE)
    assert "UnableToPartialParse" in parse(unseeded, second)

    # other vars, or a warehouse named otherwise (dbt's database), are not given that parse
    (only_kept,) = kept.glob(f"kept-*-{PARTIAL_PARSE_FILE}")
    for warehouse, dbt_vars in [(second, {**VARS, "min_cell": 3}), (tmp_path / "c" / "other.duckdb", VARS)]:
        assert kept_parse_for_parse(tmp_path / "t3", warehouse, kept, dbt_vars).kept != only_kept


def kept_parse_for_parse(target, warehouse, kept, dbt_vars=VARS):
    """What kvis' dbt command would take and keep for `parse` (above), read in this process."""
    args = ["parse", "--vars", json.dumps(dbt_vars), "--project-dir", str(DBT_PROJECT)]
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv(WAREHOUSE_VARIABLE, str(warehouse))
        environment.setenv(KEPT_PARSES_VARIABLE, str(kept))
        return kept_parse_for([*args, "--profiles-dir", str(DBT_PROJECT), "--target-path", str(target)])


def test_a_parse_that_cannot_be_kept_or_handed_over_never_fails_the_build(tmp_path, monkeypatch):
    kept = tmp_path / "kept"
    command = kept_parse_for_parse(tmp_path / "t1", tmp_path / "kvis.duckdb", kept)
    assert command is not None and command.kept.parent == kept and command.target == tmp_path / "t1"

    kept.mkdir()
    command.kept.write_bytes(b"\xc1 not a parse")
    command.hand_over()  # raises nothing
    assert not command.target.exists()  # and hands nothing over: dbt parses as the first time
    command.target.mkdir()
    (command.target / PARTIAL_PARSE_FILE).write_bytes(b"a parse dbt wrote")
    command.keep()
    assert command.kept.read_bytes() == b"a parse dbt wrote"

    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "profiles.yml").write_text("kvis:\n  target: elsewhere\n  outputs: {}\n")
    monkeypatch.setenv(WAREHOUSE_VARIABLE, str(tmp_path / "kvis.duckdb"))
    monkeypatch.setenv(KEPT_PARSES_VARIABLE, str(kept))
    assert kept_parse_for(["parse", "--profiles-dir", str(tmp_path / "profiles")]) is None  # a profile it cannot read
    monkeypatch.delenv(KEPT_PARSES_VARIABLE)
    assert kept_parse_for(["parse", "--profiles-dir", str(DBT_PROJECT)]) is None  # not asked for: dbt's own command
