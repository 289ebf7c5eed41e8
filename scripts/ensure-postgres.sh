#!/usr/bin/env bash
# Tests use the PostgreSQL server on 127.0.0.1:5432: start the machine's cluster when it is installed and
# down. With no server at all the tests start an embedded one themselves (tests/conftest.py, pgserver).
set -euo pipefail
[ -n "${TEST_PG_ADMIN_URL:-}" ] && exit 0
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi
if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done
fi
echo "note: no PostgreSQL server on 127.0.0.1:5432; the tests will start an embedded one (pgserver)" >&2
exit 0
