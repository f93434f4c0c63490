"""The ``reviewbait`` console script: Ctrl-C while the program starts ends in one line.

Importing the command line loads numpy, pandas and scikit-learn (half a second or more); a
KeyboardInterrupt raised in there prints a traceback, or, inside an extension module, is
lost. This module imports nothing heavy: it holds Ctrl-C and SIGTERM while the rest loads
(see :mod:`reviewbait.interrupts`), then runs :func:`reviewbait.cli.run`.
"""

from __future__ import annotations

import sys

__all__ = ["run"]


def run() -> None:
    from reviewbait.interrupts import signals_deferred

    try:
        with signals_deferred():
            from reviewbait import cli
    except KeyboardInterrupt:
        print("reviewbait: interrupted", file=sys.stderr)
        sys.excepthook = _quiet_keyboard_interrupt
        raise  # ends the process by SIGINT, as cli.run does (a shell loop around it stops)
    cli.run()


def _quiet_keyboard_interrupt(kind: type[BaseException], value: BaseException, traceback: object) -> None:
    if not issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, traceback)  # type: ignore[arg-type]
