"""``python -m reviewbait``: the same command line as ``reviewbait``."""

from reviewbait.cli import run

if __name__ == "__main__":
    run()
