"""The API as deployed: API key and CORS, `reviewbait serve` as a process, concurrency, and the
OpenAPI contract checked by schemathesis, all against real servers on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api_live import LiveServer, expected
from reviewbait.api import Settings, create_app, serve
from reviewbait.detector import Detector
from reviewbait.training.corpus import load_corpus

KEY = "s3cret-key-9f8e"
ORIGIN = "https://moderation.example"


@pytest.fixture(scope="module")
def keyed(tiny_model_dir: Path) -> Iterator[LiveServer]:
    settings = Settings(model_dir=tiny_model_dir, api_key=KEY, cors_origins=(ORIGIN,))
    with LiveServer(create_app(settings)) as server:
        yield server


@pytest.fixture(scope="module")
def plain(tiny_model_dir: Path) -> Iterator[LiveServer]:
    with LiveServer(create_app(Settings(model_dir=tiny_model_dir))) as server:
        yield server


# --------------------------------------------------------------------------- API key and CORS


def _auth(token: str) -> dict[str, str]:
    return {"authorization": token}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        _auth("Bearer"),
        _auth("Bearer wrong"),
        _auth(f"Basic {KEY}"),
        _auth(f"Bearer {KEY}x"),
        _auth(f"Bearer {KEY[:-1]}"),
        _auth(f"Bearer{KEY}"),
        {"x-api-key": KEY},
    ],
)
def test_v1_needs_the_api_key(keyed: LiveServer, headers: dict[str, str]) -> None:
    for method, path in [("POST", "/v1/check"), ("GET", "/v1/model"), ("GET", "/v1/nowhere")]:
        response = httpx.request(method, keyed.url + path, json={"text": "a"}, headers=headers)
        assert response.status_code == 401, (path, headers)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["title"] == "Unauthorized"
        assert KEY not in response.text


def test_the_right_key_is_let_in(keyed: LiveServer, tiny_detector: Detector) -> None:
    for scheme in ("Bearer", "bearer"):
        headers = _auth(f"{scheme} {KEY}")
        response = httpx.post(keyed.url + "/v1/check", json={"text": "free gift for 5 stars"}, headers=headers)
        assert response.status_code == 200
        assert response.json()["results"] == [expected(tiny_detector.check("free gift for 5 stars"))]
        assert httpx.get(keyed.url + "/v1/model", headers=headers).status_code == 200


def test_auth_comes_before_validation(keyed: LiveServer) -> None:
    response = httpx.post(keyed.url + "/v1/check", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 401


def test_probes_and_schema_need_no_key(keyed: LiveServer) -> None:
    assert httpx.get(keyed.url + "/healthz").status_code == 200
    assert httpx.get(keyed.url + "/readyz").status_code == 200
    schema = httpx.get(keyed.url + "/openapi.json").json()
    assert schema["components"]["securitySchemes"] == {"bearer": {"type": "http", "scheme": "bearer"}}
    assert schema["paths"]["/v1/check"]["post"]["security"] == [{"bearer": []}]


def test_cors_allows_only_the_configured_origin(keyed: LiveServer) -> None:
    preflight = {"access-control-request-method": "POST", "access-control-request-headers": "authorization"}
    allowed = httpx.options(keyed.url + "/v1/check", headers={"origin": ORIGIN, **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    refused = httpx.options(keyed.url + "/v1/check", headers={"origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in refused.headers
    # a browser can read the 401 too
    response = httpx.post(keyed.url + "/v1/check", json={"text": "a"}, headers={"origin": ORIGIN})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == ORIGIN


# --------------------------------------------------------------------------- concurrency


def test_eight_clients_times_a_hundred_requests(served: tuple[str, Path], tiny_detector: Detector) -> None:
    corpus = load_corpus().sample(n=200, random_state=3)["text"].tolist()
    answers = {text: expected(v) for text, v in zip(corpus, tiny_detector.check_many(corpus), strict=True)}

    def client(worker: int) -> int:
        correct = 0
        with httpx.Client(base_url=served[0], timeout=60) as http:
            for i in range(100):
                if i % 4 == 3:  # every 4th request is a small batch
                    batch = [corpus[(worker * 7 + i + k) % len(corpus)] for k in range(5)]
                    body = http.post("/v1/check", json={"texts": batch}).json()
                    correct += body["results"] == [answers[t] for t in batch]
                else:
                    text = corpus[(worker * 31 + i) % len(corpus)]
                    body = http.post("/v1/check", json={"text": text}).json()
                    correct += body["results"] == [answers[text]]
        return correct

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(client, range(8)))
    assert results == [100] * 8


# --------------------------------------------------------------------------- reviewbait serve


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``reviewbait serve --workers 2`` in its own process, model from REVIEWBAIT_MODEL_DIR."""
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "stderr.log"
    env = {**os.environ, "REVIEWBAIT_MODEL_DIR": str(tiny_model_dir), "REVIEWBAIT_MAX_BATCH": "50"}
    env.pop("REVIEWBAIT_API_KEY", None)
    command = [sys.executable, "-m", "reviewbait.cli", "serve", "--port", str(port), "--workers", "2"]
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"reviewbait serve did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield url, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()


