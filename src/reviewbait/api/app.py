"""The app: ``create_app`` includes the routers, loads the model in the lifespan; ``serve`` runs uvicorn."""

from __future__ import annotations

import logging
import math
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from reviewbait import __version__
from reviewbait.api.guard import Guard
from reviewbait.api.problems import _install_error_handlers
from reviewbait.api.routes import bench, health, v1
from reviewbait.api.schemas import Problem, _problem_doc
from reviewbait.api.settings import PROBLEM_JSON, WARM_UP, Settings, access_logger
from reviewbait.artifact import ModelVersionError
from reviewbait.detector import Detector

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
    from reviewbait.api.page import files, page  # the moderators' page at / (imports this module)

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
    :mod:`reviewbait.api.deadline` adds one; the body's deadline is the Guard's.
    """
    import uvicorn

    from reviewbait.api.deadline import DeadlineHTTPProtocol

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
