"""Slow and hostile clients against a real server on 127.0.0.1, configured as `reviewbait serve`
runs it: headers and body have deadlines, idle connections close, connections are capped, and a
body that cannot be parsed is answered with its true reason. Every loop here is bounded."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api_live import LiveServer
from reviewbait.api import Settings, create_app

TIMEOUT = 1.0  # seconds, for the headers and for the body
PATIENCE = 20.0  # how long a test trickles before it calls the server's deadline missing


@pytest.fixture(scope="module")
def server(tiny_model_dir: Path) -> Iterator[LiveServer]:
    settings = Settings(
        model_dir=tiny_model_dir, header_timeout=TIMEOUT, body_timeout=TIMEOUT, idle_timeout=1, max_connections=20
    )
    with LiveServer(create_app(settings), settings) as live:
        yield live


def _connect(server: LiveServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=PATIENCE)
    sock.settimeout(0.1)
    return sock


def _trickle_until_closed(sock: socket.socket, data: bytes) -> tuple[bytes, float]:
    """Send ``data`` one byte every 0.1 s (cycling) until the server closes; return what it said."""
    started = time.monotonic()
    received = b""
    position = 0
    while time.monotonic() - started < PATIENCE:
        try:
            sock.sendall(data[position % len(data) : position % len(data) + 1])
        except (BrokenPipeError, ConnectionResetError):
            break
        position += 1
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            break
        if not chunk:
            break
        received += chunk
    else:
        pytest.fail(f"the server kept a trickling connection open for {PATIENCE} s")
    return received, time.monotonic() - started


def test_trickled_headers_are_cut_off(server: LiveServer) -> None:
    with _connect(server) as sock:
        said, seconds = _trickle_until_closed(sock, b"GET /healthz HTTP/1.1\r\nhost: x\r\n" + b"x-pad: y\r\n" * 500)
    assert said.startswith(b"HTTP/1.1 408 "), said
    assert seconds < PATIENCE


def test_a_silent_connection_is_closed(server: LiveServer) -> None:
    with _connect(server) as sock:
        sock.settimeout(PATIENCE)
        said = sock.recv(65536)
        assert said.startswith(b"HTTP/1.1 408 ")
        assert sock.recv(65536) == b""


def test_the_next_request_on_a_kept_alive_connection_has_a_deadline_too(server: LiveServer) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        sock.settimeout(PATIENCE)
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 ")
        sock.settimeout(0.1)
        said, _ = _trickle_until_closed(sock, b"GET /healthz HTTP/1.1\r\nhost: x\r\n" + b"x-pad: y\r\n" * 500)
    assert b" 200 " not in said


def test_a_trickled_body_is_cut_off_with_a_problem(server: LiveServer) -> None:
    body = b'{"text": "' + b"a" * 5000 + b'"}'
    head = b"POST /v1/check HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
    with _connect(server) as sock:
        sock.sendall(head + b"content-length: %d\r\n\r\n" % len(body))
        said, _ = _trickle_until_closed(sock, body)
    assert said.startswith(b"HTTP/1.1 408 "), said
    assert b"body_timeout" in said and b"application/problem+json" in said


def test_connections_are_capped(tiny_model_dir: Path) -> None:
    settings = Settings(model_dir=tiny_model_dir, max_connections=2, header_timeout=30)
    with LiveServer(create_app(settings), settings) as live:
        idle = [socket.create_connection(("127.0.0.1", live.port), timeout=10) for _ in range(2)]
        try:
            assert httpx.get(live.url + "/healthz", timeout=10).status_code == 503
        finally:
            for sock in idle:
                sock.close()
        deadline = time.monotonic() + 10
        status = 503
        while status == 503 and time.monotonic() < deadline:  # the server notices the closes
            status = httpx.get(live.url + "/healthz", timeout=10).status_code
        assert status == 200


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"text": "caf\xe9"}', "not UTF-8 encoded"),
        (b'{"text": "a", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
        (b'{"text": "a", "threshold": ' + b"9" * 5000 + b"}", "a number is too long"),
    ],
)
def test_each_unreadable_body_says_why(server: LiveServer, raw: bytes, reason: str) -> None:
    response = httpx.post(
        server.url + "/v1/check", content=raw, headers={"content-type": "application/json"}, timeout=30
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert reason in detail
    assert reason == "not UTF-8 encoded" or "UTF-8" not in detail


def test_timeouts_and_connection_limit_come_from_the_environment() -> None:
    env = {
        "REVIEWBAIT_HEADER_TIMEOUT": "2.5",
        "REVIEWBAIT_BODY_TIMEOUT": "7",
        "REVIEWBAIT_IDLE_TIMEOUT": "3",
        "REVIEWBAIT_MAX_CONNECTIONS": "50",
    }
    settings = Settings.from_env(env)
    assert (settings.header_timeout, settings.body_timeout, settings.idle_timeout) == (2.5, 7.0, 3.0)
    assert settings.max_connections == 50
    assert Settings.from_env(settings.to_env()) == settings
    for bad in (
        {"REVIEWBAIT_HEADER_TIMEOUT": "soon"},
        {"REVIEWBAIT_BODY_TIMEOUT": "0"},
        {"REVIEWBAIT_MAX_CONNECTIONS": "0"},
    ):
        with pytest.raises(ValueError, match=r"(?i)timeout|max_connections"):
            Settings.from_env(bad)
