"""HTTP API and the moderators' page: a thin FastAPI layer over :class:`~reviewbait.detector.Detector`.

``create_app(settings)`` builds the app; the model is loaded once, in the lifespan, never at
import. Run it with ``reviewbait serve`` (``pip install reviewbait[api]``).

Every error is an RFC 9457 problem (``application/problem+json``), never a stack trace. One
JSON line per request goes to the ``reviewbait.access`` logger (method, path, status, ms,
batch size; never the texts).
"""

from __future__ import annotations

from reviewbait.api.app import app_from_env, create_app, serve, server_config
from reviewbait.api.deps import get_detector, get_settings
from reviewbait.api.settings import Settings

__all__ = ["Settings", "app_from_env", "create_app", "get_detector", "get_settings", "serve", "server_config"]
