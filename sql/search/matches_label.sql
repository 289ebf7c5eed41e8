-- Search step 2 with --label (chainwatch.search): as matches.sql (same window walk and block
-- lexemes), restricted to articles whose latest classification has label positive. This is the
-- article_labels view's rule (latest classified_at, then highest model_version), spelled out on the
-- base tables so that the window also reaches classifications_label_positive (label, article_id) as
-- a range: the planner can read the label's articles in the window newest first and stop after
-- pool matches, or start from the GIN index when the words are rarer than the label.
-- min_score: the label's probability at least this (0 for any positive). restrict: as matches.sql.
-- tests/storage/test_search.py checks that it agrees with the view.
SELECT c.article_id
FROM classifications c
JOIN classified_articles ca ON ca.article_id = c.article_id AND ca.model_version = c.model_version
JOIN articles a ON a.id = c.article_id
WHERE c.label = %(label)s::text
  AND c.positive
  AND c.probability >= %(min_score)s::real
  AND c.article_id > %(id_lo)s AND c.article_id <= %(id_hi)s
  AND a.id > %(id_lo)s AND a.id <= %(id_hi)s
  AND NOT EXISTS (
      SELECT 1 FROM classified_articles newer
      WHERE newer.article_id = ca.article_id
        AND (newer.classified_at, newer.model_version) > (ca.classified_at, ca.model_version))
  AND CASE WHEN %(restrict)s::tsquery IS NULL THEN a.tsv @@ %(tsq)s::tsquery
           ELSE chainwatch_search_tsv(a.tsv, a.id, a.source_id, a.lang) @@ (%(tsq)s::tsquery && %(restrict)s::tsquery) END
  AND (%(since)s::timestamptz IS NULL OR a.published_at >= %(since)s::timestamptz)
  AND (%(until)s::timestamptz IS NULL OR a.published_at < %(until)s::timestamptz)
  AND (%(lang)s::text IS NULL OR a.lang = %(lang)s::text)
  AND (%(category_sources)s::text[] IS NULL OR a.source_id = ANY(%(category_sources)s::text[]))
  AND (cardinality(%(entities)s::text[]) = 0
       OR (SELECT count(DISTINCT l.entity_id) FROM article_entity_list l
           WHERE l.article_id = a.id AND l.entity_id = ANY(%(entities)s::text[])) = cardinality(%(entities)s::text[]))
ORDER BY c.article_id DESC
LIMIT %(pool)s;
