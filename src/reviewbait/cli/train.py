"""``reviewbait train``: the bundled model from data/, or a model of your own rows."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any


def run(args: argparse.Namespace) -> int:
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
        return _train_user(args)
    from reviewbait.artifact import bundled_model_dir
    from reviewbait.training.card import update_readme_metrics
    from reviewbait.training.corpus import clone_root, data_dir
    from reviewbait.training.train import SEED, train_and_save

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


def _train_user(args: Any) -> int:
    """`reviewbait train --data ...`: a model of the user's own rows."""
    from reviewbait.artifact import bundled_model_dir, default_model_dir
    from reviewbait.training.corpus import clone_root
    from reviewbait.training.retrain import DEFAULT_USER_OUTPUT, UserDataError, train_user_model

    if not args.data:
        raise UserDataError("--no-base needs --data FILE: the rows to train on")
    output = Path(args.output or DEFAULT_USER_OUTPUT)
    if output.resolve() in (bundled_model_dir().resolve(), default_model_dir().resolve()):
        raise UserDataError(
            f"-o {output} is the bundled model's directory; write your model elsewhere, e.g. -o {DEFAULT_USER_OUTPUT}/"
        )
    no_base = args.no_base
    if not no_base and clone_root() is None:
        print(
            "note: the installed package has no bundled corpus (it is in a clone's data/): "
            "training on your rows alone, as with --no-base",
            file=sys.stderr,
        )
        no_base = True
    text_column = getattr(args, "text_column", None) or "text"
    id_column = getattr(args, "id_column", None) or "id"
    # the command that rebuilds this model: every option that changes it, quoted for a shell
    command = "reviewbait train " + " ".join(f"--data {shlex.quote(str(d))}" for d in args.data)
    if text_column != "text":
        command += f" --text-column {shlex.quote(text_column)}"
    if id_column != "id":
        command += f" --id-column {shlex.quote(id_column)}"
    if args.seed is not None:
        command += f" --seed {args.seed}"
    command += (" --no-base" if no_base else "") + f" -o {shlex.quote(str(output))}"
    manifest = train_user_model(
        args.data,
        output,
        base=not no_base,
        seed=args.seed,
        text_column=text_column,
        id_column=id_column,
        command=command,
        log=sys.stderr,
    )
    for note in manifest["notes"]:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {output / manifest['artifact']} (sha256 {manifest['sha256'][:16]}...)")
    for name, metrics in manifest["metrics"]["train_cv"].items():
        if isinstance(metrics, dict):
            print(
                f"  {name:9s} threshold={manifest['thresholds'][name]:.3f} (cross-validated) "
                f"precision={metrics['precision']} recall={metrics['recall']} F1={metrics['f1']}"
            )
    print(f"  trained in {manifest['training_seconds']} s; use it with --model {output}")
    return 0


def setup(p: argparse.ArgumentParser) -> None:
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
