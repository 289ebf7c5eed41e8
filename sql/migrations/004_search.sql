-- Full-text search support (chainwatch.search, sql/search/*.sql, docs/schema.md "Full-text search").

-- AND-combine tsqueries: builds the Chinese half of a search query from one tsquery per word.
-- tsquery_and is the function behind the && operator; being strict, the first non-null input
-- becomes the state and NULL inputs are skipped; no input gives NULL.
CREATE AGGREGATE chainwatch_tsquery_and(tsquery) (SFUNC = tsquery_and, STYPE = tsquery);

-- Search filtered by language (--lang): a bitmap of one language's rows, ANDed with the GIN
-- bitmap of the words, or read newest first when the words are common.
CREATE INDEX articles_lang_published ON articles (lang, published_at);
