"""A deadline for a request's headers: what uvicorn lacks against clients that trickle them.

uvicorn's keep-alive timeout runs only between requests and is reset by every byte received,
so a client sending its headers one byte at a time (slowloris) holds a connection, and with
enough of them every connection the server has, for as long as it likes (uvicorn issue #157
asks for ``--timeout-request-start``). This protocol class arms a timer when a connection
opens and when the first byte of each later request arrives, and disarms it once the
headers are complete; if it fires first, the client gets ``408 Request Timeout`` and the
connection is closed. The body has its own deadline, in the API's Guard.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

__all__ = ["DEFAULT_HEADER_TIMEOUT", "DeadlineHTTPProtocol"]

DEFAULT_HEADER_TIMEOUT = 10.0
_TIMEOUT_RESPONSE = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


class DeadlineHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    """uvicorn's HTTP protocol (httptools when installed, else h11) with a header deadline.

    The seconds come from ``config.reviewbait_header_timeout`` (set by
    :func:`reviewbait.api.server_config`), so the class can be named in a uvicorn config that
    worker processes rebuild.
    """

    def __init__(self, config: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._header_timeout = float(getattr(config, "reviewbait_header_timeout", DEFAULT_HEADER_TIMEOUT))
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._between_requests():
            self._arm()  # the first bytes of a request on a kept-alive connection
        super().data_received(data)
        if not self._between_requests():
            self._disarm()  # the headers are in: the app has the request

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _between_requests(self) -> bool:
        cycle = self.cycle
        return cycle is None or bool(cycle.response_complete)

    def _arm(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self._header_timeout, self._expired)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _expired(self) -> None:
        self._header_deadline = None
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if self._between_requests():
            transport.write(_TIMEOUT_RESPONSE)
        transport.close()
