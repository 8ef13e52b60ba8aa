#!/usr/bin/env bash
# What `npm run bench` needs beyond npm: wrk, the HTTP rows' load generator (Debian's package).
# Installed when missing, as scripts/test-services.sh installs the test services; a no-op when present.
set -euo pipefail
if ! command -v wrk >/dev/null; then
  echo "bench-tools: installing wrk (the HTTP benches' load generator)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
