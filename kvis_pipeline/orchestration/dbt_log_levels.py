"""dbt's loggers made to drop an event below their level before writing its line, not after.

dbt-common's loggers turn every event into a line (JSON for dagster-dbt, with every value of the environment
scrubbed from it) and only then hand the line to a Python logger, whose level drops it. A build at the default
level `info` fires some 2,200 events, of which about 160 are written (what the rest cost: docs/performance.md, "The
early morning"). Each logger's filter now also asks its Python logger first. The lines written are the same, in the
same order; a logger at `debug` (`--debug`, `--log-level debug`) still writes all.

Written by hand because dbt has no switch for it: the level is applied only inside `_Logger.write_line`
(tests/unit/test_dbt_log_levels.py holds the members this mirrors to the dbt-common release they were read in).
"""

import logging
from typing import Any

from dbt_common.events import event_manager
from dbt_common.events.logger import _is_print_event

# The Python level each event level is sent at, as dbt_common.events.logger.send_to_logger sends it.
_PYTHON_LEVELS = {
    "test": logging.DEBUG,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "error": logging.ERROR,
}
_PRINTED_AT = logging.ERROR  # write_line sends print events as errors, so that --quiet keeps them

_add_logger = event_manager.EventManager.add_logger


def _written_at(message: Any) -> int:
    return _PRINTED_AT if _is_print_event(message) else _PYTHON_LEVELS.get(message.info.level, logging.CRITICAL)


def _add_logger_dropping_early(self: event_manager.EventManager, config: Any) -> None:
    _add_logger(self, config)
    logger = self.loggers[-1]
    python_logger = getattr(logger, "_python_logger", None)
    if python_logger is None:  # nothing to ask: the logger is left as dbt made it
        return
    dbt_filter = logger.filter
    logger.filter = lambda message: python_logger.isEnabledFor(_written_at(message)) and dbt_filter(message)


def drop_events_below_level() -> None:
    """From now on, in this process, each logger dbt adds drops events below its level before making their lines."""
    event_manager.EventManager.add_logger = _add_logger_dropping_early
