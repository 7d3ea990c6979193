"""Dagster's SQLite event log, keeping each database's engine open instead of creating one for every statement, and
storing a batch of events in one transaction per database."""

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import dagster as dg
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine

# The run databases a process keeps open: the runs it is writing, or a few a webserver is showing.
KEPT_ENGINES = 8
# Dagster hands a storage events in batches (store_event_batch) only when this is set: the events a run plans, one
# per asset and check, which it stores before the run's first step (docs/performance.md, "The last evening").
BATCH_SIZE_VARIABLE = "DAGSTER_EVENT_BATCH_SIZE"
EVENT_BATCH_SIZE = 1000


def default_base_dir() -> str:
    """Where Dagster's default storage keeps the event log of the instance in DAGSTER_HOME."""
    return os.path.join(os.environ["DAGSTER_HOME"], "history", "runs")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage with one engine per database file, kept for the life of the instance.

    Dagster's SQLite event log creates an engine, opens a connection and closes it again for each statement; closing
    the last connection to a WAL database checkpoints it. A `kvis run` stores some 420 events per wave (a check's
    result alone opens four engines): 3-10 CPU seconds of each wave's run, as measured (docs/performance.md).
    The files, schema and locking are Dagster's own: `dagster dev` and this class read and write the same history.

    A batch of events is stored as Dagster's own store_event stores each, but in one transaction per database,
    committed once the whole batch is written.

    Overrides two private members of SqliteEventLogStorage, `_connect` and `has_table`;
    tests/unit/test_event_log.py fails on the first Dagster release that changes them.
    """

    def __init__(self, base_dir: str | None = None, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        self._batch = threading.local()  # the connections of the batch this thread is storing, by database
        super().__init__(base_dir or default_base_dir(), inst_data=inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {"base_dir": dg.Field(dg.StringSource, is_required=False)}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: dict[str, Any]
    ) -> "PooledSqliteEventLogStorage":
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
                )
                self._engines[shard] = engine
                while len(self._engines) > KEPT_ENGINES:
                    self._engines.popitem(last=False)[1].dispose()
            self._engines.move_to_end(shard)
            return engine

    def _initialized_engine(self, shard: str) -> Engine:
        engine = self._engine(shard)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        batch: dict[str, Connection] | None = getattr(self._batch, "connections", None)
        if batch is not None:  # within store_event_batch, which holds the lock
            if shard not in batch:
                batch[shard] = self._initialized_engine(shard).connect()
                batch[shard].begin()
            yield batch[shard]
            return
        with self._db_lock, self._initialized_engine(shard).connect() as conn, conn.begin():
            yield conn

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """Store the events as store_event does, in one transaction per database; when one of them fails to store,
        nothing of the batch is kept (Dagster then stores its events one by one)."""
        with self._db_lock:
            self._batch.connections = batch = {}
            try:
                for event in events:
                    self.store_event(event)
                for connection in batch.values():
                    connection.commit()
            finally:
                self._batch.connections = None
                for connection in batch.values():
                    connection.close()  # rolls back what was not committed

    def has_table(self, table_name: str) -> bool:
        engine = self._engine(INDEX_SHARD_NAME)
        with engine.connect() as conn:
            return bool(engine.dialect.has_table(conn, table_name))

    def _dispose_engines(self) -> None:
        with self._engines_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._dispose_engines()  # the run databases are deleted: let go of them first
        super().wipe()

    def dispose(self) -> None:
        super().dispose()
        self._dispose_engines()
