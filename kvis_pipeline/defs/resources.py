import dagster as dg

from kvis_pipeline.lib.dbt_project import dbt_cli
from kvis_pipeline.lib.pseudonym import load_pseudonym_key
from kvis_pipeline.lib.settings import Settings


class KvisSettings(dg.ConfigurableResource):
    """The data contract's settings, read from the environment when a run starts."""

    def settings(self) -> Settings:
        return Settings.from_env()

    def pseudonym_key(self) -> bytes:
        return load_pseudonym_key()


@dg.definitions
def resources() -> dg.Definitions:
    # In-process: DuckDB lets one process write the warehouse, so steps must share it.
    return dg.Definitions(resources={"kvis": KvisSettings(), "dbt": dbt_cli()}, executor=dg.in_process_executor)
