#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than package-lock.json, so that
# `npm start` and `npm test` work on a fresh clone. A no-op (milliseconds) when up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
echo "ensure-deps: installing npm dependencies (npm ci; better-sqlite3 compiles from source, ~2-3 min the first time)"
npm ci --no-audit --no-fund
