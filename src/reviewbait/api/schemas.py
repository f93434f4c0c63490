"""Request and response models, and the problem documents of the OpenAPI schema."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from reviewbait.api.settings import PROBLEM_JSON

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
