"""The page's server side: its files, the upload routes (same scoring as `reviewbait score`), the
upload limit and the API key, against a real server with the tiny model."""

from __future__ import annotations

import base64
import csv
import io
import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api_live import LiveServer
from reviewbait.api import Settings, create_app
from reviewbait.api.page import CHUNK_ROWS, guess_language
from reviewbait.batch import ScoreOptions, score_file

KEY = "page-key-4e1d"
LIMIT = 256 * 1024
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "posts_export.csv"


@pytest.fixture(scope="module")
def live(tiny_model_dir: Path) -> Iterator[LiveServer]:
    with LiveServer(create_app(Settings(model_dir=tiny_model_dir, max_upload_bytes=LIMIT))) as server:
        yield server


@pytest.fixture(scope="module")
def keyed(tiny_model_dir: Path) -> Iterator[LiveServer]:
    with LiveServer(create_app(Settings(model_dir=tiny_model_dir, api_key=KEY))) as server:
        yield server


def _events(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines() if line.strip()]


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_the_page_and_its_files_are_served_with_a_strict_policy(live: LiveServer) -> None:
    page = httpx.get(live.url + "/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy and "script-src 'self'" in policy
    assert f'content="{LIMIT}"' in page.text  # the upload limit, for the page to check before sending
    assert "{{" not in page.text
    for name, kind in [("page.js", "text/javascript"), ("page.css", "text/css")]:
        asset = httpx.get(f"{live.url}/page/{name}")
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(kind)
        assert "http://" not in asset.text and "https://" not in asset.text  # nothing fetched from elsewhere
    assert httpx.get(live.url + "/page/index.html").status_code == 404
    assert httpx.get(live.url + "/page/..%2Fpage.py").status_code == 404


def test_inspect_lists_the_columns_and_the_text_column(live: LiveServer) -> None:
    found = httpx.post(live.url + "/v1/files/inspect", params={"name": "posts_export.csv"}, content=SAMPLE.read_bytes())
    assert found.status_code == 200, found.text
    assert found.json()["columns"] == ["post_id", "created_at", "source", "author", "message", "likes"]
    assert found.json()["text_column"] == "message"
    two = _csv([["title", "body"], ["a long title with spaces in it", "a long body with spaces in it too"]])
    ambiguous = httpx.post(live.url + "/v1/files/inspect", params={"name": "two.csv"}, content=two).json()
    assert ambiguous["text_column"] is None
    assert "several columns look like free text" in ambiguous["note"] and "choose the text column" in ambiguous["note"]


def test_a_file_is_scored_as_reviewbait_score_scores_it(live: LiveServer, tiny_model_dir: Path, tmp_path: Path) -> None:
    rows = [["id", "text"]] + [
        [f"r{i}", f"leave a 5 star review and get a free gift card {i}"] for i in range(CHUNK_ROWS)
    ]
    rows += [[f"q{i}", f"is the stroller still available, number {i}?"] for i in range(CHUNK_ROWS + 5)]
    body = _csv(rows)
    source = tmp_path / "posts.csv"
    source.write_bytes(body)
    expected = score_file(
        ScoreOptions(input=str(source), output=str(tmp_path / "cli.csv"), model=str(tiny_model_dir), jobs=1)
    )
    response = httpx.post(
        live.url + "/v1/files/score", params={"name": "posts.csv", "text_column": "text"}, content=body, timeout=60
    )
    events = _events(response)
    progress = [e for e in events if e["event"] == "progress"]
    assert [e["rows"] for e in progress] == [CHUNK_ROWS, 2 * CHUNK_ROWS, 2 * CHUNK_ROWS + 5]
    assert progress[-1]["fraction"] == 1.0
    done = events[-1]
    assert done["event"] == "done"
    assert base64.b64decode(done["scored"]["base64"]) == (tmp_path / "cli.csv").read_bytes()
    assert done["scored"]["name"] == "posts.scored.csv"
    assert done["summary"]["rows_flagged"] == expected.rows_flagged
    assert done["summary"]["input"] == "posts.csv"
    assert len(done["rows"]) == expected.rows_read
    first = done["rows"][0]
    assert first["id"] == "r0" and first["line"] == 2 and first["text"] == rows[1][1]
    assert first["language"] == "en" and not first["language_given"]
    assert sum(row["flag"] for row in done["rows"]) == expected.rows_flagged
    with (tmp_path / "cli.csv").open(newline="", encoding="utf-8") as handle:
        offered = [r["reviewbait_incentive"] for r in csv.DictReader(handle)]
    assert [row["incentive_type"] for row in done["rows"]] == offered  # what labelling a row pre-fills


def test_the_file_is_read_by_the_cli_reader_and_its_errors_are_shown_in_words(live: LiveServer) -> None:
    def score(content: bytes, **params: str) -> httpx.Response:
        return httpx.post(live.url + "/v1/files/score", params={"name": "bad.csv", **params}, content=content)

    bad_line = _csv([["id", "text"], ["1", "free gift for a review"]]) + b"2,too,many,fields\n"
    problem = score(bad_line).json()
    assert problem["status"] == 422
    assert problem["detail"].startswith("line 3 of bad.csv: wrong number of fields")
    assert "Skip malformed lines" in problem["detail"] and "/tmp" not in problem["detail"]
    skipped = _events(score(bad_line, skip_bad_lines="true"))[-1]
    assert skipped["summary"]["rows_rejected"] == 1 and len(skipped["rows"]) == 1
    assert b"too,many,fields" in base64.b64decode(skipped["rejected"]["base64"])
    assert "is empty" in score(b"").json()["detail"]
    assert "not found" in score(bad_line, text_column="body").json()["detail"]
    assert "threshold" in score(bad_line, threshold="lenient").json()["detail"]
    unknown = httpx.post(live.url + "/v1/files/score", params={"name": "posts.xlsx"}, content=b"x")
    assert unknown.status_code == 422 and ".csv" in unknown.json()["detail"]


def test_nothing_of_an_upload_stays_on_disk(live: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the server runs in this process
    content = SAMPLE.read_bytes()
    httpx.post(live.url + "/v1/files/inspect", params={"name": "posts.csv"}, content=content).raise_for_status()
    done = _events(httpx.post(live.url + "/v1/files/score", params={"name": "posts.csv"}, content=content))
    assert done[-1]["event"] == "done"
    assert httpx.post(live.url + "/v1/files/score", params={"name": "e.csv"}, content=b"").status_code == 422
    deadline = time.monotonic() + 10  # the scoring thread removes its directory just after the answer
    while list(tmp_path.glob("reviewbait-page-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(tmp_path.glob("reviewbait-page-*"))


def test_the_upload_limit_is_enforced_and_named(live: LiveServer) -> None:
    body = _csv([["id", "text"]] + [[str(i), "x" * 100] for i in range(LIMIT // 100)])
    assert len(body) > LIMIT
    for path in ("/v1/files/inspect", "/v1/files/score"):
        response = httpx.post(live.url + path, params={"name": "big.csv"}, content=body)
        assert response.status_code == 413
        assert response.json()["limit"] == "max_upload_bytes" and response.json()["max"] == LIMIT

    def chunked() -> Iterator[bytes]:  # no Content-Length: the limit still holds
        yield from (body[i : i + 8192] for i in range(0, len(body), 8192))

    streamed = httpx.post(live.url + "/v1/files/inspect", params={"name": "big.csv"}, content=chunked())
    assert streamed.status_code == 413


def test_the_api_key_guards_the_uploads_not_the_page(keyed: LiveServer) -> None:
    assert httpx.get(keyed.url + "/").status_code == 200
    assert httpx.get(keyed.url + "/page/page.js").status_code == 200
    content = SAMPLE.read_bytes()
    for path in ("/v1/files/inspect", "/v1/files/score"):
        denied = httpx.post(keyed.url + path, params={"name": "posts.csv"}, content=content)
        assert denied.status_code == 401
    allowed = httpx.post(
        keyed.url + "/v1/files/inspect",
        params={"name": "posts.csv"},
        content=content,
        headers={"authorization": f"Bearer {KEY}"},
    )
    assert allowed.status_code == 200


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Leave us a review and get a free gift card, it is easy", "en"),
        ("Bewertung schreiben, 5 Sterne, Geld zurück per PayPal, nur DE", "de"),
        ("Deja una reseña de 5 estrellas y te regalamos un cupón", "es"),
        ("好评返现，五星好评送红包", "zh"),
        ("12345 !!!", "und"),
        ("", "und"),
    ],
)
def test_guess_language(text: str, language: str) -> None:
    assert guess_language(text) == language
