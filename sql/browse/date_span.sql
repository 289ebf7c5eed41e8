-- The first and last publication times of stored articles (NULLs when there are none).
SELECT min(published_at), max(published_at) FROM articles;
