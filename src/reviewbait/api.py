"""HTTP API: a thin FastAPI layer over :class:`~reviewbait.detector.Detector`.

``create_app(settings)`` builds the app; the model is loaded once, in the lifespan, never at
import. Run it with ``reviewbait serve`` (``pip install reviewbait[api]``).

Every error is an RFC 9457 problem (``application/problem+json``), never a stack trace. One
JSON line per request goes to the ``reviewbait.access`` logger (method, path, status, ms,
batch size; never the texts).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import math
import os
import re
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reviewbait import __version__
from reviewbait.artifact import ModelVersionError
from reviewbait.detector import Detector, Verdict
from reviewbait.errors import InputError

__all__ = ["Settings", "app_from_env", "create_app", "get_detector", "get_settings", "serve"]

access_logger = logging.getLogger("reviewbait.access")
error_logger = logging.getLogger("reviewbait.api")

ENV_PREFIX = "REVIEWBAIT_"
PROBLEM_JSON = "application/problem+json"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
UPLOAD_PREFIX = "/v1/files/"  # the moderators' page sends whole files here (see page.py)
WARM_UP = "Leave us a 5-star review and get a free gift card, DM me the screenshot"


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True)
class Settings:
    """Server settings: from ``REVIEWBAIT_*`` variables (:meth:`from_env`) or ``reviewbait serve`` flags.

    The API key is read from the environment only, so it never shows in a process list.
    """

    model_dir: Path | None = None
    threshold: str | float = "balanced"
    max_batch: int = 1000
    max_chars: int = 20_000
    max_body_bytes: int = 2 * 1024 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024  # a file sent to the page's /v1/files/ routes
    api_key: str | None = field(default=None, repr=False)
    cors_origins: tuple[str, ...] = ()
    bench: bool = False
    # slow clients: seconds to send the request line and headers, then the body; seconds an
    # idle kept-alive connection stays open; open connections per worker before 503s
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    idle_timeout: float = 5.0
    max_connections: int = 1000

    def __post_init__(self) -> None:
        for name in ("max_batch", "max_chars", "max_body_bytes", "max_upload_bytes", "max_connections"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(f"{name} must be a positive integer, got {value!r}")
        for name in ("header_timeout", "body_timeout", "idle_timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
                raise InputError(f"{name} must be a positive number of seconds, got {value!r}")
        if self.api_key is not None and not self.api_key:
            raise InputError("api_key must not be empty; leave REVIEWBAIT_API_KEY unset to disable authentication")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``REVIEWBAIT_*`` variables; ``overrides`` that are not None win."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(ENV_PREFIX + name)
            return value if value not in (None, "") else None

        def integer(name: str) -> int | None:
            raw = get(name)
            if raw is None:
                return None
            try:
                return int(raw)
            except ValueError:
                raise InputError(f"{ENV_PREFIX}{name} must be an integer, got {raw!r}") from None

        def number(name: str) -> float | None:
            raw = get(name)
            if raw is None:
                return None
            try:
                return float(raw)
            except ValueError:
                raise ValueError(f"{ENV_PREFIX}{name} must be a number of seconds, got {raw!r}") from None

        values: dict[str, Any] = {
            "model_dir": Path(raw) if (raw := get("MODEL_DIR")) else None,
            "threshold": get("THRESHOLD"),
            "max_batch": integer("MAX_BATCH"),
            "max_chars": integer("MAX_CHARS"),
            "max_body_bytes": integer("MAX_BODY_BYTES"),
            "max_upload_bytes": integer("MAX_UPLOAD_BYTES"),
            "api_key": env.get(ENV_PREFIX + "API_KEY") or None,
            "cors_origins": tuple(o.strip() for o in (get("CORS_ORIGINS") or "").split(",") if o.strip()) or None,
            "bench": get("BENCH") == "1",
            "header_timeout": number("HEADER_TIMEOUT"),
            "body_timeout": number("BODY_TIMEOUT"),
            "idle_timeout": number("IDLE_TIMEOUT"),
            "max_connections": integer("MAX_CONNECTIONS"),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**{k: v for k, v in values.items() if v is not None})

    def to_env(self) -> dict[str, str]:
        """The variables that :meth:`from_env` reads back: how ``serve`` hands settings to workers."""
        env = {
            "THRESHOLD": str(self.threshold),
            "MAX_BATCH": str(self.max_batch),
            "MAX_CHARS": str(self.max_chars),
            "MAX_BODY_BYTES": str(self.max_body_bytes),
            "MAX_UPLOAD_BYTES": str(self.max_upload_bytes),
            "CORS_ORIGINS": ",".join(self.cors_origins),
            "BENCH": "1" if self.bench else "",
            "HEADER_TIMEOUT": repr(self.header_timeout),
            "BODY_TIMEOUT": repr(self.body_timeout),
            "IDLE_TIMEOUT": repr(self.idle_timeout),
            "MAX_CONNECTIONS": str(self.max_connections),
        }
        if self.model_dir is not None:
            env["MODEL_DIR"] = str(self.model_dir)
        if self.api_key is not None:
            env["API_KEY"] = self.api_key
        return {ENV_PREFIX + k: v for k, v in env.items()}


# --------------------------------------------------------------------------- models


def _valid_unicode(text: str) -> str:
    # JSON may carry lone surrogates ("\ud800"); they are not text and cannot be encoded back.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"contains a lone surrogate at index {exc.start}; send valid Unicode text") from None
    return text


Text = Annotated[str, AfterValidator(_valid_unicode)]
Threshold = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] | Literal["balanced", "precise"]


class CheckRequest(BaseModel):
    """One text or a batch of texts: exactly one of `text` and `texts`."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        json_schema_extra={"oneOf": [{"required": ["text"]}, {"required": ["texts"]}]},
    )

    text: Text | None = Field(default=None, description="one text to check")
    texts: list[Text] | None = Field(default=None, description="texts to check, answered in order")
    threshold: Threshold | None = Field(
        default=None,
        description="a number in [0, 1] or an operating point ('balanced', 'precise'); default: the server's",
    )

    @field_validator("text", "texts", "threshold", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("must not be null; leave the field out instead")
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> CheckRequest:
        if (self.text is None) == (self.texts is None):
            raise ValueError("give exactly one of 'text' (a string) or 'texts' (a list of strings)")
        return self

    @property
    def batch(self) -> list[str]:
        return [self.text] if self.text is not None else list(self.texts or ())


class EvidenceSpan(BaseModel):
    kind: str = Field(description="incentive, review, exchange, sentiment, removal, contact, reporting or disclosure")
    text: str = Field(description="the cue as it appears in the text sent: text[start:end]")
    start: int = Field(description="start offset in Unicode code points (Python string indices)")
    end: int = Field(description="end offset (exclusive), in code points")


class CheckResult(BaseModel):
    probability: float = Field(description="calibrated probability that the text solicits reviews for a reward")
    is_solicitation: bool
    category: str | None = Field(
        description="kind of solicitation when flagged (contest, direct_reward, refund_recruit, review_swap, "
        "paid_review or suppression), else null"
    )
    incentive_type: str | None = Field(
        description="what is offered when flagged (prize_draw, free_product, refund, cash, gift_card, discount, "
        "points, upgrade, reciprocal_review or other), else null"
    )
    sentiment_conditioned: bool = Field(description="the reward depends on a positive review (flagged texts only)")
    evidence: list[EvidenceSpan]


class CheckResponse(BaseModel):
    model_version: str | None
    threshold: float = Field(description="the probability cut that was applied")
    results: list[CheckResult] = Field(description="one result per text, in the order sent")


class ModelInfo(BaseModel):
    model_version: str | None
    sha256: str | None
    library_version: str
    threshold: float = Field(description="the server's default cut")
    thresholds: dict[str, float] = Field(description="the model's named operating points")
    metrics: dict[str, Any] = Field(description="the evaluation recorded in the model manifest")


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready"]
    model_version: str | None


class Problem(BaseModel):
    """An RFC 9457 problem details body."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    limit: str | None = Field(default=None, description="the limit that was exceeded (408, 413)")
    max: int | None = Field(default=None, description="that limit's value (413)")
    errors: list[dict[str, Any]] | None = Field(default=None, description="one entry per invalid field (422)")


def _problem_doc(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


COMMON_ERRORS: dict[int | str, dict[str, Any]] = {500: _problem_doc("Internal error; the body carries a request id")}
V1_ERRORS: dict[int | str, dict[str, Any]] = {**COMMON_ERRORS, 401: _problem_doc("Missing or wrong API key")}
CHECK_ERRORS: dict[int | str, dict[str, Any]] = {
    **V1_ERRORS,
    413: _problem_doc("Too many texts, a text too long, or a body too large; names the limit"),
    422: _problem_doc("Invalid JSON, wrong types or missing fields; names the field"),
}


# --------------------------------------------------------------------------- errors


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


class ProblemError(Exception):
    """Raised by handlers to answer with a problem body."""

    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra


_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Content Too Large",
    422: "Unprocessable Content",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def _request_id(scope: Scope) -> str | None:
    return scope.get("state", {}).get("request_id")


def problem(
    status: int, detail: str | None, scope: Scope, headers: Mapping[str, str] | None = None, **extra: Any
) -> ProblemResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": _TITLES.get(status, "Error"), "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = scope.get("path")
    body["request_id"] = _request_id(scope)
    body.update({k: v for k, v in extra.items() if v is not None})
    return ProblemResponse(body, status_code=status, headers=dict(headers or {}))


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = list(loc[1:] if loc and loc[0] == "body" else loc)
    if parts and parts[0] == "threshold":
        return "threshold"  # hide the union member names pydantic adds to the location
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for error in exc.errors():
        name = _field_name(tuple(error.get("loc", ())))
        kind = str(error.get("type", "value_error"))
        message = str(error.get("msg", "invalid"))
        if kind == "json_invalid":
            name, message = "body", f"invalid JSON ({error.get('ctx', {}).get('error', 'decode error')})"
        elif name == "threshold":
            message = "must be a number in [0, 1] or one of 'balanced', 'precise'"
        elif kind == "model_attributes_type":
            message = "the body must be a JSON object (send Content-Type: application/json)"
        if (name, message) not in seen:
            seen.add((name, message))
            errors.append({"field": name, "message": message.removeprefix("Value error, "), "type": kind})
    return errors


def _parse_failure(cause: BaseException | None) -> str:
    """Why a body that arrived whole could not be read as JSON, in words a client can act on."""
    if isinstance(cause, UnicodeDecodeError):
        return f"not UTF-8 encoded: byte {cause.object[cause.start : cause.start + 1]!r} at offset {cause.start}"
    if isinstance(cause, RecursionError):
        return "nested too deeply; send at most a few hundred levels of arrays and objects"
    if isinstance(cause, ValueError) and "digits" in str(cause):
        return f"a number is too long ({cause}); send numbers of at most 4300 digits"
    if cause is not None and type(cause).__name__ == "ClientDisconnect":
        return "the client disconnected before the body was complete"
    return f"cannot be parsed: {type(cause).__name__ if cause is not None else 'unknown error'}"


def _install_error_handlers(app: FastAPI) -> None:
    async def on_validation(request: Request, exc: Exception) -> ProblemResponse:
        assert isinstance(exc, RequestValidationError)
        errors = _validation_errors(exc)
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem(422, detail, request.scope, errors=errors)

    async def on_http(request: Request, exc: Exception) -> ProblemResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400:
            # FastAPI's answer to a body it could not parse; the cause says why
            cause = exc.__cause__
            if isinstance(cause, _BodyTimeout):
                return cause.response
            message = f"invalid JSON ({_parse_failure(cause)})"
            errors = [{"field": "body", "message": message, "type": "json_invalid"}]
            return problem(422, f"body: {message}", request.scope, errors=errors)
        detail = {404: f"no route {request.url.path}", 405: f"{request.method} is not allowed here"}.get(
            exc.status_code, str(exc.detail) if exc.detail else None
        )
        return problem(exc.status_code, detail, request.scope, headers=exc.headers)

    async def on_problem(request: Request, exc: Exception) -> ProblemResponse:
        assert isinstance(exc, ProblemError)
        return problem(exc.status, exc.detail, request.scope, **exc.extra)

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(ProblemError, on_problem)


# --------------------------------------------------------------------------- middleware


class Guard:
    """The outer layer (only CORS sits outside it): request id, API key, body size, 500s, access log.

    Pure ASGI (no BaseHTTPMiddleware) to keep the per-request cost small. Authentication runs
    before the body is read, so a client without the key learns nothing from validation errors.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_body_bytes = settings.max_body_bytes
        self.max_upload_bytes = settings.max_upload_bytes
        self.body_timeout = settings.body_timeout
        self.api_key_digest = hashlib.sha256(settings.api_key.encode()).digest() if settings.api_key else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope.get("headers", ()))
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            early = self._reject_early(scope, headers)
            if early is not None:
                await early(scope, receive, send_wrapper)
            else:
                timed = self._timed_body(scope, receive)
                await self.app(scope, await self._limited_body(scope, headers, timed), send_wrapper)
        except (_BodyTooLarge, _BodyTimeout) as exc:
            if response_started:
                raise
            await exc.response(scope, receive, send_wrapper)
        except Exception:
            error_logger.exception("internal error (request_id=%s)", request_id)
            if response_started:
                raise
            await problem(500, "internal error; quote the request_id when reporting it", scope)(
                scope, receive, send_wrapper
            )
        finally:
            if access_logger.isEnabledFor(logging.INFO):
                access_logger.info(
                    json.dumps(
                        {
                            "event": "access",
                            "method": scope.get("method"),
                            "path": scope.get("path"),
                            "status": status,
                            "ms": round((time.perf_counter() - started) * 1000, 3),
                            "batch": state.get("batch_size"),
                            "request_id": request_id,
                        }
                    )
                )

    def _reject_early(self, scope: Scope, headers: dict[bytes, bytes]) -> ProblemResponse | None:
        if self.api_key_digest is not None and str(scope.get("path", "")).startswith("/v1/"):
            auth = headers.get(b"authorization", b"")
            scheme, _, token = auth.partition(b" ")
            # compare_digest on equal-length digests: constant time whatever the key length.
            same = hmac.compare_digest(hashlib.sha256(token.strip()).digest(), self.api_key_digest)
            if not same or scheme.lower() != b"bearer":
                detail = "send the API key as 'Authorization: Bearer <key>'"
                return problem(401, detail, scope, headers={"WWW-Authenticate": 'Bearer realm="reviewbait"'})
        length = headers.get(b"content-length")
        if length is not None:
            try:
                size = int(length)
            except ValueError:
                size = 0  # the HTTP server rejects a malformed Content-Length itself
            if size > self._limit(scope)[1]:
                return self._too_large(scope)
        return None

    def _limit(self, scope: Scope) -> tuple[str, int]:
        """Files sent to the page's upload routes have their own, larger limit."""
        if str(scope.get("path", "")).startswith(UPLOAD_PREFIX):
            return "max_upload_bytes", self.max_upload_bytes
        return "max_body_bytes", self.max_body_bytes

    def _too_large(self, scope: Scope) -> ProblemResponse:
        name, limit = self._limit(scope)
        detail = f"the request body exceeds {name} ({limit} bytes)"
        return problem(413, detail, scope, limit=name, max=limit)

    def _timed_body(self, scope: Scope, receive: Receive) -> Receive:
        """The body must arrive within body_timeout seconds of the headers (a client trickling
        it would otherwise hold a connection and a request slot for as long as it likes)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_timeout
        complete = False

        async def timed() -> Message:
            nonlocal complete
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(deadline - loop.time(), 0.0))
            except TimeoutError:
                detail = f"the request body did not arrive within body_timeout ({self.body_timeout:g} s)"
                raise _BodyTimeout(
                    problem(408, detail, scope, headers={"Connection": "close"}, limit="body_timeout")
                ) from None
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        return timed

    async def _limited_body(self, scope: Scope, headers: dict[bytes, bytes], receive: Receive) -> Receive:
        """Without Content-Length (chunked), read the body up to the limit before the app sees it."""
        if b"content-length" in headers or scope.get("method") in ("GET", "HEAD"):
            return receive
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return receive
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._limit(scope)[1]:
                raise _BodyTooLarge(self._too_large(scope))
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay


class _BodyTooLarge(Exception):
    def __init__(self, response: ProblemResponse) -> None:
        self.response = response


class _BodyTimeout(Exception):
    def __init__(self, response: ProblemResponse) -> None:
        self.response = response


# --------------------------------------------------------------------------- dependencies


def get_settings(request: Request) -> Settings:
    """The app's settings; tests may override this dependency."""
    settings: Settings = request.app.state.settings
    return settings


