"""The HTTP API against a real uvicorn server on 127.0.0.1: every endpoint, every error."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from api_live import LiveServer, expected
from reviewbait.api import Settings, create_app, get_detector
from reviewbait.detector import Detector
from reviewbait.training.corpus import load_corpus

PROBLEM = "application/problem+json"
SOLICIT = "Leave us 5 stars ⭐ and get a FREE phone case! DM me a screenshot of your review 🎁"


@pytest.fixture(scope="module")
def live(tiny_model_dir: Path) -> Iterator[LiveServer]:
    with LiveServer(create_app(Settings(model_dir=tiny_model_dir))) as server:
        yield server


@pytest.fixture(scope="module")
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def texts() -> list[str]:
    corpus = load_corpus()
    sample = corpus.sample(frac=1.0, random_state=1).groupby("label").head(40)
    return [*sample["text"].tolist(), "", "   ", SOLICIT, "naïve café 👍🏽 \u200b free gift for a review"]


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    return body


# --------------------------------------------------------------------------- endpoints


def test_healthz(client: httpx.Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_the_loaded_model(client: httpx.Client, tiny_detector: Detector) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "model_version": tiny_detector.manifest.get("model_version")}


def test_model_info_comes_from_the_manifest(client: httpx.Client, tiny_detector: Detector) -> None:
    body = client.get("/v1/model").json()
    manifest = tiny_detector.manifest
    assert body["sha256"] == manifest["sha256"]
    assert body["model_version"] == manifest.get("model_version")
    assert body["thresholds"] == tiny_detector.operating_points
    assert body["threshold"] == tiny_detector.threshold
    assert body["metrics"] == json.loads(json.dumps(manifest["metrics"]))


def test_openapi_and_docs_are_served(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {"/healthz", "/readyz", "/v1/model", "/v1/check"}
    request = schema["components"]["schemas"]["CheckRequest"]
    assert request["properties"]["texts"]["maxItems"] == 1000
    assert request["properties"]["text"]["maxLength"] == 20000
    assert "securitySchemes" not in schema["components"]
    result = schema["components"]["schemas"]["CheckResult"]["properties"]
    assert (
        "gift_card" in result["incentive_type"]["description"] and "direct_reward" in result["category"]["description"]
    )
    assert client.get("/docs").status_code == 200


def test_bench_route_is_off_by_default(client: httpx.Client) -> None:
    assert_problem(client.get("/bench/hello"), 404)


# --------------------------------------------------------------------------- verdicts


def test_single_text_matches_the_library(client: httpx.Client, tiny_detector: Detector) -> None:
    body = client.post("/v1/check", json={"text": SOLICIT}).json()
    verdict = tiny_detector.check(SOLICIT)
    assert body["results"] == [expected(verdict)]
    assert body["threshold"] == tiny_detector.threshold


def test_batch_matches_the_library(client: httpx.Client, tiny_detector: Detector, texts: list[str]) -> None:
    body = client.post("/v1/check", json={"texts": texts}).json()
    assert body["results"] == [expected(v) for v in tiny_detector.check_many(texts)]
    assert any(r["is_solicitation"] for r in body["results"])
    assert any(r["evidence"] for r in body["results"])


@pytest.mark.parametrize("threshold", ["precise", "balanced", 0.0, 0.25, 1, 1.0])
def test_threshold_matches_the_library(
    client: httpx.Client, tiny_detector: Detector, texts: list[str], threshold: str | float
) -> None:
    body = client.post("/v1/check", json={"texts": texts, "threshold": threshold}).json()
    assert body["threshold"] == tiny_detector.resolve_threshold(threshold)
    assert body["results"] == [expected(v) for v in tiny_detector.check_many(texts, threshold=threshold)]


def test_evidence_offsets_index_the_text_sent(client: httpx.Client, texts: list[str]) -> None:
    results = client.post("/v1/check", json={"texts": texts}).json()["results"]
    spans = 0
    for text, result in zip(texts, results, strict=True):
        for evidence in result["evidence"]:
            assert text[evidence["start"] : evidence["end"]] == evidence["text"]
            spans += 1
    assert spans > 0


def test_empty_strings_score_zero(client: httpx.Client) -> None:
    results = client.post("/v1/check", json={"texts": ["", ""]}).json()["results"]
    assert [r["probability"] for r in results] == [0.0, 0.0]
    assert not any(r["is_solicitation"] for r in results)


def test_empty_batch_is_an_empty_list(client: httpx.Client) -> None:
    assert client.post("/v1/check", json={"texts": []}).json()["results"] == []


def test_limits_are_inclusive(client: httpx.Client) -> None:
    assert client.post("/v1/check", json={"text": "a" * 20_000}).status_code == 200
    assert len(client.post("/v1/check", json={"texts": ["ok"] * 1000}).json()["results"]) == 1000


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"text": "a", "texts": ["b"]}, "body"),
        ({"text": None}, "text"),
        ({"texts": None}, "texts"),
        ({"text": 5}, "text"),
        ({"text": ["a"]}, "text"),
        ({"texts": "a"}, "texts"),
        ({"texts": ["a", 7]}, "texts[1]"),
        ({"texts": ["a", None]}, "texts[1]"),
        ({"text": "a", "threshold": 1.5}, "threshold"),
        ({"text": "a", "threshold": -0.1}, "threshold"),
        ({"text": "a", "threshold": "loose"}, "threshold"),
        ({"text": "a", "threshold": "0.5"}, "threshold"),
        ({"text": "a", "threshold": True}, "threshold"),
        ({"text": "a", "threshold": None}, "threshold"),
        ({"text": "a", "colour": "red"}, "colour"),
        (["a"], "body"),
        ("a", "body"),
    ],
)
def test_wrong_shapes_are_422_naming_the_field(client: httpx.Client, body: Any, field: str) -> None:
    problem = assert_problem(client.post("/v1/check", json=body), 422)
    assert field in [e["field"] for e in problem["errors"]]
    assert field in problem["detail"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"text": "a"', "invalid JSON"),
        (b"not json", "invalid JSON"),
        (b'{"text": "a", "threshold": NaN}', "threshold"),
        (b'{"text": "\\ud800 lone surrogate"}', "lone surrogate"),
        (b'{"texts": ["ok", "\\udfff"]}', "lone surrogate"),
        (b'{"text": "caf\xe9"}', "not UTF-8"),
        (b"", "body"),
    ],
)
def test_invalid_json_is_422(client: httpx.Client, raw: bytes, message: str) -> None:
    response = client.post("/v1/check", content=raw, headers={"content-type": "application/json"})
    assert message in assert_problem(response, 422)["detail"]


def test_a_body_that_is_not_json_typed_is_422(client: httpx.Client) -> None:
    response = client.post("/v1/check", content=b'{"text": "a"}', headers={"content-type": "text/plain"})
    assert "application/json" in assert_problem(response, 422)["detail"]


def test_too_many_texts_is_413_naming_the_limit(client: httpx.Client) -> None:
    problem = assert_problem(client.post("/v1/check", json={"texts": ["a"] * 1001}), 413)
    assert (problem["limit"], problem["max"]) == ("max_batch", 1000)
    assert "max_batch" in problem["detail"]


@pytest.mark.parametrize(
    ("body", "where"), [({"text": "a" * 20_001}, "text"), ({"texts": ["a", "b" * 20_001]}, "texts[1]")]
)
def test_a_text_too_long_is_413_naming_the_limit(client: httpx.Client, body: dict[str, Any], where: str) -> None:
    problem = assert_problem(client.post("/v1/check", json=body), 413)
    assert (problem["limit"], problem["max"]) == ("max_chars", 20_000)
    assert problem["detail"].startswith(where)


def test_a_body_too_large_is_413_naming_the_limit(client: httpx.Client) -> None:
    body = json.dumps({"texts": ["x" * 10_000] * 220}).encode()
    assert len(body) > 2 * 1024 * 1024
    problem = assert_problem(client.post("/v1/check", content=body, headers={"content-type": "application/json"}), 413)
    assert (problem["limit"], problem["max"]) == ("max_body_bytes", 2 * 1024 * 1024)


def test_a_chunked_body_too_large_is_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"texts": ['
        for _ in range(300):
            yield b'"' + b"x" * 10_000 + b'",'
        yield b'"x"]}'

    response = client.post("/v1/check", content=chunks(), headers={"content-type": "application/json"})
    assert assert_problem(response, 413)["limit"] == "max_body_bytes"


def test_a_small_chunked_body_is_answered(client: httpx.Client, tiny_detector: Detector) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": '
        yield json.dumps(SOLICIT).encode()
        yield b"}"

    response = client.post("/v1/check", content=chunks(), headers={"content-type": "application/json"})
    assert response.json()["results"] == [expected(tiny_detector.check(SOLICIT))]


def test_unknown_route_is_404(client: httpx.Client) -> None:
    assert "/v2/check" in assert_problem(client.post("/v2/check", json={"text": "a"}), 404)["detail"]
    assert_problem(client.get("/nowhere"), 404)  # "/" is the moderators' page (test_page.py)


@pytest.mark.parametrize(("method", "path", "allow"), [("GET", "/v1/check", "POST"), ("POST", "/v1/model", "GET")])
def test_wrong_method_is_405(client: httpx.Client, method: str, path: str, allow: str) -> None:
    response = client.request(method, path)
    assert_problem(response, 405)
    assert allow in response.headers["allow"]


class _Broken:
    """A detector that fails the way a bug would."""

    manifest: ClassVar[dict[str, Any]] = {}
    threshold = 0.5

    def resolve_threshold(self, threshold: object) -> float:
        return 0.5

    def check_many(self, texts: object, **kwargs: object) -> list[Any]:
        raise RuntimeError("secret internals: /srv/model.joblib")


def test_an_internal_error_is_500_with_a_request_id_and_the_server_keeps_serving(
    live: LiveServer, client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    live.app.dependency_overrides[get_detector] = _Broken
    try:
        with caplog.at_level(logging.ERROR, logger="reviewbait.api"):
            response = client.post("/v1/check", json={"text": "a"})
    finally:
        live.app.dependency_overrides.clear()
    problem = assert_problem(response, 500)
    assert len(problem["request_id"]) == 32
    assert "secret" not in response.text and "RuntimeError" not in response.text
    assert any(problem["request_id"] in r.getMessage() and r.exc_info for r in caplog.records)
    assert client.post("/v1/check", json={"text": "a"}).status_code == 200
    assert client.get("/healthz").status_code == 200


# --------------------------------------------------------------------------- protocol


def test_every_response_has_a_request_id_and_a_sane_one_is_echoed(client: httpx.Client) -> None:
    assert len(client.get("/healthz").headers["x-request-id"]) == 32
    assert client.get("/healthz", headers={"x-request-id": "queue-7.abc"}).headers["x-request-id"] == "queue-7.abc"
    forged = client.get("/healthz", headers={"x-request-id": 'x", "status": 200'}).headers["x-request-id"]
    assert len(forged) == 32 and "status" not in forged


def test_cors_is_off_by_default(client: httpx.Client) -> None:
    headers = {"origin": "https://evil.example", "access-control-request-method": "POST"}
    response = client.options("/v1/check", headers=headers)
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in client.get("/healthz", headers={"origin": "https://x.example"}).headers


def test_access_log_is_one_json_line_per_request_without_texts(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "my unique text wombat-quill, free gift for a review"
    ids = ["log-test-1", "log-test-2", "log-test-3"]

    def lines() -> list[dict[str, Any]]:
        found = [json.loads(r.getMessage()) for r in caplog.records if r.name == "reviewbait.access"]
        return [x for x in found if x["request_id"] in ids]

    with caplog.at_level(logging.INFO, logger="reviewbait.access"):
        client.post("/v1/check", json={"texts": [secret, "b", "c"]}, headers={"x-request-id": ids[0]})
        client.get("/nowhere", headers={"x-request-id": ids[1]})
        client.post("/v1/check", json={"texts": ["a"] * 1001}, headers={"x-request-id": ids[2]})
        # the server logs after the answer is sent, so the last line may trail the response
        deadline = time.monotonic() + 5
        while len(lines()) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert [(x["method"], x["path"], x["status"], x["batch"]) for x in lines()] == [
        ("POST", "/v1/check", 200, 3),
        ("GET", "/nowhere", 404, None),
        ("POST", "/v1/check", 413, 1001),
    ]
    assert all(isinstance(x["ms"], float) and x["ms"] >= 0 for x in lines())
    assert "wombat" not in caplog.text


def test_settings_from_env_and_back() -> None:
    env = {
        "REVIEWBAIT_MODEL_DIR": "/m",
        "REVIEWBAIT_THRESHOLD": "precise",
        "REVIEWBAIT_MAX_BATCH": "10",
        "REVIEWBAIT_MAX_CHARS": "99",
        "REVIEWBAIT_MAX_BODY_BYTES": "1000",
        "REVIEWBAIT_API_KEY": "k",
        "REVIEWBAIT_CORS_ORIGINS": "https://a.example, https://b.example",
    }
    settings = Settings.from_env(env)
    assert settings == Settings(
        model_dir=Path("/m"),
        threshold="precise",
        max_batch=10,
        max_chars=99,
        max_body_bytes=1000,
        api_key="k",
        cors_origins=("https://a.example", "https://b.example"),
    )
    assert Settings.from_env(settings.to_env()) == settings
    assert Settings.from_env(env, max_batch=5).max_batch == 5
    assert Settings.from_env({}) == Settings()
    assert "k" not in repr(settings)


@pytest.mark.parametrize(
    "env",
    [{"REVIEWBAIT_MAX_BATCH": "lots"}, {"REVIEWBAIT_MAX_CHARS": "0"}, {"REVIEWBAIT_MAX_BODY_BYTES": "-1"}],
)
def test_bad_settings_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=r"(?i)max_"):
        Settings.from_env(env)


def test_creating_the_app_does_not_load_the_model(tmp_path: Path) -> None:
    app = create_app(Settings(model_dir=tmp_path / "missing"))
    assert app.state.detector is None
