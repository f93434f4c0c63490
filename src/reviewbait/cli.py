"""Command line: a thin layer over the library. ``reviewbait --help`` lists the commands.

Each command's help text is its function's docstring, so the two cannot drift apart.
Exit codes: 0 success, 1 a bug (traceback and where to report it), 2 bad input or usage
(a :class:`~reviewbait.errors.ReviewbaitError`, or a path that cannot be used), 143 terminated
(SIGTERM). Ctrl-C cleans up, prints one line and ends the process by SIGINT, so the shell
reports 130 and a shell loop around the command stops too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reviewbait import batch, report, triage
from reviewbait.errors import ISSUES_URL, ReviewbaitError
from reviewbait.options import add_model_options, load_detector

__all__ = ["COMMANDS", "main", "run"]


class UsageError(ReviewbaitError):
    """Bad input or usage: printed as one line, exit code 2."""


def cmd_train(args: argparse.Namespace) -> int:
    """Rebuild the bundled model from data/ (seeded, deterministic): artifact, manifest and card.

    Needs a clone of the repository (data/ is not in the installed package); by default it
    writes the package's own model directory, src/reviewbait/models/.

    With --data, train on your own labeled rows (same columns as data/rows/*.csv), merged with
    the bundled corpus's train split unless --no-base; use the result with --model DIR. From an
    installed package, where there is no corpus, your rows alone are used (as with --no-base).

    Example: reviewbait train
    Example: reviewbait train --data my_rows.csv -o models/mine/
    """
    if args.data or args.no_base:
        from reviewbait.retrain import cmd_train_user

        return cmd_train_user(args)
    from reviewbait.artifact import bundled_model_dir
    from reviewbait.card import update_readme_metrics
    from reviewbait.corpus import clone_root, data_dir
    from reviewbait.train import SEED, train_and_save

    data_dir()  # a clear error, before any work, when there is no corpus
    output = Path(args.output) if args.output else bundled_model_dir()
    command = "reviewbait train" + (f" -o {args.output}" if args.output else "")
    manifest = train_and_save(output, seed=args.seed if args.seed is not None else SEED, command=command)
    test = manifest["metrics"]["test"]
    print(f"wrote {output / manifest['artifact']} (sha256 {manifest['sha256'][:16]}...)")
    for name, metrics in test.items():
        print(
            f"  {name:9s} threshold={manifest['thresholds'][name]:.3f} PR-AUC={metrics['pr_auc']} "
            f"precision={metrics['precision']} recall={metrics['recall']} F1={metrics['f1']}"
        )
    print(f"  trained in {manifest['training_seconds']} s")
    root = clone_root()
    readme = root / "README.md" if root is not None else None
    shipped = output.resolve() == bundled_model_dir().resolve()
    if shipped and readme is not None and readme.exists() and update_readme_metrics(readme, manifest):
        print(f"  updated the metrics table of {readme}")
    return 0


def cmd_corpus(args: argparse.Namespace) -> int:
    """Validate the labeled corpus, print its counts, and optionally rewrite the fixed split.

    Needs a clone of the repository: the corpus (data/) is not in the installed package.

    Example: reviewbait corpus --stats
    """
    import pandas as pd

    from reviewbait.corpus import data_dir, extend_split, load_corpus, load_split, make_split
    from reviewbait.datasheet import counts_markdown

    split_path = data_dir() / "split.csv"
    corpus = load_corpus()
    if args.write_split:
        make_split(corpus).to_csv(split_path, index=False)
        print(f"wrote {split_path}")
    elif args.extend_split:
        previous = pd.read_csv(split_path, dtype={"id": str, "split": str, "group": int})
        extended = extend_split(corpus, previous)
        added = int((~extended["id"].isin(previous["id"])).sum())
        extended.to_csv(split_path, index=False)
        print(f"wrote {split_path}: {added} new rows assigned, every existing row kept on its side")
    print(counts_markdown(load_split(corpus)))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    """Print the verdict for one text with its evidence highlighted.

    Example: reviewbait explain "Leave 5 stars and get a free phone case!"
    """
    from reviewbait.explain import render_verdict

    detector = load_detector(args)
    text = args.text if args.text != "-" else sys.stdin.read()
    verdict = detector.check(text)
    if args.json:
        print(json.dumps(_verdict_dict(verdict), ensure_ascii=False, indent=2))
    else:
        print(render_verdict(text, verdict, color=sys.stdout.isatty() and not args.no_color))
    return 0


def _verdict_dict(verdict: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(verdict)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the detector over HTTP (FastAPI on uvicorn; needs `pip install reviewbait[api]`).

    Settings come from REVIEWBAIT_* variables, and flags override them. REVIEWBAIT_API_KEY
    (environment only) makes /v1/* require 'Authorization: Bearer <key>'. See docs/api.md.
    The moderators' page is at / (docs/page.md).

    Example: reviewbait serve --port 8000 --workers 2
    """
    try:
        from reviewbait.api import Settings, serve
    except ImportError as exc:
        raise UsageError(f"the API needs its extra: pip install 'reviewbait[api]' ({exc})") from None

    settings = Settings.from_env(
        model_dir=Path(args.model) if args.model else None,
        threshold=args.threshold,
        max_batch=args.max_batch,
        max_chars=args.max_chars,
        max_body_bytes=args.max_body_bytes,
        max_upload_bytes=args.max_upload_bytes,
        cors_origins=tuple(args.cors_origin) if args.cors_origin else None,
        header_timeout=args.header_timeout,
        body_timeout=args.body_timeout,
        idle_timeout=args.idle_timeout,
        max_connections=args.max_connections,
    )
    if args.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {args.workers}")
    serve(settings, host=args.host, port=args.port, workers=args.workers)
    return 0


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], Callable[[argparse.ArgumentParser], None]]] = {}


def _setup_train(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-o",
        "--output",
        default=None,
        help="directory for artifact, manifest and card (default: the bundled model's; with --data: models/mine)",
    )
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the recorded one)")
    p.add_argument("--data", action="append", default=[], metavar="FILE", help="your labeled rows (repeatable)")
    p.add_argument("--no-base", action="store_true", help="with --data: do not add the bundled corpus")
    p.add_argument("--text-column", default="text", help="with --data: column holding the text (default: text)")
    p.add_argument("--id-column", default="id", help="with --data: column holding the row id (default: id)")


def _setup_corpus(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stats", action="store_true", help="print the counts table (default)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--write-split", action="store_true", help="recompute data/split.csv (changes the test set!)")
    how.add_argument(
        "--extend-split", action="store_true", help="assign new rows in data/split.csv, keeping every existing row"
    )


def _setup_explain(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", help="the text to explain, or - to read it from standard input")
    p.add_argument("--json", action="store_true", help="print the verdict as JSON")
    p.add_argument("--no-color", action="store_true", help="mark evidence with [brackets] instead of colour")
    add_model_options(p)


def _setup_serve(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes, one model each (default: 1)")
    p.add_argument("--model", default=None, help="model directory (default: REVIEWBAIT_MODEL_DIR or the bundled model)")
    p.add_argument(
        "--threshold", default=None, help="default operating point: 'balanced', 'precise' or a number in [0, 1]"
    )
    p.add_argument("--max-batch", type=int, default=None, help="most texts per request (default: 1000)")
    p.add_argument("--max-chars", type=int, default=None, help="longest text, in characters (default: 20000)")
    p.add_argument("--max-body-bytes", type=int, default=None, help="largest request body (default: 2 MiB)")
    p.add_argument(
        "--max-upload-bytes", type=int, default=None, help="largest file sent to the page at / (default: 20 MiB)"
    )
    p.add_argument(
        "--cors-origin", action="append", default=None, help="allow this browser origin (repeatable; default: none)"
    )
    p.add_argument("--header-timeout", type=float, default=None, help="seconds to send the headers (default: 10)")
    p.add_argument("--body-timeout", type=float, default=None, help="seconds to send the body (default: 30)")
    p.add_argument(
        "--idle-timeout", type=float, default=None, help="seconds a kept-alive connection idles (default: 5)"
    )
    p.add_argument("--max-connections", type=int, default=None, help="open connections per worker (default: 1000)")


COMMANDS.update(
    {
        "train": (cmd_train, _setup_train),
        "corpus": (cmd_corpus, _setup_corpus),
        "explain": (cmd_explain, _setup_explain),
        "serve": (cmd_serve, _setup_serve),
        "score": (batch.cmd_score, batch.setup_score),
        "report": (batch.cmd_report, batch.setup_report),
        "evaluate": (report.cmd_evaluate, report.setup_evaluate),
        "triage": (triage.cmd_triage, triage.setup_triage),
    }
)


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
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
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


def _quiet_keyboard_interrupt(kind: type[BaseException], value: BaseException, traceback: Any) -> None:
    """The one line is printed already; any other exception is reported as usual."""
    if not issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, traceback)


if __name__ == "__main__":
    run()