def get_detector(request: Request) -> Detector:
    """The detector loaded at startup; tests may override this dependency."""
    detector: Detector | None = getattr(request.app.state, "detector", None)
    if detector is None:
        raise ProblemError(503, "the model is not loaded")
    return detector


SettingsDep = Annotated[Settings, Depends(get_settings)]
DetectorDep = Annotated[Detector, Depends(get_detector)]


# --------------------------------------------------------------------------- routes

health = APIRouter(tags=["health"])
v1 = APIRouter(prefix="/v1", tags=["v1"], responses=V1_ERRORS)


@health.get("/healthz", responses=COMMON_ERRORS)
async def healthz() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok")


@health.get("/readyz", responses={**COMMON_ERRORS, 503: _problem_doc("The model is not loaded")})
async def readyz(detector: DetectorDep) -> Ready:
    """Readiness: the model is loaded and the server takes requests."""
    return Ready(status="ready", model_version=detector.manifest.get("model_version"))


@v1.get("/model")
async def model_info(detector: DetectorDep) -> ModelInfo:
    """The loaded model: version, SHA-256, operating points and the metrics recorded at training."""
    manifest = detector.manifest
    return ModelInfo(
        model_version=manifest.get("model_version"),
        sha256=manifest.get("sha256"),
        library_version=__version__,
        threshold=detector.threshold,
        thresholds=detector.operating_points,
        metrics=manifest.get("metrics", {}),
    )


