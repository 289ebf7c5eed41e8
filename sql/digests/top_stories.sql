-- The week's best stories for every label. Near-duplicate copies (same story_id) count as one
-- story. Ranking: the story's best probability for the label, in bands of 0.1, so that between
-- stories of about the same confidence the one carried by more sources (then more copies) comes
-- first; exact probability, then the earliest copy, break the remaining ties.
-- The story is shown with its best copy's title, link and evidence sentence.
WITH week_labels AS (
    SELECT article_id, story_id, source_id, label, probability, evidence, title, canonical_url, published_at
    FROM digest_article_labels
    WHERE published_at >= %(start)s AND published_at < %(end)s
), per_story AS (
    SELECT label, story_id,
           max(probability) AS score,
           count(*) AS items,
           count(DISTINCT source_id) AS sources,
           min(published_at) AS first_published,
           (array_agg(article_id ORDER BY probability DESC, published_at, article_id))[1] AS best_article
    FROM week_labels
    GROUP BY label, story_id
), ranked AS (
    SELECT *, row_number() OVER (
               PARTITION BY label
               ORDER BY floor(score * 10) DESC, sources DESC, items DESC, score DESC, first_published, story_id
           ) AS rank
    FROM per_story
)
SELECT r.label, r.rank, r.story_id, r.score, r.items, r.sources,
       b.title, b.canonical_url, b.evidence
FROM ranked r
JOIN week_labels b ON b.article_id = r.best_article AND b.label = r.label
WHERE r.rank <= %(per_label)s
ORDER BY r.label, r.rank;
