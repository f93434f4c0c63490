"""Every error as an RFC 9457 problem (``application/problem+json``), never a stack trace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from reviewbait.api.settings import PROBLEM_JSON

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


class _BodyTooLarge(Exception):
    def __init__(self, response: ProblemResponse) -> None:
        self.response = response


class _BodyTimeout(Exception):
    def __init__(self, response: ProblemResponse) -> None:
        self.response = response
