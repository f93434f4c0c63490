"""``reviewbait corpus``: validate the labeled corpus, count it, keep its split."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    """Validate the labeled corpus, print its counts, and optionally rewrite the fixed split.

    Needs a clone of the repository: the corpus (data/) is not in the installed package.

    Example: reviewbait corpus --stats
    """
    import pandas as pd

    from reviewbait.training.corpus import data_dir, extend_split, load_corpus, load_split, make_split
    from reviewbait.training.datasheet import counts_markdown

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


def setup(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stats", action="store_true", help="print the counts table (default)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--write-split", action="store_true", help="recompute data/split.csv (changes the test set!)")
    how.add_argument(
        "--extend-split", action="store_true", help="assign new rows in data/split.csv, keeping every existing row"
    )
