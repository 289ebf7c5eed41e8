-- Full-text search support (chainwatch.search, sql/search/*.sql, docs/schema.md "Full-text search").

-- AND-combine tsqueries: builds the Chinese half of a search query from one tsquery per word.
-- tsquery_and is the function behind the && operator; being strict, the first non-null input
-- becomes the state and NULL inputs are skipped; no input gives NULL.
CREATE AGGREGATE chainwatch_tsquery_and(tsquery) (SFUNC = tsquery_and, STYPE = tsquery);

-- Search collects the newest matches first (ORDER BY id DESC LIMIT pool). With --source or --lang and
-- a common word, these let it read one source's / language's articles newest first and stop early;
-- with a rare word, their bitmaps are ANDed with the GIN bitmap of tsv.
CREATE INDEX articles_source_id_desc ON articles (source_id, id);
CREATE INDEX articles_lang_id ON articles (lang, id);

-- Keep tsv in the row (compressed when needed, moved out of line only as a last resort) and let the
-- text go to TOAST first. Checking `tsv @@ query` on an article (reading newest first, rechecking a
-- phrase) then reads one heap page instead of a TOAST index and chunks: about 4x fewer page reads.
ALTER TABLE articles ALTER COLUMN tsv SET STORAGE MAIN;
