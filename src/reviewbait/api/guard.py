"""The middleware: request ids, body limits and deadlines, the access log, the last-resort 500."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reviewbait.api.problems import ProblemResponse, _BodyTimeout, _BodyTooLarge, problem
from reviewbait.api.settings import _REQUEST_ID, UPLOAD_PREFIX, Settings, access_logger, error_logger

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
