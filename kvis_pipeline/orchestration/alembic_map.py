"""Alembic's map of Dagster's storage migrations, read once per configuration in a process instead of at every check.

Each time Dagster checks or stamps the revision of one of its SQLite databases (the runs, the event log's index
and each run's own, the schedules), alembic makes a new ScriptDirectory and loads every migration script again to
map them: nine times in a `kvis run` on a new site (docs/performance.md, "The early morning"). Dagster keeps one alembic
Config per kind of storage (`get_alembic_config` is cached); the ScriptDirectory made from that same object is now
kept too. What Dagster changes on its Config between calls, the connection in `attributes`, is not read by
ScriptDirectory; the migrations run (env.py) still get the Config of each call.

Written by hand because neither Dagster nor alembic offers to keep it.
"""

import weakref

from alembic.config import Config
from alembic.script import ScriptDirectory

_from_config = ScriptDirectory.from_config.__func__
_made: "weakref.WeakKeyDictionary[Config, ScriptDirectory]" = weakref.WeakKeyDictionary()


def _kept_from_config(cls: type[ScriptDirectory], config: Config) -> ScriptDirectory:
    if cls is not ScriptDirectory:  # a subclass of alembic's gets its own, as before
        return _from_config(cls, config)
    if config not in _made:
        _made[config] = _from_config(cls, config)
    return _made[config]


def keep_migration_maps() -> None:
    """From now on, in this process, one ScriptDirectory (and its map) per alembic Config object."""
    ScriptDirectory.from_config = classmethod(_kept_from_config)
