"""Command line: a thin layer over the library. ``reviewbait --help`` lists the commands.

Each command's help text is its function's docstring, so the two cannot drift apart.
Exit codes: 0 success, 1 a bug (traceback and where to report it), 2 bad input or usage
(a :class:`~reviewbait.errors.ReviewbaitError`, or a path that cannot be used), 143 terminated
(SIGTERM). Ctrl-C cleans up, prints one line and ends the process by SIGINT, so the shell
reports 130 and a shell loop around the command stops too.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from reviewbait.cli import _quiet_keyboard_interrupt, corpus, evaluate, explain, report, score, serve, train, triage
from reviewbait.errors import ISSUES_URL, ReviewbaitError

__all__ = ["COMMANDS", "build_parser", "main", "run"]


# The registry: name → (run, setup) of each command's module. It only wires; a command's
# help is its run() docstring. To add a command: a module here with setup(parser) and run(args).
_MODULES = {
    "train": train,
    "corpus": corpus,
    "explain": explain,
    "serve": serve,
    "score": score,
    "report": report,
    "evaluate": evaluate,
    "triage": triage,
}
COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], Callable[[argparse.ArgumentParser], None]]] = {
    name: (module.run, module.setup) for name, module in _MODULES.items()
}


def build_parser() -> argparse.ArgumentParser:
    from reviewbait import __version__

    parser = argparse.ArgumentParser(prog="reviewbait", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"reviewbait {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (func, setup) in COMMANDS.items():
        doc = (func.__doc__ or "").strip()
        p = sub.add_parser(
            name, help=doc.splitlines()[0], description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        setup(p)
        p.set_defaults(func=func)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        # building the parser imports every command: a Ctrl-C there is an interruption too
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except KeyboardInterrupt:
        return _interrupted()
    except BrokenPipeError:
        # the reader of stdout went away (`reviewbait report x | head`): not an error
        _stdout_to_devnull()
        return 0
    except (ReviewbaitError, *BAD_PATH) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"reviewbait: error: {message}", file=sys.stderr)
        return 2
    except Exception as exc:
        if type(exc).__name__ == "ArrowCancelled":  # pyarrow turns Ctrl-C inside its kernels into this
            return _interrupted()
        return _bug()


# A path the user named that cannot be used: bad input, like a ReviewbaitError. Any other
# exception that reaches main() is a bug in reviewbait.
BAD_PATH = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError, FileExistsError)


def _bug() -> int:
    """Print the traceback and one line saying it is a bug and where to report it; exit 1."""
    import traceback

    from reviewbait import __version__

    traceback.print_exc()
    print(
        f"reviewbait: this is a bug in reviewbait {__version__}, not a problem with your input; "
        f"please report it, with the traceback above, on {ISSUES_URL}",
        file=sys.stderr,
    )
    return 1


INTERRUPTED = 130


def _stdout_to_devnull() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _interrupted() -> int:
    print("reviewbait: interrupted", file=sys.stderr)
    return INTERRUPTED


def run() -> None:
    """Program entry point: :func:`main`, but a run stopped by Ctrl-C ends by SIGINT.

    A shell stops a loop around a command only if the command died of SIGINT; an exit
    status of 130 tells it the command handled Ctrl-C, and the loop goes on (CPython's own
    reasoning, bpo-1054041). After cleaning up and printing one line, the KeyboardInterrupt
    is raised again, quietly: the interpreter then shuts down as usual (exit handlers run,
    worker pools release their semaphores) and ends by SIGINT. SIGTERM exits with 143.
    """
    code = main()
    if code == INTERRUPTED:
        sys.excepthook = _quiet_keyboard_interrupt
        raise KeyboardInterrupt
    sys.exit(code)
