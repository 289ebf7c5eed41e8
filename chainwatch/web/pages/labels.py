"""Labels: the taxonomy; one label's definition, weekly trend chart, recent items and past spikes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from chainwatch.web import reads
from chainwatch.web.charts import bar_chart
from chainwatch.web.pages.common import render, settings
from chainwatch.web.params import LABEL_PATTERN

router = APIRouter(include_in_schema=False)


@router.get("/labels")
def labels_page(request: Request) -> Response:
    labels = list(reads.labels_by_id().values())
    return render(request, "labels.html.j2", labels=labels)


@router.get("/labels/{label}")
def label_page(request: Request, label: Annotated[str, Path(pattern=LABEL_PATTERN)]) -> Response:
    data = reads.label_detail(settings(request), label)
    return render(request, "label.html.j2", chart=bar_chart(data["weeks"]), **data)
