#!/usr/bin/env bash
# The digest's browser test renders it in Debian's headless Chromium.
set -euo pipefail
command -v chromium >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "error: the browser test needs Chromium: sudo apt-get install chromium" >&2; exit 1
fi
