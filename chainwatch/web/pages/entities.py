"""Entities: the list by kind with counts; one entity's names in both languages, weekly mentions and
newest articles (docs/entities.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from chainwatch.web import entity_reads
from chainwatch.web.charts import bar_chart
from chainwatch.web.pages.common import render, settings

router = APIRouter(include_in_schema=False)


@router.get("/entities")
def entities_page(
    request: Request,
    kind: Annotated[str | None, Query(max_length=20)] = None,
    all: Annotated[bool, Query(description="List unmentioned entities too.")] = False,
) -> Response:
    rows = entity_reads.entity_list(settings(request), kind, min_articles=0 if all else 1)
    return render(
        request,
        "entities.html.j2",
        sections=entity_reads.by_kind(rows),
        kinds=entity_reads.KINDS,
        kind=kind,
        show_all=all,
    )


@router.get("/entities/{entity}")
def entity_page(request: Request, entity: Annotated[str, Path(min_length=1, max_length=100)]) -> Response:
    data = entity_reads.entity_detail(settings(request), entity)
    chart = bar_chart([{"iso_week": w["iso_week"], "items": w["articles"]} for w in data["weeks"]])
    return render(request, "entity.html.j2", entity=data, chart=chart)
