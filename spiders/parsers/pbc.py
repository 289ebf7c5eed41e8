"""People's Bank of China (pbc.gov.cn) announcement pages.

Their pages are table layouts without OpenGraph or JSON-LD: the title sits in `h2`/`#zoom`
headers and the date only in running text ("日期：2018-12-16" / "2018年12月16日"), which
generic extraction misses. Layout inferred from public descriptions, not checked live
(see the registry entry's `verified: false`).
"""

from __future__ import annotations

from lxml.html import HtmlElement

from spiders.dates import find_date_in_text
from spiders.metadata import clean_space
from spiders.parsers import ParsedFields, SiteParser


class PbcTableLayout(SiteParser):
    version = "1"

    def parse(self, tree: HtmlElement, url: str) -> ParsedFields:
        found: ParsedFields = {}
        title = tree.xpath("//h2[1] | //td[contains(@class,'title')][1] | //*[@id='title'][1]")
        if title:
            found["title"] = clean_space(title[0].text_content())
        body = tree.xpath("//*[@id='zoom'][1]")
        if body:
            paragraphs = [clean_space(p.text_content()) for p in body[0].xpath(".//p")]
            text = "\n".join(p for p in paragraphs if p) or clean_space(body[0].text_content())
            if text:
                found["text"] = text
        header = tree.xpath("//*[@id='shijian'] | //td[contains(@class,'hui12')] | //*[contains(@class,'date')]")
        for el in header:
            published = find_date_in_text(el.text_content(), tz="Asia/Shanghai")
            if published:
                found["published"] = published
                break
        return found
