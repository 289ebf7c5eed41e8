-- Every copy of the given stories (any week), oldest first: the sources and links of each story.
SELECT story_id, article_id, source_id, source_name, title, canonical_url, published_day
FROM digest_articles
WHERE story_id = ANY(%(story_ids)s)
ORDER BY story_id, published_at NULLS LAST, article_id;
