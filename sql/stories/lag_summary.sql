-- Regulator lag over releases dated in [%(since)s, %(until)s) (view regulator_lag, migration 010):
-- how many stories, the median lag to the first press report and to the first Chinese one (hours),
-- and how many stories the press reported before the release was dated (negative lag).
SELECT count(*) AS stories,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM lag)) / 3600.0 AS median_hours,
       count(*) FILTER (WHERE lag < interval '0') AS press_first,
       count(zh_lag) AS zh_stories,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM zh_lag)) / 3600.0 AS zh_median_hours
FROM regulator_lag
WHERE released_at >= %(since)s AND released_at < %(until)s
