"""The moderators' page: check one post, review a scored file, label rows, download the labels.

``reviewbait serve`` serves it at ``/`` from files shipped inside the package (``static/``):
plain HTML, CSS and JavaScript, nothing to build or fetch, and a Content-Security-Policy that
lets the page talk to this server only. One post goes to ``POST /v1/check``; a file goes to
the two routes below, which run the reader, scorer and writer of ``reviewbait score``
(:func:`reviewbait.io.score.score_file`) with the server's loaded model. They sit under ``/v1/``,
so an API key, when one is set, guards them like the rest of the API.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import queue
import re
import shutil
import tempfile
import threading
import unicodedata
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from reviewbait.api.deps import DetectorDep, SettingsDep
from reviewbait.api.problems import ProblemError
from reviewbait.api.settings import UPLOAD_PREFIX
from reviewbait.columns import ID_COLUMNS, SCORE_COLUMNS
from reviewbait.detector import parse_threshold
from reviewbait.errors import BatchError
from reviewbait.io.formats import default_output, format_of
from reviewbait.io.readers import cell_text, choose_text_column, chunk_values, open_input
from reviewbait.io.score import ScoreOptions, score_file
from reviewbait.io.sources import ReadOptions

__all__ = ["files", "guess_language", "page"]

error_logger = logging.getLogger("reviewbait.api")

CHUNK_ROWS = 1000  # rows per chunk of a file: one progress step
INSPECT_ROWS = 200
PREFIX = "reviewbait_"
_ASSETS = {"page.js": "text/javascript; charset=utf-8", "page.css": "text/css; charset=utf-8"}
# The page may load its own files and talk to its own server, nothing else; no inline script.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# The command line's advice, said the way the page offers it.
_PAGE_WORDS = (
    ("pass --text-column, one of:", "choose the text column, one of:"),
    (
        "Fix the line, or pass --on-bad-lines skip to write bad lines to a .rejected.csv file and score the rest",
        "Fix the line, or tick 'Skip malformed lines' to score the rest (the skipped lines can be downloaded)",
    ),
    ("pass --prefix (e.g. --prefix rb_) to name the added columns differently", "rename those columns first"),
)

page = APIRouter(include_in_schema=False)
# The page's own routes: documented in docs/page.md, not part of the API's OpenAPI contract.
files = APIRouter(prefix=UPLOAD_PREFIX.rstrip("/"), include_in_schema=False)


# --------------------------------------------------------------------------- the page and its files


@cache
def _asset(name: str) -> bytes:
    return (resources.files("reviewbait") / "static" / name).read_bytes()


@page.get("/")
async def index(settings: SettingsDep) -> Response:
    """The page; the upload limit is written into it, so the page can refuse a larger file at once."""
    html = _asset("index.html").decode("utf-8").replace("{{max_upload_bytes}}", str(settings.max_upload_bytes))
    return Response(html, media_type="text/html; charset=utf-8", headers=_SECURITY_HEADERS)


@page.get("/page/{name}")
async def asset(name: str) -> Response:
    if name not in _ASSETS:
        raise ProblemError(404, f"no page file {name!r}")
    return Response(_asset(name), media_type=_ASSETS[name], headers=_SECURITY_HEADERS)


# --------------------------------------------------------------------------- uploads


def _safe_name(name: str) -> str:
    """The uploaded file's base name, reduced to harmless characters (it names a temporary file)."""
    base = _UNSAFE_NAME.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip("._")
    return base or "upload.csv"


def _page_words(message: str, directory: Path) -> str:
    """A batch error as the page shows it: no temporary paths, the page's controls for the CLI's flags."""
    message = message.replace(str(directory) + "/", "")
    for cli, words in _PAGE_WORDS:
        message = message.replace(cli, words)
    return message


