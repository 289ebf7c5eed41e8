-- Settings for the digest's read-only transaction (SET LOCAL: they end with it).
-- jit: the digest's queries take milliseconds to a few hundred; on a large database their cost
--   estimates pass jit_above_cost and PostgreSQL spends up to a second compiling them.
-- random_page_cost: the digest reads a small, recent and usually cached slice of big tables;
--   at the default (4, tuned for spinning disks) the planner prefers hashing whole tables
--   to probing their indexes for each article of the slice.
-- work_mem: the digest's aggregates hash or sort up to ~100k rows; 4MB spills them to disk.
SET LOCAL jit = off;
SET LOCAL random_page_cost = 1.1;
SET LOCAL work_mem = '64MB';
