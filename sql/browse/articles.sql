-- Browse articles, newest first (chainwatch.storage.browse.list_articles): the article listing of the
-- web app and of GET /api/v1/articles without a text query. Keyset paging on (published_at, id):
-- the next page starts after the last row of this one. Undated articles are not listed (they have
-- no place in a date order; text search finds them).
--   label, min_score   text, real or NULL: only articles whose latest classification has the label
--                      positive with at least that probability (article_labels' rule)
--   source, lang       text or NULL
--   category           'news' | 'official' or NULL (the source's category)
--   since, until       timestamptz or NULL: since <= published_at < until
--   after_published, after_id   the last row of the previous page, or NULL for the first page
--   lim                rows to return
SELECT a.id, a.title, a.canonical_url, a.source_id, s.name AS source_name, s.category,
       a.published_at, a.lang, coalesce(a.story_id, a.id) AS story_id,
       chainwatch_shown_day(a.published_day, a.published_at) AS published_day,  -- the publisher's day, else UTC's (013)
       left(coalesce(nullif(a.lead, ''), a.text), 300) AS lead,
       (SELECT json_agg(json_build_object('label', dal.label, 'score', dal.probability)
                        ORDER BY dal.probability DESC, dal.label)
        FROM digest_article_labels dal WHERE dal.article_id = a.id) AS labels
FROM articles a
JOIN sources s ON s.id = a.source_id
WHERE a.published_at IS NOT NULL
  AND (%(since)s::timestamptz IS NULL OR a.published_at >= %(since)s::timestamptz)
  AND (%(until)s::timestamptz IS NULL OR a.published_at < %(until)s::timestamptz)
  AND (%(source)s::text IS NULL OR a.source_id = %(source)s::text)
  AND (%(lang)s::text IS NULL OR a.lang = %(lang)s::text)
  AND (%(category)s::text IS NULL OR s.category = %(category)s::text)
  AND (%(after_id)s::bigint IS NULL
       OR (a.published_at, a.id) < (%(after_published)s::timestamptz, %(after_id)s::bigint))
  AND (%(label)s::text IS NULL OR EXISTS (
           SELECT 1 FROM digest_article_labels dal
           WHERE dal.article_id = a.id AND dal.label = %(label)s::text
             AND dal.probability >= coalesce(%(min_score)s::real, 0)))
ORDER BY a.published_at DESC, a.id DESC
LIMIT %(lim)s;
