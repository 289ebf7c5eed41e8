"""Article: title, source, date, language, link to the original; every label's score with the
evidence of the positive ones; the other copies of the story; the extracted text."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from chainwatch.web import reads
from chainwatch.web.pages.common import render, settings

router = APIRouter(include_in_schema=False)


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> Response:
    art = reads.article_detail(settings(request), article_id)
    return render(request, "article.html.j2", article=art, paragraphs=[p for p in art["text"].split("\n") if p.strip()])
