"""Two waves end to end: the reference wave 2025 and the generated follow-up 2026, run with `kvis run` and read back
from the published database; then the follow-up's reworded item declared comparable in the mapping seed."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import REPO, reference_site
from helpers import DBT
from statistics_oracle import direction, newcombe

from kvis_pipeline.devtools.follow_up_wave import CLOSED_CLUSTER, NEW_CLUSTER, REWORDED, write_follow_up_wave

PSYCHIATRY = 11


def kvis(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kvis_pipeline.cli", *args], capture_output=True, text=True, timeout=900, env=env
    )


@pytest.fixture(scope="module")
def two_waves(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("two_waves")
    env = reference_site(root)
    write_follow_up_wave(root / "landing" / "2026")
    # the later wave first: the earlier one, landing after it, must renumber its wave_order
    for args in (["--wave", "2026"], []):
        result = kvis(env, "run", "--no-reports", *args)
        assert result.returncode == 0, result.stderr
    return root, env


def rows(database: Path, query: str, *parameters) -> list[dict]:
    with duckdb.connect(str(database), read_only=True) as con:
        frame = con.execute(query, list(parameters)).df()
    return frame.to_dict("records")


def test_every_published_trend_row_follows_from_the_published_results(two_waves):
    root, _ = two_waves
    published = root / "published" / "kvis.duckdb"
    results = {
        (r["wave"], r["specialty_code"], r["variable"]): r
        for r in rows(published, "select * from marts.specialty_results where not suppressed")
    }
    trends = rows(published, "select * from marts.specialty_trends")
    assert {(t["wave"], t["previous_wave"]) for t in trends} == {("2026", "2025")}
    # every comparable item of every specialty published in both waves, and no other
    comparable = {(s, v) for (w, s, v) in results if w == "2025" and ("2026", s, v) in results} - {
        (s, v) for (_, s, v) in results if v in REWORDED
    }
    assert {(t["specialty_code"], t["variable"]) for t in trends} == comparable
    for t in trends:
        now, before = (
            results[("2026", t["specialty_code"], t["variable"])],
            results[("2025", t["specialty_code"], t["variable"])],
        )
        change, low, high = newcombe(now["n_positive"], now["n_valid"], before["n_positive"], before["n_valid"])
        assert (t["share_positive"], t["previous_share_positive"]) == (now["share_positive"], before["share_positive"])
        assert (t["change"], t["change_ci_low"], t["change_ci_high"]) == pytest.approx((change, low, high), abs=1e-12)
        assert t["change_direction"] == direction(low, high)
    assert not {"n_valid", "n_positive", "respondents", "members"} & set(trends[0])


def test_psychiatry_moves_as_the_follow_up_wave_was_made(two_waves):
    root, _ = two_waves
    published = root / "published" / "kvis.duckdb"
    (s_3,) = rows(
        published, "select * from marts.specialty_trends where specialty_code = ? and variable = 's_3'", PSYCHIATRY
    )
    assert s_3["previous_share_positive"] == 0.64  # the fact sheet's figure for 2025
    assert s_3["specialty_name"] == "Psykiatri" and s_3["change_direction"] == "up"
    (national,) = rows(published, "select * from marts.national_trends where variable = 's_5_5'")
    assert national["change_direction"] == "down"


def test_closed_and_new_clusters_and_the_reworded_item_have_no_trend(two_waves):
    root, _ = two_waves
    published = root / "published" / "kvis.duckdb"
    clusters = {
        r["cluster_id"] for r in rows(published, "select distinct cluster_id from marts.cluster_response_trends")
    }
    assert CLOSED_CLUSTER not in clusters and NEW_CLUSTER["klynge_id"] not in clusters
    assert len(clusters) == 72  # the 73 clusters of 2025 less the closed one
    assert rows(published, "select * from marts.cluster_trends where variable = 's_7'") == []
    changes = rows(published, "select wave, previous_wave, variable, change from marts.questionnaire_changes")
    assert changes == [{"wave": "2026", "previous_wave": "2025", "variable": "s_7", "change": "reworded"}]


def test_fact_sheet_says_how_the_main_question_moved(two_waves):
    root, env = two_waves
    result = kvis(env, "report", "--wave", "2026", "--specialty", "Psykiatri")
    assert result.returncode == 0, result.stderr
    html = (root / "published" / "reports" / "faktaark" / "2026" / "psykiatri.html").read_text(encoding="utf-8")
    assert "Andelen i psykiatri er 80 pct. mod 64 pct. i 2025, en statistisk sikker stigning." in html
    assert "Andel, der svarer »i meget høj grad« eller »i høj grad«, over tid" in html  # the history chart's title
    assert "Andelen er 55 pct. mod 53 pct. i 2025; ændringen er ikke statistisk sikker." in html  # s_10


def test_declared_rewording_is_compared(two_waves, tmp_path):
    """A row in the mapping seed makes the reworded s_7 comparable: dbt builds on a copy of the project."""
    root, env = two_waves
    project = tmp_path / "dbt_project"
    shutil.copytree(REPO / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs", ".user.yml"))
    seed = project / "seeds" / "item_equivalence.csv"
    seed.write_text(seed.read_text(encoding="utf-8") + "2026,s_7,2025,s_7\n", encoding="utf-8")
    dbt_vars = yaml.safe_dump({"min_cell": 5})
    result = subprocess.run(
        [str(DBT), "build", "--project-dir", str(project), "--profiles-dir", str(project), "--vars", dbt_vars]
        + ["--exclude-resource-type", "unit_test", "--target-path", str(tmp_path / "target")]
        + ["--log-path", str(tmp_path / "target")],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "KVIS_WAREHOUSE": env["KVIS_WAREHOUSE"]},
    )
    assert result.returncode == 0, result.stdout[-3000:]
    warehouse = Path(env["KVIS_WAREHOUSE"])
    changes = rows(warehouse, "select variable, previous_variable, change from marts.questionnaire_changes")
    assert changes == [{"variable": "s_7", "previous_variable": "s_7", "change": "mapped"}]
    (national,) = rows(warehouse, "select * from marts.national_trends where variable = 's_7'")
    shares = {r["wave"]: r for r in rows(warehouse, "select * from marts.national_results where variable = 's_7'")}
    change, low, high = newcombe(
        shares["2026"]["n_positive"], shares["2026"]["n_valid"], shares["2025"]["n_positive"], shares["2025"]["n_valid"]
    )
    assert (national["change"], national["change_ci_low"], national["change_ci_high"]) == pytest.approx(
        (change, low, high), abs=1e-12
    )
    assert len(rows(warehouse, "select * from marts.specialty_trends where variable = 's_7'")) > 0


def test_every_mart_names_its_units_items_and_waves(two_waves):
    """Self-describing marts: names, item text, fieldwork dates and a wave order that follows fieldwork."""
    root, _ = two_waves
    published = root / "published" / "kvis.duckdb"
    expected_waves = {("2025", "2025-09-01", 1), ("2026", "2026-09-01", 2)}
    roster = {
        (r["wave"], r["cluster_id"]): r
        for r in rows(
            published, "select wave, cluster_id, cluster_name, specialty_name, region from marts.cluster_response"
        )
    }
    for level in ("cluster", "specialty", "national"):
        for kind in ("response", "results", "distribution"):
            table = f"marts.{level}_{kind}"
            waves = rows(
                published, f"select distinct wave, strftime(wave_start, '%Y-%m-%d') as s, wave_order from {table}"
            )
            assert {(w["wave"], w["s"], w["wave_order"]) for w in waves} == expected_waves, table
            if kind != "response":
                missing = rows(published, f"select count(*) as n from {table} where item_text is null")
                assert missing == [{"n": 0}], table
            if level == "cluster" and kind != "response":
                for r in rows(
                    published, f"select distinct wave, cluster_id, cluster_name, specialty_name, region from {table}"
                ):
                    assert r == roster[(r["wave"], r["cluster_id"])], table
    (s_3,) = rows(published, "select item_text from marts.national_results where wave = '2025' and variable = 's_3'")
    assert s_3["item_text"].startswith("I hvor høj grad vurderer du, at klyngearbejdet")


def test_removing_the_earlier_wave_takes_its_trends_along(two_waves):
    """Last in this module: it changes the publication the others read."""
    root, env = two_waves
    result = kvis(env, "remove-wave", "2025")
    assert result.returncode == 0, result.stderr
    assert "the trends of wave(s) 2026 against 2025 went with it" in result.stdout
    published = root / "published" / "kvis.duckdb"
    for table in ("cluster_trends", "national_trends", "national_response_trends", "questionnaire_changes"):
        assert rows(published, f"select * from marts.{table}") == [], table
    assert {r["wave"] for r in rows(published, "select wave from marts.national_response")} == {"2026"}
