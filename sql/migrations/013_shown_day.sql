-- 013: one definition of the date to show for an article (issue 15).
--
-- Where only a date is shown (digests, search, the web, entity pages, alerts), ChainWatch shows the
-- publisher's own day (articles.published_day, 011), else published_at's UTC day for rows stored before
-- 011. Queries spelled that fallback out each time; they call this function instead. The 011 view
-- digest_articles keeps its own copy of the expression (migrations are not rewritten).

CREATE OR REPLACE FUNCTION chainwatch_shown_day(published_day date, published_at timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT coalesce(published_day, (published_at AT TIME ZONE 'UTC')::date) $$;
