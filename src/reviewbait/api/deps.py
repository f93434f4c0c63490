"""The dependencies routes declare (``Annotated``), which tests override."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from reviewbait.api.problems import ProblemError
from reviewbait.api.settings import Settings
from reviewbait.detector import Detector

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
