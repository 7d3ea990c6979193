"""The dbt build of the waves being run: staging, intermediate and marts, with their tests as checks."""

import shutil

import dagster as dg
from dagster_dbt import DagsterDbtCliRuntimeError, DbtCliResource, dbt_assets

from kvis_pipeline.core.background_import import import_in_background
from kvis_pipeline.core.environment import variables_set
from kvis_pipeline.core.stage_timings import timed
from kvis_pipeline.orchestration.broken_rules import with_broken_rules
from kvis_pipeline.orchestration.dbt import (
    KvisDbtTranslator,
    build_target,
    dbt_project,
    ensure_manifest,
)
from kvis_pipeline.orchestration.dbt_build import build_arguments, build_environment, build_vars
from kvis_pipeline.orchestration.defs.resources import KvisSettings
from kvis_pipeline.orchestration.partitions import wave_partitions
from kvis_pipeline.warehouse.store import connect, select_build_waves


@dbt_assets(
    manifest=ensure_manifest(dbt_project),
    project=dbt_project,
    partitions_def=wave_partitions,
    dagster_dbt_translator=KvisDbtTranslator(),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, kvis: KvisSettings):
    """Staging, intermediate and mart models; dbt tests run as asset checks. Marts replace the wave's rows only."""
    settings = kvis.settings()
    with connect(settings.warehouse) as con:
        select_build_waves(con, [context.partition_key])
    with timed("dbt"):  # includes Dagster's handling of the streamed events, a small part
        target = build_target()
        try:  # each build has a target folder of its own; only the parse dbt keeps outlives it
            with variables_set(build_environment(settings)):  # for dbt, which dagster-dbt starts, to inherit
                invocation = dbt.cli(build_arguments(build_vars(settings)), context=context, target_path=target)
            # the GX check that follows imports Great Expectations, which is slow: done while dbt works in its own
            # process, started once dbt's is (the import's thread would slow the start)
            import_in_background("kvis_pipeline.publish.expectations")
            try:
                yield from invocation.stream()
            except DagsterDbtCliRuntimeError as failed:
                explained = with_broken_rules(failed, target, dbt_project.manifest_path, settings.warehouse)
                if explained is failed:
                    raise
                raise explained from failed
        finally:
            shutil.rmtree(target, ignore_errors=True)
