-- Full-text search support (chainwatch.search, sql/search/*.sql, docs/schema.md "Full-text search").

-- AND-combine tsqueries: builds the Chinese half of a search query from one tsquery per word.
-- tsquery_and is the function behind the && operator; being strict, the first non-null input
-- becomes the state and NULL inputs are skipped; no input gives NULL.
CREATE AGGREGATE chainwatch_tsquery_and(tsquery) (SFUNC = tsquery_and, STYPE = tsquery);

-- Search ranks the newest matches (highest ids) and looks for them window by window, newest first
-- (sql/search/matches.sql). A GIN index cannot return rows in id order, and PostgreSQL often
-- underestimates how many articles match several words that go together ("rug pull", "e-CNY"), so
-- with articles_tsv alone each window read every matching article of the whole table. This index
-- adds one extra lexeme per article naming its block of 10,000 ids ('@ 42' for ids 420000-429999;
-- no parser emits a lexeme with a space), so a window is part of the text query itself:
--   chainwatch_search_tsv(tsv, id) @@ (query && ('@ 98' | '@ 99'))
-- and the index returns only that window's matches. It is articles.tsv plus that lexeme; the
-- function is the one place the block size lives (chainwatch.search.BLOCK must agree).
CREATE FUNCTION chainwatch_search_tsv(tsv tsvector, id bigint) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT tsv || array_to_tsvector(ARRAY['@ ' || (id / 10000)::text]) $$;
CREATE INDEX articles_search ON articles USING gin (chainwatch_search_tsv(tsv, id));

-- With --source or --lang, a window can also be read from these, newest first (a common word) or as
-- a bitmap ANDed with the one above.
CREATE INDEX articles_source_id_desc ON articles (source_id, id);
CREATE INDEX articles_lang_id ON articles (lang, id);

-- Keep tsv in the row (compressed when needed, moved out of line only as a last resort) and let the
-- text go to TOAST first. Checking `tsv @@ query` on an article (reading newest first, rechecking a
-- phrase) then reads one heap page instead of a TOAST index and chunks: about 4x fewer page reads.
ALTER TABLE articles ALTER COLUMN tsv SET STORAGE MAIN;
