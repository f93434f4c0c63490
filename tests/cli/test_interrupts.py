"""Signals held while a command loads its model, and raised right after."""

from __future__ import annotations

import argparse
import os
import signal

import pytest

from reviewbait.cli.options import load_detector
from reviewbait.io.interrupts import signals_deferred

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def test_signals_are_held_during_loading_and_raised_after() -> None:
    """Ctrl-C inside the deferred block (where imports run) surfaces only when it ends."""
    reached_end_of_block = False
    with pytest.raises(KeyboardInterrupt), signals_deferred():
        signal.raise_signal(signal.SIGINT)
        reached_end_of_block = True
    assert reached_end_of_block
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_second_signal_while_held_interrupts_at_once() -> None:
    reached = []
    with pytest.raises(KeyboardInterrupt), signals_deferred():
        signal.raise_signal(signal.SIGINT)
        reached.append("first")
        signal.raise_signal(signal.SIGINT)
        reached.append("second")
    assert reached == ["first"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_commands_load_their_model_with_signals_held(monkeypatch: pytest.MonkeyPatch) -> None:
    """explain, evaluate and triage load through ``load_detector``: a Ctrl-C in the middle of
    the load (where imports run) is raised only once the load has finished."""
    from reviewbait.detector import Detector

    finished = []

    def slow_load(path: object, *, threshold: object, trusted: bool) -> str:
        signal.raise_signal(signal.SIGINT)
        finished.append((path, threshold, trusted))
        return "detector"

    monkeypatch.setattr(Detector, "load", slow_load)
    args = argparse.Namespace(model="m", threshold="precise", trusted_model=False)
    with pytest.raises(KeyboardInterrupt):
        load_detector(args)
    assert finished == [("m", "precise", False)]
    del args.threshold
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert load_detector(args) == "detector"  # ignored Ctrl-C stays ignored
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    assert finished[-1] == ("m", "balanced", False)
