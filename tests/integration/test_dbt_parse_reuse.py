"""A site's first dbt build starts from the parse another site's build kept, instead of parsing the whole project."""

import json
import shutil

from dagster_dbt import DbtProject
from helpers import run_dbt

from kvis_pipeline.orchestration.dbt import (
    DBT_COMMAND,
    DBT_PROJECT_DIR,
    PARTIAL_PARSE_FILE,
    build_target,
    keep_partial_parse,
)

VARS = {"waves_from_warehouse": True, "min_cell": 5, "small_group": 10}


def parse(target, warehouse) -> list[str]:
    """`dbt parse` into `target` for `warehouse`, as the build's dbt starts; the names of the events it logged."""
    result = run_dbt([*DBT_COMMAND, "parse", "--vars", json.dumps(VARS), "--log-format", "json"], warehouse, target)
    assert result.returncode == 0, result.stdout[-3000:]
    return [json.loads(line)["info"]["name"] for line in result.stdout.splitlines() if line.startswith("{")]


def test_a_new_warehouse_reuses_the_parse_kept_by_another(tmp_path):
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=tmp_path / "target")
    first, second = tmp_path / "a" / "kvis.duckdb", tmp_path / "b" / "kvis.duckdb"

    target = build_target(first, VARS, project)
    assert not (target / PARTIAL_PARSE_FILE).exists()  # nothing kept yet: a full parse
    assert "UnableToPartialParse" in parse(target, first)
    keep_partial_parse(target, first, VARS, project)

    seeded = build_target(second, VARS, project)
    assert "UnableToPartialParse" not in parse(seeded, second)

    # the kept parse as it is, without the second warehouse's hash, is refused: the hash is what makes it reusable
    unseeded = tmp_path / "unseeded"
    unseeded.mkdir()
    shutil.copyfile(target / PARTIAL_PARSE_FILE, unseeded / PARTIAL_PARSE_FILE)
    assert "UnableToPartialParse" in parse(unseeded, second)

    # other vars, or a warehouse named otherwise (dbt's database), are not given that parse
    assert not (build_target(second, {**VARS, "min_cell": 3}, project) / PARTIAL_PARSE_FILE).exists()
    assert not (build_target(tmp_path / "c" / "other.duckdb", VARS, project) / PARTIAL_PARSE_FILE).exists()


def test_a_parse_that_cannot_be_kept_or_handed_over_never_fails_the_build(tmp_path):
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=tmp_path / "target")
    warehouse = tmp_path / "kvis.duckdb"
    built = build_target(warehouse, VARS, project)
    (built / PARTIAL_PARSE_FILE).write_bytes(b"\xc1 not a parse")
    keep_partial_parse(built, warehouse, VARS, project)
    assert len(list((tmp_path / "target").glob(f"kept-*-{PARTIAL_PARSE_FILE}"))) == 1  # kept, though unreadable
    assert not (build_target(warehouse, VARS, project) / PARTIAL_PARSE_FILE).exists()

    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "profiles.yml").write_text("kvis:\n  target: elsewhere\n  outputs: {}\n")
    unreadable = DbtProject(
        project_dir=DBT_PROJECT_DIR, profiles_dir=tmp_path / "profiles", target_path=tmp_path / "target"
    )
    keep_partial_parse(built, warehouse, VARS, unreadable)
    assert not (build_target(warehouse, VARS, unreadable) / PARTIAL_PARSE_FILE).exists()
