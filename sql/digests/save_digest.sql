-- Store one rendered digest; re-running a week replaces its row (UNIQUE (iso_week, format)).
INSERT INTO digests (iso_week, format, content, item_count, generated_at)
VALUES (%(iso_week)s, %(format)s, %(content)s, %(item_count)s, %(generated_at)s)
ON CONFLICT (iso_week, format) DO UPDATE
SET content = EXCLUDED.content, item_count = EXCLUDED.item_count, generated_at = EXCLUDED.generated_at;
