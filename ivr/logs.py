"""Where the app's own log lines go when it serves calls: gunicorn's error log, or stderr.

The app logs through the loggers under ``ivr`` (``ivr.live.menus``,
``ivr.calllog.writer``...; Flask's ``app.logger`` is ``ivr`` too). Serving,
they go, from ``IVR_LOG_LEVEL`` up (INFO by default), once, with a time, the
process and the level, as gunicorn writes its own lines:

    [2026-12-02 13:09:08 +0000] [4242] [INFO] menus: serving version 5d41402abc4b (from the source)

- under gunicorn, to its error log, whatever that is (stderr by default,
  ``--error-logfile``, syslog), from the master on: gunicorn.conf.py's logger
  class calls ``to_gunicorn`` before the app is loaded (``preload_app``), and
  the workers inherit it;
- under ``flask run`` (``scripts/dev``), to stderr: the app factory calls
  ``to_stderr``.

Nothing is set up elsewhere: in tests and commands (``flask db upgrade``,
``flask menus check``) the ``ivr`` loggers stay as Python leaves them, and
records reach the root logger (pytest's ``caplog``). Serving, the ``ivr``
logger does not pass its records on to the root logger as well: a root
handler set up by someone else would write every line twice. The app never
logs a caller's number; keep it so.
"""

from __future__ import annotations

import logging
import sys

NAME = "ivr"
FORMAT = "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"  # gunicorn's error_fmt
DATE_FORMAT = "[%Y-%m-%d %H:%M:%S %z]"                           # and its datefmt


class ToLogger(logging.Handler):
    """Hands each record to another logger's handlers, as they are when it comes.

    gunicorn replaces its handlers when it reopens its log files or reloads
    its settings (``HUP``); the records follow without setting anything up
    again. The app's level decides which records come here, not gunicorn's.
    """

    def __init__(self, target: logging.Logger) -> None:
        super().__init__()
        self.target = target

    def emit(self, record: logging.LogRecord) -> None:
        self.target.handle(record)


def to_gunicorn(error_log: logging.Logger, level: str) -> None:
    """Send the app's records of ``level`` (a name: ``INFO``) and above to gunicorn's error
    log (its logger ``gunicorn.error``)."""
    _send_to(ToLogger(error_log), level)


def to_stderr(level: str) -> None:
    """Send the app's records of ``level`` and above to stderr, formatted as gunicorn's."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT, DATE_FORMAT))
    _send_to(handler, level)


def _send_to(handler: logging.Handler, level: str) -> None:
    """Make ``handler`` the one way out of the ``ivr`` loggers, from ``level`` up.

    Called again (gunicorn reloading its settings), it replaces the handler it
    set before. When the ``ivr`` logger already has handlers of someone else
    (gunicorn's ``logconfig_dict`` naming it), they are left as they are.
    """
    logger = logging.getLogger(NAME)
    ours = [h for h in logger.handlers if getattr(h, "_ivr_serving", False)]
    if len(ours) != len(logger.handlers):
        return
    for old in ours:
        logger.removeHandler(old)
    handler._ivr_serving = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