@v1.post("/check", responses=CHECK_ERRORS)
def check(body: CheckRequest, request: Request, settings: SettingsDep, detector: DetectorDep) -> CheckResponse:
    """Verdicts for one text (`text`) or a batch (`texts`): always a list of results, in order.

    Same numbers as `Detector.check_many` for the same input. Empty strings score 0.
    """
    # A plain def: scoring is CPU-bound, so it runs in the thread pool, off the event loop.
    texts = body.batch
    request.state.batch_size = len(texts)
    if len(texts) > settings.max_batch:
        raise ProblemError(
            413,
            f"{len(texts)} texts; max_batch is {settings.max_batch}",
            limit="max_batch",
            max=settings.max_batch,
        )
    for index, text in enumerate(texts):
        if len(text) > settings.max_chars:
            where = "text" if body.text is not None else f"texts[{index}]"
            raise ProblemError(
                413,
                f"{where} has {len(text)} characters; max_chars is {settings.max_chars}",
                limit="max_chars",
                max=settings.max_chars,
            )
    try:
        cut = detector.resolve_threshold(body.threshold)
    except ValueError as exc:
        error = {"field": "threshold", "message": str(exc), "type": "value_error"}
        raise ProblemError(422, f"threshold: {exc}", errors=[error]) from None
    verdicts = detector.check_many(texts, threshold=cut)
    return CheckResponse(
        model_version=detector.manifest.get("model_version"),
        threshold=cut,
        results=[_result(v) for v in verdicts],
    )


