#!/usr/bin/env bash
# What `npm start` and `npm test` need first, so that they work on a fresh clone on a stock Debian
# with only Node: a Node that package.json's engines accept, the system packages the app uses, and
# the npm dependencies when they are missing or older than package-lock.json. A no-op
# (milliseconds) when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/check-node.cjs
source scripts/apt-install.sh
# c++/make/python3: node-gyp compiles better-sqlite3 (no prebuilt binary is fetched); ps: the
# managed redis-server's pid checks; redis-server: the embedded default's managed Redis.
install_missing ensure-deps c++=build-essential make=build-essential python3=python3 ps=procps redis-server=redis-server
if [ ! -f node_modules/.package-lock.json ] || [ ! node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "ensure-deps: installing npm dependencies (npm ci; better-sqlite3 compiles from source, ~2-3 min the first time)"
  npm ci --no-audit --no-fund
fi

# better-sqlite3 is compiled for one Node ABI. A checkout last used with another Node, or left
# so by a killed scripts/with-node24.sh, gets the build for this one back.
opens_sqlite='new (require("better-sqlite3"))(":memory:").close()'
swapped_by=.cache/node-addons/node24-run.pid
if [ -f "$swapped_by" ] && kill -0 "$(cat "$swapped_by")" 2>/dev/null; then
  echo "ensure-deps: scripts/with-node24.sh (pid $(cat "$swapped_by")) runs in this checkout with better-sqlite3 built for Node 24; wait for it to end" >&2
  exit 1
fi
if ! node -e "$opens_sqlite" 2>/dev/null; then
  cached=.cache/node-addons/better-sqlite3-$(node -p 'require("better-sqlite3/package.json").version')/node-v$(node -p process.versions.modules).node
  if [ -f "$cached" ]; then
    echo "ensure-deps: better-sqlite3 was built for another Node; putting back the build for $(node -v)"
    cp "$cached" node_modules/better-sqlite3/build/Release/better_sqlite3.node.tmp
    mv -f node_modules/better-sqlite3/build/Release/better_sqlite3.node.tmp node_modules/better-sqlite3/build/Release/better_sqlite3.node
  else
    echo "ensure-deps: better-sqlite3 does not load on $(node -v); rebuilding it"
    npm rebuild better-sqlite3
  fi
  node -e "$opens_sqlite"
fi
