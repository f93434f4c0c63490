"""Server settings, from ``REVIEWBAIT_*`` variables or ``reviewbait serve`` flags, and the loggers."""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewbait.errors import InputError

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
