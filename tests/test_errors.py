"""One error base: the CLI reports project errors as bad input (exit 2), anything else as a bug (exit 1)."""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil

import pytest

import reviewbait
from reviewbait import ReviewbaitError, cli
from reviewbait.errors import ISSUES_URL


def _project_error_classes() -> list[type[BaseException]]:
    """Every exception class defined in a reviewbait module (the API server's and extras' too)."""
    found = []
    for module_info in pkgutil.walk_packages(reviewbait.__path__, "reviewbait."):
        if module_info.name.rpartition(".")[2] in ("__main__", "forkserver_preload"):
            continue
        module = importlib.import_module(module_info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Exception) and not issubclass(obj, Warning) and obj.__module__ == module.__name__:
                found.append(obj)
    return found


# Exceptions used for control flow inside a module, never raised to a caller.
INTERNAL = {"ProblemError", "_BodyTooLarge", "_BodyTimeout", "_DuplicateKey", "_Stopped"}


def test_every_project_error_derives_from_reviewbait_error_and_keeps_its_builtin_base() -> None:
    classes = {cls.__name__: cls for cls in _project_error_classes()}
    assert {"CorpusError", "ModelIntegrityError", "ModelVersionError", "BatchError", "TableError"} <= set(classes)
    for name, cls in classes.items():
        if name not in INTERNAL:
            assert issubclass(cls, ReviewbaitError), name
    assert issubclass(classes["CorpusError"], ValueError) and issubclass(classes["BatchError"], ValueError)
    assert issubclass(classes["ModelIntegrityError"], RuntimeError)
    assert issubclass(classes["ModelNotFoundError"], FileNotFoundError)
    assert reviewbait.ReviewbaitError is ReviewbaitError and "ReviewbaitError" in reviewbait.__all__


def _main_with(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> int:
    """Run the CLI's `explain` command with its body replaced by one that raises ``error``."""

    def broken(args: argparse.Namespace) -> int:
        """Explain, broken."""
        raise error

    name = "explain"
    _, setup = cli.COMMANDS[name]
    monkeypatch.setitem(cli.COMMANDS, name, (broken, setup))
    return cli.main([name, "some text"])


def test_a_project_error_is_bad_input_in_one_line(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from reviewbait.training.corpus import CorpusError

    code = _main_with(monkeypatch, CorpusError("data/rows/x.csv: label is not 0 or 1"))
    err = capsys.readouterr().err
    assert code == 2
    assert err == "reviewbait: error: data/rows/x.csv: label is not 0 or 1\n"


@pytest.mark.parametrize("error", [ValueError("list index"), KeyError("column"), RuntimeError("oops"), TypeError("x")])
def test_any_other_exception_is_a_bug_with_traceback_and_where_to_report(
    monkeypatch: pytest.MonkeyPatch, capsys, error: Exception
) -> None:
    code = _main_with(monkeypatch, error)
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback (most recent call last)" in err and type(error).__name__ in err
    last = err.strip().splitlines()[-1]
    assert "bug in reviewbait" in last and ISSUES_URL in last
    assert "reviewbait: error:" not in err  # not reported as bad input


def test_a_missing_input_file_is_still_bad_input(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    code = _main_with(monkeypatch, FileNotFoundError("no such file: posts.csv"))
    assert code == 2 and "no such file: posts.csv" in capsys.readouterr().err


def test_a_bad_threshold_from_the_library_is_a_project_error(tiny_detector) -> None:
    with pytest.raises(ReviewbaitError, match="unknown operating point"):
        tiny_detector.resolve_threshold("loose")
    with pytest.raises(ValueError):  # callers catching ValueError keep working
        tiny_detector.resolve_threshold(1.5)
    with pytest.raises(KeyError):
        import pandas as pd

        tiny_detector.score_frame(pd.DataFrame({"a": ["x"]}), "text")
