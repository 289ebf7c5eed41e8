-- One stored digest (chainwatch.storage.digests.stored).
--   iso_week  text ('2026-W47'); format  'html' | 'md'
SELECT content, item_count, generated_at FROM digests WHERE iso_week = %(iso_week)s AND format = %(format)s;
