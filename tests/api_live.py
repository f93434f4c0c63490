"""A real uvicorn server on 127.0.0.1 in a background thread, for the API tests."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import asdict
from typing import Any

import uvicorn
from fastapi import FastAPI

from reviewbait.api import Settings, server_config
from reviewbait.detector import Verdict


class LiveServer:
    """Serves ``app`` on a free port of 127.0.0.1 (socket bound first: no port race)."""

    def __init__(self, app: FastAPI, settings: Settings | None = None) -> None:
        self.app = app
        # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only then
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        options: dict[str, Any] = {"log_level": "warning", "lifespan": "on", "timeout_graceful_shutdown": 5}
        if settings is not None:  # as `reviewbait serve` runs it: timeouts and a connection limit
            config = server_config(app, settings, **options)
        else:
            config = uvicorn.Config(app, access_log=False, **options)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the API server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


def expected(verdict: Verdict) -> dict[str, Any]:
    """What the API must answer for this library verdict."""
    return {
        "probability": verdict.probability,
        "is_solicitation": verdict.is_solicitation,
        "category": verdict.category,
        "incentive_type": verdict.incentive_type,
        "sentiment_conditioned": verdict.sentiment_conditioned,
        "evidence": [asdict(e) for e in verdict.evidence],
    }
