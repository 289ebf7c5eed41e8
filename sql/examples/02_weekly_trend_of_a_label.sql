-- Question: How many security-breach articles and stories were published each ISO week (UTC)
-- over the last 12 weeks, including weeks with none?
-- Weeks come from generate_series so quiet weeks show as 0; counts from `weekly_label_counts`.
SELECT to_char(w.week_start, 'IYYY-"W"IW') AS iso_week,
       w.week_start::date AS week_start,
       coalesce(c.articles, 0) AS articles,
       coalesce(c.stories, 0) AS stories
FROM generate_series(date_trunc('week', now() AT TIME ZONE 'UTC') - interval '11 weeks',
                     date_trunc('week', now() AT TIME ZONE 'UTC'),
                     interval '1 week') AS w(week_start)
LEFT JOIN weekly_label_counts c
       ON c.week_start = w.week_start::date AND c.label = 'security_breach'
ORDER BY w.week_start;
