import dagster as dg

from kvis_pipeline.orchestration.definitions import defs
from kvis_pipeline.orchestration.defs.pipeline.jobs import WAVE_JOB_NAME


def test_definitions_load_with_every_ingestion_asset_and_blocking_check():
    repository = defs().get_repository_def()
    keys = {key.to_user_string() for key in repository.asset_graph.get_all_asset_keys()}
    assert {
        "landing/cluster_roster",
        "landing/survey_export",
        "raw/cluster_roster",
        "raw/survey_respondents",
        "raw/survey_answers",
        "raw/quarantine",
        "raw/load_summary",
        "restricted/free_text_answers",
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


def test_lineage_runs_unbroken_from_the_landing_files_to_the_publication():
    graph = defs().get_repository_def().asset_graph
    published = dg.AssetKey(["published", "kvis_marts"])
    assert graph.get(published).parent_keys == {dg.AssetKey(["published", "staged_marts"])}
    upstream = graph.get(dg.AssetKey(["published", "staged_marts"])).parent_keys
    assert {key.path[1] for key in upstream} >= {"cluster_results", "specialty_distribution", "load_summary"}
    assert all(key.path[0] == "marts" for key in upstream)
    ancestors: set[dg.AssetKey] = set()
    frontier = {published}
    while frontier:
        key = frontier.pop()
        ancestors.add(key)
        frontier |= set(graph.get(key).parent_keys) - ancestors
    assert {dg.AssetKey(["landing", "survey_export"]), dg.AssetKey(["landing", "cluster_roster"])} <= ancestors
    assert graph.get(dg.AssetKey(["staging", "stg_survey_answers"])).parent_keys == {
        dg.AssetKey(["raw", "survey_answers"])
    }
    assert all(graph.get(key).partitions_def.name == "wave" for key in ancestors)


def test_dbt_tests_are_asset_checks_on_the_marts():
    graph = defs().get_repository_def().asset_graph
    checks = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}
    assert ("marts/cluster_results", "row_rules_cluster_results") in checks
    assert ("marts/cluster_results", "every_item_at_every_level") in checks
    assert ("marts/load_summary", "row_rules_load_summary") in checks
    assert ("published/staged_marts", "great_expectations") in checks
