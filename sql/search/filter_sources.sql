-- The registered sources behind the search's filters (chainwatch.search._filters): how many sources
-- there are, how many publish in the language asked for, and the ids of the category asked for. A
-- filter that keeps a minority of the sources goes into the search index's query as lexemes
-- (migration 012); a broad one (news, English) would make the index read long lists for little.
--   lang, category  text or NULL
SELECT count(*),
       count(*) FILTER (WHERE lang = %(lang)s::text),
       coalesce(array_agg(id ORDER BY id) FILTER (WHERE category = %(category)s::text), '{}')
FROM sources;
