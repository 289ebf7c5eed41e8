"""GET /api/v1/labels, /api/v1/labels/{label}, /api/v1/labels/{label}/weeks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from chainwatch.web import reads
from chainwatch.web.api.models import ERRORS, LabelOut, LabelWeeksOut
from chainwatch.web.params import LABEL_PATTERN, Since, Until

router = APIRouter(prefix="/api/v1", tags=["labels"], responses=ERRORS)
LabelId = Annotated[str, Path(pattern=LABEL_PATTERN)]


@router.get("/labels", response_model=list[LabelOut])
def list_labels() -> list[dict[str, Any]]:
    """The taxonomy: every risk category and policy theme with its definition and keywords."""
    return [reads.label_json(lab) for lab in reads.labels_by_id().values()]


@router.get("/labels/{label}", response_model=LabelOut)
def get_label(label: LabelId) -> dict[str, Any]:
    known = reads.labels_by_id()
    if label not in known:
        raise reads.NotFound(f"unknown label {label!r}; valid labels: {', '.join(known)}")
    return reads.label_json(known[label])


@router.get("/labels/{label}/weeks", response_model=LabelWeeksOut)
def label_weeks(
    request: Request,
    label: LabelId,
    since: Since = None,
    until: Until = None,
    weeks: Annotated[int, Query(ge=1, le=520, description="Without since: how many weeks.")] = 26,
) -> dict[str, Any]:
    """Items with the label per ISO week (UTC), every week of the range, spikes marked by the
    digest's rule. Default: the last `weeks` weeks up to the newest article."""
    return reads.label_weeks(request.app.state.settings, label, since, until, weeks)
