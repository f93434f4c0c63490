"""The command line, one module per command (``setup(parser)``, ``run(args)``), wired by :mod:`.entrypoint`.

This package's own module is the ``reviewbait`` console script and ``python -m reviewbait``:
Ctrl-C while the program starts ends in one line.

Importing the command line loads numpy, pandas and scikit-learn (half a second or more); a
KeyboardInterrupt raised in there prints a traceback, or, inside an extension module, is
lost. This module imports nothing heavy: it holds Ctrl-C and SIGTERM while the rest loads
(see :mod:`reviewbait.io.interrupts`), then runs :func:`reviewbait.cli.entrypoint.run`.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["COMMANDS", "build_parser", "main", "run"]


def run() -> None:
    from reviewbait.io.interrupts import signals_deferred

    try:
        with signals_deferred():
            from reviewbait.cli import entrypoint
    except KeyboardInterrupt:
        print("reviewbait: interrupted", file=sys.stderr)
        sys.excepthook = _quiet_keyboard_interrupt
        raise  # ends the process by SIGINT, as entrypoint.run does (a shell loop around it stops)
    entrypoint.run()


def _quiet_keyboard_interrupt(kind: type[BaseException], value: BaseException, traceback: object) -> None:
    if not issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, traceback)  # type: ignore[arg-type]


def __getattr__(name: str) -> Any:
    # main, COMMANDS and build_parser, imported on first use (see the module docstring)
    if name in ("COMMANDS", "build_parser", "main"):
        from reviewbait.cli import entrypoint

        return getattr(entrypoint, name)
    raise AttributeError(f"module 'reviewbait.cli' has no attribute {name!r}")
