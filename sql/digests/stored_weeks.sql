-- Stored digests, newest week first: the formats kept for each week, item count, when generated
-- (chainwatch.storage.digests.stored_weeks; the web app's archive).
SELECT iso_week, array_agg(format ORDER BY format) AS formats, max(item_count) AS item_count,
       max(generated_at) AS generated_at
FROM digests
GROUP BY iso_week
ORDER BY iso_week DESC;
