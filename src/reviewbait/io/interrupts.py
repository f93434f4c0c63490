"""Holding Ctrl-C and SIGTERM while a command loads its model.

A KeyboardInterrupt raised inside an extension module's initialisation (scipy, pyarrow) comes
out as an ImportError, or is swallowed, or (CPython 3.11, through an ``exec`` of a string)
leaves the interpreter set to die by SIGINT whatever the exit code. The commands therefore
hold these signals while they import and load, and raise them right after.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["signals_deferred"]


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while third-party modules import and the model loads.

    Raised inside an extension module's initialisation, a KeyboardInterrupt comes out as an
    ImportError or is swallowed. Held, it is raised right after, where it unwinds cleanly.
    A second signal while holding is passed on at once, so a hung load can still be stopped.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)

    def remember(signum: int, frame: Any) -> None:
        handler = previous[signum]
        if received and callable(handler):
            received.clear()  # passed on now, not again on the way out
            handler(signum, frame)
            return
        received.append(signum)

    previous: dict[int, Any] = {int(sig): signal.signal(sig, remember) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if received:
            signal.raise_signal(received[0])  # now handled by the handler that was in place