def _result(verdict: Verdict) -> CheckResult:
    return CheckResult(
        probability=verdict.probability,
        is_solicitation=verdict.is_solicitation,
        category=verdict.category,
        incentive_type=verdict.incentive_type,
        sentiment_conditioned=verdict.sentiment_conditioned,
        evidence=[EvidenceSpan(kind=e.kind, text=e.text, start=e.start, end=e.end) for e in verdict.evidence],
    )


bench = APIRouter(prefix="/bench", tags=["bench"], include_in_schema=False)


@bench.get("/hello")
async def hello() -> Health:
    """A bare endpoint for benchmarks/bench_api.py: the same stack without the model."""
    return Health(status="ok")


# --------------------------------------------------------------------------- app


def create_app(settings: Settings | None = None) -> FastAPI:
    """The FastAPI app. The model loads when the server starts (lifespan), not here."""
    settings = settings if settings is not None else Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        detector = Detector.load(settings.model_dir, threshold=settings.threshold)
        try:
            # warm up, and refuse to start (rather than answer 500 to everyone) when the
            # artifact does not fit this code, e.g. features changed since it was trained
            detector.check_many([WARM_UP, ""])
        except Exception as exc:
            raise ModelVersionError(
                f"the model loaded but cannot score ({type(exc).__name__}: {exc}); "
                "retrain it with `reviewbait train` or install the matching reviewbait version"
            ) from exc
        app.state.detector = detector
        try:
            yield
        finally:
            app.state.detector = None

    app = FastAPI(
        title="reviewbait",
        version=__version__,
        summary="Detect review solicitation: rewards offered in exchange for reviews or ratings.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.detector = None
    app.include_router(health)
    app.include_router(v1)
    from reviewbait.page import files, page  # the moderators' page at / (imports this module)

    app.include_router(files)
    app.include_router(page)
    if settings.bench:
        app.include_router(bench)
    _install_error_handlers(app)
    app.add_middleware(Guard, settings=settings)
    if settings.cors_origins:  # outside the guard: preflights carry no API key, and 401s get CORS headers
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID"],
        )
    _document_limits(app, settings)
    return app


