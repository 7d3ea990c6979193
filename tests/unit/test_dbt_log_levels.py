"""dbt's loggers drop events below their level before making their lines, and write the same lines as before."""

import hashlib
import importlib.metadata
import inspect
import io
import json

import pytest
from dbt_common.events import event_manager, logger
from dbt_common.events.base_types import EventLevel
from dbt_common.events.functions import get_stdout_config
from dbt_common.events.logger import LineFormat
from dbt_common.events.types import Note, PrintEvent

from kvis_pipeline.orchestration import dbt_log_levels

# What dbt_log_levels mirrors or wraps, as read in dbt-common 1.39.0 (SHA-256 of inspect.getsource).
PINNED = {
    "_Logger.write_line": "1ce27e38a9ea4111",
    "send_to_logger": "9b53be7bc2804132",
    "_is_print_event": "94da0862028d51d2",
    "EventManager.add_logger": "4ced43231e867cda",
}

EVENTS = [
    (Note(msg="a query"), EventLevel.DEBUG),
    (Note(msg="a node started"), EventLevel.INFO),
    (Note(msg="a deprecation"), EventLevel.WARN),
    (Note(msg="a node failed"), EventLevel.ERROR),
    (PrintEvent(msg="printed even when quiet"), None),
    (Note(msg="another query"), EventLevel.DEBUG),
]


def _digest(member: object) -> str:
    return hashlib.sha256(inspect.getsource(member).encode()).hexdigest()[:16]


def test_the_members_mirrored_are_those_read():
    members = {
        "_Logger.write_line": logger._Logger.write_line,
        "send_to_logger": logger.send_to_logger,
        "_is_print_event": logger._is_print_event,
        "EventManager.add_logger": dbt_log_levels._add_logger,
    }
    changed = {name for name, member in members.items() if _digest(member) != PINNED[name]}
    assert not changed, (
        f"dbt-common {importlib.metadata.version('dbt-common')} changed {', '.join(sorted(changed))}: "
        "check kvis_pipeline/orchestration/dbt_log_levels.py against it, then update PINNED"
    )


def _fire_all(level: EventLevel) -> tuple[list[tuple[str, str]], int]:
    """The lines a JSON stdout logger at `level` writes for EVENTS (name and message), and how many lines it made."""
    manager = event_manager.EventManager()
    stream = io.StringIO()
    config = get_stdout_config(LineFormat.Json, use_colors=False, level=level, log_cache_events=False)
    config.output_stream = stream
    manager.add_logger(config)
    made = []
    create_line = manager.loggers[0].create_line
    manager.loggers[0].create_line = lambda message: made.append(message) or create_line(message)
    for event, event_level in EVENTS:
        manager.fire_event(event, level=event_level)
    written = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [(line["info"]["level"], line["data"]["msg"]) for line in written], len(made)


@pytest.mark.parametrize("level", [EventLevel.DEBUG, EventLevel.INFO, EventLevel.ERROR])
def test_the_same_lines_are_written_and_only_those_are_made(level, monkeypatch):
    monkeypatch.setattr(event_manager.EventManager, "add_logger", dbt_log_levels._add_logger)
    written_before, made_before = _fire_all(level)
    dbt_log_levels.drop_events_below_level()
    written_after, made_after = _fire_all(level)

    assert written_after == written_before
    assert made_before == len(EVENTS)
    assert made_after == len(written_after)


def test_at_info_the_queries_are_dropped_and_the_rest_written(monkeypatch):
    monkeypatch.setattr(event_manager.EventManager, "add_logger", dbt_log_levels._add_logger)
    dbt_log_levels.drop_events_below_level()
    written, made = _fire_all(EventLevel.INFO)
    assert written == [
        ("info", "a node started"),
        ("warn", "a deprecation"),
        ("error", "a node failed"),
        ("info", "printed even when quiet"),
    ]
    assert made == 4