def test_serve_answers_like_the_library(served: tuple[str, Path], tiny_detector: Detector) -> None:
    url, _ = served
    texts = load_corpus().sample(n=40, random_state=4)["text"].tolist()
    body = httpx.post(url + "/v1/check", json={"texts": texts}, timeout=60).json()
    assert body["results"] == [expected(v) for v in tiny_detector.check_many(texts)]
    assert httpx.get(url + "/v1/model").json()["sha256"] == tiny_detector.manifest["sha256"]


def test_serve_binds_a_tcp_listener_for_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn's own listener for workers > 1 has proto 0, so asyncio skips TCP_NODELAY and each
    keep-alive answer waits ~40 ms for a delayed ACK (Kludex/uvicorn#3149); serve binds its own."""
    import uvicorn.supervisors

    for name in Settings(model_dir=Path("m"), api_key="k").to_env():
        monkeypatch.delenv(name, raising=False)  # serve() exports the settings for its workers
    seen: dict[str, Any] = {}

    class Supervisor:
        def __init__(self, config: Any, sockets: list[socket.socket]) -> None:
            seen["workers"], seen["sockets"] = config.workers, sockets

        def run(self) -> None:
            pass

    monkeypatch.setattr(uvicorn.supervisors, "Multiprocess", Supervisor)
    serve(Settings(), host="127.0.0.1", port=0, workers=3)
    (listener,) = seen["sockets"]
    with listener:
        assert seen["workers"] == 3
        assert listener.proto == socket.IPPROTO_TCP
        listener.listen()
        with socket.create_connection(listener.getsockname()):
            connection, _ = listener.accept()
            with connection:
                assert connection.proto == socket.IPPROTO_TCP  # what asyncio checks


def test_serve_reads_limits_from_the_environment(served: tuple[str, Path]) -> None:
    url, _ = served
    response = httpx.post(url + "/v1/check", json={"texts": ["a"] * 51})
    assert response.status_code == 413
    assert response.json()["max"] == 50


def test_serve_writes_a_json_access_log(served: tuple[str, Path]) -> None:
    url, log = served
    marker = "xylophone-quokka free gift"  # not hex: cannot appear in a request id
    httpx.post(url + "/v1/check", json={"texts": [marker, "x"]})
    deadline = time.monotonic() + 5
    while True:
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        posts = [x for x in lines if x["path"] == "/v1/check" and x["batch"] == 2]
        if posts or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert posts and posts[-1]["status"] == 200 and posts[-1]["method"] == "POST"
    assert "quokka" not in log.read_text()


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({"REVIEWBAIT_MAX_BATCH": "many"}, [], "REVIEWBAIT_MAX_BATCH"),
        ({}, ["--max-chars", "0"], "max_chars"),
        ({}, ["--workers", "0"], "--workers"),
        ({}, ["--model", "/nonexistent/model"], "no model artifact"),
    ],
)
def test_serve_refuses_bad_settings(env: dict[str, str], args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reviewbait.cli", "serve", "--port", str(_free_port()), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- OpenAPI contract


# The schema the server publishes, built without a server so pytest can collect one test per
# operation (schemathesis' lazy fixture loader does not run on pytest 9); the first test below
# proves it is byte-for-byte what the live server serves at /openapi.json.
SCHEMA = create_app(Settings()).openapi()
# 413 is how this API rejects a batch or text over its limits (maxItems, maxLength) and a body
# over max_body_bytes, which a valid batch of long texts can reach: both are documented answers.
CONTRACT_CONFIG = """
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "413"]
"""
contract = schemathesis.openapi.from_dict(
    SCHEMA, config=schemathesis.config.SchemathesisConfig.from_str(CONTRACT_CONFIG)
)


def test_the_contract_is_the_served_schema(plain: LiveServer) -> None:
    assert httpx.get(plain.url + "/openapi.json").json() == SCHEMA


@contract.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_openapi_contract(case: Any, plain: LiveServer) -> None:
    """No 5xx, and every answer matches the schema (status, content type, headers, body)."""
    case.call_and_validate(base_url=plain.url)
