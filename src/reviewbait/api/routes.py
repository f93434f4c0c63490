"""The routers: health, /v1 (model, check) and the bench route."""

from __future__ import annotations

from fastapi import APIRouter, Request

from reviewbait import __version__
from reviewbait.api.deps import DetectorDep, SettingsDep
from reviewbait.api.problems import ProblemError
from reviewbait.api.schemas import (
    CHECK_ERRORS,
    COMMON_ERRORS,
    V1_ERRORS,
    CheckRequest,
    CheckResponse,
    CheckResult,
    EvidenceSpan,
    Health,
    ModelInfo,
    Ready,
    _problem_doc,
)
from reviewbait.detector import Verdict

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
