"""``reviewbait serve``: the HTTP API and the moderators' page on uvicorn."""

from __future__ import annotations

import argparse
from pathlib import Path

from reviewbait.cli.options import UsageError


def run(args: argparse.Namespace) -> int:
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


def setup(p: argparse.ArgumentParser) -> None:
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
