"""A rule's full-text query, in `chainwatch search` syntax, as the tsquery the rule matches with
(built the same way as the search's: chainwatch.textsearch.tsquery_text)."""

from __future__ import annotations

from psycopg2.extensions import cursor as Cursor

from chainwatch.alerts.rules import AlertRuleError
from chainwatch.textsearch import tsquery_text


def rule_tsquery(cur: Cursor, query: str) -> str:
    """The tsquery text; AlertRuleError when the query has no searchable word."""
    text = tsquery_text(cur, query)
    if not text:
        raise AlertRuleError(f"--query {query!r} has no searchable words (only stop words or punctuation)")
    return text