def _document_limits(app: FastAPI, settings: Settings) -> None:
    """Put the configured limits and the API key scheme into the OpenAPI schema."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        properties = schemas["CheckRequest"]["properties"]
        for prop in properties.values():
            # null is rejected (leave the field out), so the schema does not offer it
            options = [o for o in prop.pop("anyOf", []) if o.get("type") != "null"]
            if len(options) == 1:
                prop.update(options[0])
            elif options:
                prop["anyOf"] = options
            prop.pop("default", None)
        properties["texts"]["maxItems"] = settings.max_batch
        properties["texts"]["items"]["maxLength"] = settings.max_chars
        properties["text"]["maxLength"] = settings.max_chars
        if settings.api_key:
            components.setdefault("securitySchemes", {})["bearer"] = {"type": "http", "scheme": "bearer"}
            for path, operations in schema.get("paths", {}).items():
                if path.startswith("/v1/"):
                    for operation in operations.values():
                        operation["security"] = [{"bearer": []}]
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                # FastAPI documents its own 422 shape; ours is a problem body (see CHECK_ERRORS)
                responses = operation.get("responses", {})
                if "422" in responses and PROBLEM_JSON not in responses["422"].get("content", {}):
                    responses["422"] = _problem_doc("Invalid JSON, wrong types or missing fields; names the field")
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def configure_access_log(stream: Any = None) -> None:
    """Send the access log (one JSON line per request) to ``stream`` (default stderr)."""
    if not access_logger.handlers:
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_logger.addHandler(handler)
    access_logger.setLevel(logging.INFO)
    access_logger.propagate = False


def app_from_env() -> FastAPI:
    """Uvicorn factory (``reviewbait.api:app_from_env``): settings from ``REVIEWBAIT_*``, access log on."""
    configure_access_log()
    return create_app(Settings.from_env())


MAX_HEADER_BYTES = 16 * 1024


def server_config(app: Any, settings: Settings, **options: Any) -> Any:
    """The uvicorn configuration ``serve`` runs with: slow clients are timed out, connections capped.

    uvicorn closes an idle kept-alive connection (``timeout_keep_alive``) and answers 503 past
    ``limit_concurrency``, but has no deadline for the request itself: a client trickling its
    headers byte by byte holds a connection for ever. The HTTP protocol class of
    :mod:`reviewbait.deadline` adds one; the body's deadline is the Guard's.
    """
    import uvicorn

    from reviewbait.deadline import DeadlineHTTPProtocol

    config = uvicorn.Config(
        app,
        http=DeadlineHTTPProtocol,
        access_log=False,  # ours is structured and never logs the texts
        proxy_headers=False,
        server_header=False,
        timeout_keep_alive=math.ceil(settings.idle_timeout),  # uvicorn takes whole seconds
        limit_concurrency=settings.max_connections,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        **options,
    )
    config.reviewbait_header_timeout = settings.header_timeout  # type: ignore[attr-defined]
    return config


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Run uvicorn; each worker process builds its app from the settings passed through the environment."""
    import uvicorn

    from reviewbait.artifact import ARTIFACT_NAME, ModelNotFoundError, default_model_dir

    model = settings.model_dir or default_model_dir()
    if not (model.is_file() or (model / ARTIFACT_NAME).exists()):
        # fail here with one line, not in every worker with a traceback
        raise ModelNotFoundError(f"no model artifact at {model}; run `reviewbait train` or pass --model")
    os.environ.update(settings.to_env())
    config = server_config("reviewbait.api:app_from_env", settings, factory=True, host=host, port=port, workers=workers)
    if workers == 1:
        uvicorn.Server(config).run()
        return
    from uvicorn.supervisors import Multiprocess

    # uvicorn's own listener for workers > 1 has proto 0, so asyncio never sets TCP_NODELAY on
    # the connections and every keep-alive answer waits ~40 ms for a delayed ACK
    # (https://github.com/Kludex/uvicorn/issues/3149); bind it here as TCP instead.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.set_inheritable(True)
    logging.getLogger("uvicorn.error").info("Uvicorn running on http://%s:%d with %d workers", host, port, workers)
    Multiprocess(config, sockets=[listener]).run()
