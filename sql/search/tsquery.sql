-- Build the search tsquery (chainwatch.search). Returns its text form, '' when the query has
-- no searchable words (only stop words or punctuation).
--   en        text    the query without its Chinese characters, websearch syntax, English config
--                         (stemmed: 'laundering' finds 'launder')
--   zh_words  text[]  Chinese words of the query (jieba precise mode)
--   zh_parts  text[]  per word, the jieba search-mode sub-words that cover it ('' when none):
--                         a word matches an article holding the word or all of its sub-words
-- All Chinese words are required; the Chinese half is ANDed with the English half.
SELECT coalesce(
           CASE WHEN numnode(en.q) > 0 AND zh.q IS NOT NULL THEN en.q && zh.q
                WHEN numnode(en.q) > 0 THEN en.q
                ELSE zh.q
           END::text, '')
FROM (SELECT websearch_to_tsquery('english', %(en)s) AS q) en,
     (SELECT chainwatch_tsquery_and(plainto_tsquery('simple', g.w) || plainto_tsquery('simple', g.p)) AS q
      FROM unnest(%(zh_words)s::text[], %(zh_parts)s::text[]) AS g(w, p)) zh;
