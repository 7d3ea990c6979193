import dagster as dg

from kvis_pipeline.definitions import defs
from kvis_pipeline.defs.pipeline.jobs import WAVE_JOB_NAME


def test_definitions_load_with_every_ingestion_asset_and_blocking_check():
    repository = defs().get_repository_def()
    keys = {key.to_user_string() for key in repository.asset_graph.get_all_asset_keys()}
    assert {
        "landing/cluster_roster", "landing/survey_export", "raw/cluster_roster", "raw/survey_respondents",
        "raw/survey_answers", "raw/quarantine", "raw/load_summary", "restricted/free_text_answers",
    } <= keys
    specs = [repository.asset_graph.get_check_spec(key) for key in repository.asset_graph.asset_check_keys]
    checks = {(spec.asset_key.to_user_string(), spec.name): spec for spec in specs}
    assert ("raw/load_summary", "every_row_accounted_for") in checks
    assert ("raw/survey_respondents", "respondents_schema") in checks
    assert all(spec.blocking for spec in checks.values())
    assert repository.get_job(WAVE_JOB_NAME).partitions_def.name == "wave"


def test_raw_tables_lie_downstream_of_the_landing_files():
    graph = defs().get_repository_def().asset_graph
    upstream = graph.get(dg.AssetKey(["raw", "survey_answers"])).parent_keys
    assert dg.AssetKey(["landing", "survey_export"]) in upstream
    assert dg.AssetKey(["raw", "cluster_roster"]) in upstream