async def _receive(request: Request, name: str, limit: int) -> tuple[Path, Path]:
    """Stream the request body (the raw file) into a new temporary directory, up to ``limit`` bytes."""
    safe = _safe_name(name)
    if format_of(safe) is None:
        raise ProblemError(
            422,
            f"cannot tell the format of {safe!r} from its name; send a .csv, .tsv, .jsonl or .parquet file "
            "(.csv, .tsv and .jsonl may be gzipped: .csv.gz)",
        )
    directory = Path(tempfile.mkdtemp(prefix="reviewbait-page-"))
    path = directory / safe
    try:
        size = 0
        with path.open("wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:  # the guard checks Content-Length; this catches a body that lies
                    raise ProblemError(
                        413,
                        f"the file exceeds max_upload_bytes ({limit} bytes)",
                        limit="max_upload_bytes",
                        max=limit,
                    )
                out.write(chunk)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return directory, path


@files.post("/inspect")
async def inspect(request: Request, settings: SettingsDep, name: str) -> dict[str, Any]:
    """The columns of a file (the raw file, or its first part, as the body) and the one that looks like text."""
    directory, path = await _receive(request, name, settings.max_upload_bytes)
    try:
        return await anyio.to_thread.run_sync(_inspect, path, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _inspect(path: Path, directory: Path) -> dict[str, Any]:
    fmt = format_of(path.name)
    assert fmt is not None
    try:
        source = open_input(str(path), fmt, ReadOptions(chunk_size=INSPECT_ROWS))
        try:
            chunk = source.read_chunk(INSPECT_ROWS)
            if chunk is None or not chunk.rows_read:
                raise BatchError(f"{path.name} has a header but no rows")
            try:
                return {
                    "name": path.name,
                    "columns": source.columns,
                    "text_column": source.columns[choose_text_column(source, chunk, None, path.name)],
                    "note": None,
                }
            except BatchError as exc:
                note = _page_words(str(exc), directory)
                return {"name": path.name, "columns": source.columns, "text_column": None, "note": note}
        finally:
            source.close()
    except BatchError as exc:
        raise ProblemError(422, _page_words(str(exc), directory)) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise ProblemError(422, f"cannot read {path.name}: {exc}") from None


class _Stopped(Exception):
    """The page went away: stop scoring."""


@dataclass
class _Job:
    """One file scored in a thread; what happens is put on ``events`` for the response to send."""

    path: Path
    directory: Path
    options: ScoreOptions
    detector: Any
    events: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    stopped: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        try:
            summary = score_file(self.options, stderr=io.StringIO(), detector=self.detector, on_progress=self.progress)
            output = Path(summary.output)
            rows = scored_rows(output, summary.text_column)
            done: dict[str, Any] = {
                "event": "done",
                "threshold": summary.threshold,
                "summary": _public_summary(summary.to_dict(), self.path.name, output.name),
                "rows": rows,
                "scored": {"name": output.name, "base64": base64.b64encode(output.read_bytes()).decode("ascii")},
            }
            if summary.rejected_file:
                rejected = Path(summary.rejected_file)
                done["rejected"] = {"name": rejected.name, "base64": base64.b64encode(rejected.read_bytes()).decode()}
            self.events.put(done)
        except _Stopped:
            self.events.put({"event": "stopped"})  # wakes a reader still waiting, if any
        except BatchError as exc:
            self.events.put({"event": "error", "detail": _page_words(str(exc), self.directory)})
        except Exception:
            error_logger.exception("scoring an uploaded file failed")
            self.events.put({"event": "error", "detail": "internal error while scoring; see the server's log"})
        finally:
            # everything the answer needs is in the events: nothing of the upload stays on disk
            shutil.rmtree(self.directory, ignore_errors=True)

    def progress(self, rows: int, position: int, total: int | None) -> None:
        if self.stopped.is_set():
            raise _Stopped
        fraction = min(position / total, 1.0) if total else None
        self.events.put({"event": "progress", "rows": rows, "fraction": fraction})


def _public_summary(summary: dict[str, Any], name: str, output: str) -> dict[str, Any]:
    summary = {k: v for k, v in summary.items() if k not in ("input", "output", "rejected_file")}
    return {"input": name, "output": output, **summary}


@files.post("/score")
async def score(
    request: Request,
    settings: SettingsDep,
    detector: DetectorDep,
    name: str,
    text_column: str | None = None,
    threshold: str | None = None,
    skip_bad_lines: bool = False,
) -> Response:
    """Score a file (the raw file as the body) as ``reviewbait score`` would, streaming progress.

    The answer is JSON Lines: ``{"event": "progress", "rows", "fraction"}`` after every chunk,
    then ``{"event": "done", ...}`` with every row, the summary and the scored file, or
    ``{"event": "error", "detail"}``. A problem found before the first chunk is scored is an
    ordinary 422 problem instead.
    """
    try:
        cut = parse_threshold(threshold) if threshold else settings.threshold
        detector.resolve_threshold(cut)
    except ValueError as exc:
        raise ProblemError(422, f"threshold: {exc}") from None
    directory, path = await _receive(request, name, settings.max_upload_bytes)
    options = ScoreOptions(
        input=str(path),
        output=str(directory / Path(default_output(path.name)).name),
        text_column=text_column or None,
        threshold=cut,
        chunk_size=CHUNK_ROWS,
        jobs=1,
        quiet=True,
        progress=False,
        on_bad_lines="skip" if skip_bad_lines else "error",
        prefix=PREFIX,
    )
    job = _Job(path, directory, options, detector)
    threading.Thread(target=job.run, name="reviewbait-page-score", daemon=True).start()
    try:
        first = await anyio.to_thread.run_sync(job.events.get)
    except BaseException:
        job.stopped.set()
        raise
    if first["event"] == "error":
        raise ProblemError(422, first["detail"])
    return StreamingResponse(
        _events(first, job), media_type="application/x-ndjson", headers={"Cache-Control": "no-store"}
    )


async def _events(first: dict[str, Any], job: _Job) -> AsyncIterator[bytes]:
    event = first
    try:
        while True:
            yield json.dumps(event, ensure_ascii=False).encode("utf-8") + b"\n"
            if event["event"] != "progress":
                return
            event = await anyio.to_thread.run_sync(job.events.get)
    finally:
        job.stopped.set()  # the page went away, or the job is over: the thread stops and cleans up


# --------------------------------------------------------------------------- rows for the table


def _column(columns: list[str], *names: str) -> int | None:
    for name in names:
        if name in columns:
            return columns.index(name)
    return None


def scored_rows(path: Path, text_column: str, prefix: str = PREFIX) -> list[dict[str, Any]]:
    """Every row of a file written by :func:`~reviewbait.io.score.score_file`, read back with its readers:
    what the page's table shows and what its labels are made of."""
    fmt = format_of(path.name)
    assert fmt is not None
    source = open_input(str(path), fmt, ReadOptions(chunk_size=5000))
    try:
        columns = source.columns
        added = {name: columns.index(prefix + name) for name in SCORE_COLUMNS}
        text = columns.index(text_column)
        ident = _column(columns, *ID_COLUMNS)
        language = _column(columns, "language", "lang")
        platform = _column(columns, "platform")
        rows: list[dict[str, Any]] = []
        stem = path.name.split(".", 1)[0]
        while (chunk := source.read_chunk(5000)) is not None:
            for line, values in zip(chunk.lines, chunk_values(source, chunk), strict=True):
                cells = [cell_text(v) for v in values]
                body = values[text] if isinstance(values[text], str) else (cells[text] or "")
                given = (cells[language] or "").strip().lower() if language is not None else ""
                row = {
                    "line": line,
                    "id": cells[ident] if ident is not None and cells[ident] else f"{stem}:{line}",
                    "text": body,
                    "probability": float(cells[added["probability"]] or 0.0),
                    "flag": str(cells[added["flag"]]) in ("1", "1.0", "true", "True"),
                    "category": cells[added["category"]] or "",
                    "incentive_type": cells[added["incentive"]] or "",
                    "sentiment_conditioned": str(cells[added["sentiment_conditioned"]]) in ("1", "true", "True"),
                    "evidence": cells[added["evidence"]] or "",
                    "language": given if re.fullmatch(r"[a-z]{2}", given) else guess_language(body),
                    "language_given": bool(re.fullmatch(r"[a-z]{2}", given)),
                    "platform": (cells[platform] or "") if platform is not None else "",
                }
                rows.append(row)
    finally:
        source.close()
    return rows


# --------------------------------------------------------------------------- language


# A few frequent words of each language the model was trained on: enough to sort a queue
# by language, not a language identifier (the labels mark these as guessed).
_FUNCTION_WORDS = {  # space-separated
    "en": "the and you your for with this that are have our will get is it to of be my on in at from just "
    "please we can all stars review free",
    "es": "el la los las que y para con por una del es su tu nos al lo te me mi si más pero como este esta "
    "estrellas reseña gratis reembolso comprar solo aquí ya esto eso tiene hay muy",
    "de": "der die das und ist nicht mit für ein eine ich sie wir auf den dem zu nur an auch oder bei nach "
    "bitte sterne bewertung kostenlos geld zurück kaufen schreiben gesucht hier schon sehr haben habe",
    "fr": "le la les et est pour avec une des vous nous sur dans pas un du au je tu mon ma votre ce cette "
    "mais très merci avis étoiles gratuit remboursé acheter ici déjà ça il elle sont ont",
    "pt": "o os as que e para com uma um não você nos do da em meu minha seu sua mas muito obrigado é "
    "avaliação estrelas grátis reembolso comprar só aqui já pelo aqueles isso essa esse tem",
    "it": "il lo gli che e per con una un non è sono della del di mio mia tuo ma molto grazie questo questa "
    "recensione stelle gratis rimborso comprare solo qui già ho ha hanno anche",
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def guess_language(text: str) -> str:
    """An ISO 639-1 code for the text, or ``und`` when its words do not tell."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "und"
    han = sum(1 for c in letters if unicodedata.name(c, "").startswith("CJK UNIFIED"))
    if han / len(letters) > 0.3:
        return "zh"
    words = [w.casefold() for w in _WORD.findall(text)]
    counts = {lang: sum(1 for w in words if w in vocabulary) for lang, vocabulary in _VOCABULARIES.items()}
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    return best if top >= 2 and top > second else "und"


_VOCABULARIES: dict[str, frozenset[str]] = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
