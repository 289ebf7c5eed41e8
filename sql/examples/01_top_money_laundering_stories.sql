-- Question: What were the top money-laundering stories of the last 30 days?
-- A story is a group of near-duplicate articles (the `stories` view); it counts when at least one of
-- its articles carries the money_laundering label (latest model, `article_labels`). Stories carried
-- by more sources come first, then more labelled articles, then the most confident label.
-- Change the label id or the interval to ask about another risk or period.
WITH labelled AS (
    SELECT story_id, count(*) AS labelled_articles, max(probability) AS top_probability
    FROM article_labels
    WHERE label = 'money_laundering'
      AND published_at >= now() - interval '30 days'
    GROUP BY story_id
)
SELECT s.story_id, s.title, s.sources, s.source_ids, l.labelled_articles,
       round(l.top_probability::numeric, 2) AS top_probability, s.first_published
FROM labelled l
JOIN stories s ON s.story_id = l.story_id
ORDER BY s.sources DESC, l.labelled_articles DESC, l.top_probability DESC, s.story_id
LIMIT 10;
