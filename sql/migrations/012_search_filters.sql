-- Search filters inside the search index (chainwatch.search, sql/search/matches*.sql).
--
-- (Numbered 012: 010 is taken by issue 15's story links, 011 by published_day.)
--
-- Migration 004's articles_search indexed tsv plus an id-block lexeme, so a window of ids is part of
-- the text query. The source, language and official-versus-news filters were plain conditions on the
-- rows: a common word with a narrow filter (category=official: 5 sources of 40; lang=zh: 5% of the
-- articles) read every text match from the table to keep a few, and the planner, which cannot see
-- which sources a category holds, often chose to read all ids newest first instead (on the
-- 1,000,000-article benchmark: 'exchange hacked' with category=official read 335,000 rows, 0.42 s;
-- 'bitcoin' with lang=zh 43,000 rows, 0.27 s).
--
-- This index adds two more lexemes per article, '# <source id>' and '% <language>', so the filters
-- become part of the text query as well and the GIN index returns only the matching articles:
--   chainwatch_search_tsv(tsv, id, source_id, lang) @@ (query && ('@ 98' | '@ 99') && '% zh')
--   category=official: && ('# sec' | '# cftc' | ...), the category's sources (looked up per search).
-- Only narrow filters go in (chainwatch.search._filters): a broad one (English, news) would make the
-- index read long lexeme lists for little.
-- No parser emits a lexeme with a space, so these cannot collide with words. Such a condition is
-- exact (a lexeme is there exactly when the column has that value), not a hint.
CREATE FUNCTION chainwatch_search_tsv(tsv tsvector, id bigint, source_id text, lang text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT tsv || array_to_tsvector(array_remove(
              ARRAY['@ ' || (id / 10000)::text, '# ' || source_id, '% ' || lang], NULL)) $$;

CREATE INDEX articles_search_filtered ON articles USING gin (chainwatch_search_tsv(tsv, id, source_id, lang));

-- It does everything the old one did (the id blocks are still there).
DROP INDEX articles_search;
DROP FUNCTION chainwatch_search_tsv(tsvector, bigint);
