#!/usr/bin/env bash
# `npm run test:fresh-machine [-- test files...]`: the README's two commands on a clean Debian 12
# that has nothing but Node. Builds a minimal Debian root with debootstrap (once, cached in
# $FRESH_MACHINE_CACHE, default /var/cache/rrl-fresh-machine), copies it for this run, adds this
# machine's Node and npm (the same prefix, so npm's config applies as it does here), clones HEAD
# into it, and in a chroot runs
#   npm start  — until /health and / answer, then stops it;
#   npm test -- FILES — a part of the suite covering Redis, MariaDB, Docker and Chromium
#                       (the whole suite twice takes ~40 min); test files given here replace it.
# The chroot shares this machine's network and Docker engine (its socket is bound in) and sees
# its processes (/proc). Needs root. Takes 20-40 minutes; not part of CI. Tests HEAD, not
# uncommitted changes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/apt-install.sh
[ "$(id -u)" -eq 0 ] || { echo "test-fresh-machine: needs root (debootstrap, chroot, mounts)" >&2; exit 1; }

files=("$@")
[ ${#files[@]} -gt 0 ] || files=(
  libs/testing/src/leftovers.int.spec.ts              # the run's MariaDB, redis-server, Docker, leftovers
  libs/users/src/users.repository.int.spec.ts         # MariaDB and SQLite (better-sqlite3 built here)
  libs/redis/src/redis-connection.security.int.spec.ts # redis-server with TLS (openssl)
  apps/api/test/boot.int.spec.ts                      # the built app's processes (ps)
  apps/api/test/chaos-docker.int.spec.ts              # the container chaos driver
  apps/dashboard/test/dashboard.e2e.spec.ts           # Chromium against the API
)

# --- the clean Debian root, built once -----------------------------------------------------------
cache=${FRESH_MACHINE_CACHE:-/var/cache/rrl-fresh-machine}
base=$cache/bookworm
if [ ! -x "$base/usr/bin/apt-get" ]; then
  install_missing test-fresh-machine debootstrap=debootstrap
  echo "test-fresh-machine: building a minimal Debian 12 root with debootstrap (once; kept in $base)"
  rm -rf "$base.partial"
  mkdir -p "$cache"
  debootstrap --variant=minbase bookworm "$base.partial" http://deb.debian.org/debian >"$cache/debootstrap.log"
  mv "$base.partial" "$base"
fi

# --- this run's copy of it -------------------------------------------------------------------------
root=$(mktemp -d /var/tmp/rrl-fresh-machine.XXXXXX)
mounts=()
cleanup() {
  local m
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    m=${mounts[i]}
    umount -R "$m" 2>/dev/null || umount -lR "$m"
  done
  # Never delete through a mount that is still there: that would reach this machine's /dev or /proc.
  if findmnt -rn -o TARGET | grep -q "^$root"; then
    echo "test-fresh-machine: $root still has mounts; left in place" >&2
  else
    rm -rf --one-file-system "$root"
  fi
}
trap cleanup EXIT
cp -a "$base/." "$root/"

# Node and npm as this machine has them, under the same prefix (bin/node, npm, the headers that
# node-gyp compiles better-sqlite3 against), and npm's config (registry, CA file, nodedir).
prefix=$(dirname "$(dirname "$(command -v node)")")
mkdir -p "$root$prefix/bin" "$root$prefix/lib/node_modules" "$root$prefix/include"
cp -a "$prefix/bin/node" "$root$prefix/bin/"
cp -a "$(npm root -g)/npm" "$root$prefix/lib/node_modules/"
cp -a "$prefix/include/node" "$root$prefix/include/"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root$prefix/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root$prefix/bin/npx"
globalrc=$(npm config get globalconfig)
[ -f "$globalrc" ] && install -D -m 644 "$globalrc" "$root$globalrc"
[ -f "$HOME/.npmrc" ] && install -D -m 600 "$HOME/.npmrc" "$root/root/.npmrc"
cafile=$(npm config get cafile)
[ "$cafile" != null ] && [ -f "$cafile" ] && [ ! -e "$root$cafile" ] && install -D -m 644 "$cafile" "$root$cafile"
# This machine's network as it is: its resolver, and the local CAs it trusts (kept when a package
# in the root rebuilds the CA bundle).
cp /etc/resolv.conf "$root/etc/resolv.conf"
if compgen -G '/usr/local/share/ca-certificates/*' >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp -a /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
fi
# As in Debian's container images: packages do not start their services on install (here they
# would meet this machine's MariaDB and Redis on their default ports).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"

git clone --quiet --no-checkout "$PWD" "$root/root/lab"
git -C "$root/root/lab" checkout --quiet --detach "$(git rev-parse HEAD)"

bind() { # bind SOURCE TARGET-IN-ROOT
  mkdir -p "$root$2"
  mount --rbind "$1" "$root$2"
  mount --make-rslave "$root$2"
  mounts+=("$root$2")
}
mount -t proc proc "$root/proc" && mounts+=("$root/proc")
bind /sys /sys
bind /dev /dev
docker_sock=/var/run/docker.sock
if [ -S "$docker_sock" ]; then
  touch "$root/run/docker.sock"
  mount --bind "$docker_sock" "$root/run/docker.sock" && mounts+=("$root/run/docker.sock")
fi

in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin bash -c "cd /root/lab && $1"
}
echo "test-fresh-machine: Debian $(cat "$root/etc/debian_version"), Node $(in_root 'node -v'), HEAD $(git rev-parse --short HEAD)"
in_root 'for c in gcc make python3 ps openssl redis-server mariadbd docker chromium; do command -v $c >/dev/null && echo "  already there: $c"; done; true'

# --- npm start -----------------------------------------------------------------------------------
port=$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
echo "test-fresh-machine: npm start (PORT=$port), waiting for /health and /"
setsid chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb PORT="$port" \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin bash -c 'cd /root/lab && exec npm start' \
  >"$root/root/start.log" 2>&1 &
start_pid=$!
answered=
for _ in $(seq 1 1800); do # up to 30 min: the first start installs packages, npm ci, builds
  kill -0 "$start_pid" 2>/dev/null || break
  if health=$(node -e 'fetch(process.argv[1]).then(async r=>{if(r.status!==200)process.exit(1);console.log(await r.text())},()=>process.exit(1))' "http://127.0.0.1:$port/health" 2>/dev/null); then
    answered=1
    break
  fi
  sleep 1
done
index=$(node -e 'fetch(process.argv[1]).then(async r=>console.log(r.status,r.headers.get("content-type"),(await r.text()).match(/<title>[^<]*<\/title>/)?.[0]))' "http://127.0.0.1:$port/" 2>&1 || true)
kill -TERM -- "-$start_pid" 2>/dev/null || true
wait "$start_pid" || true
sed 's/^/  start | /' "$root/root/start.log" | tail -n 40
[ -n "$answered" ] || { echo "test-fresh-machine: FAILED: npm start never answered /health" >&2; exit 1; }
echo "test-fresh-machine: GET /health -> 200 $health"
echo "test-fresh-machine: GET / -> $index"
case $index in 200\ text/html*) ;; *) echo "test-fresh-machine: FAILED: / did not answer with the dashboard" >&2; exit 1 ;; esac

# --- npm test --------------------------------------------------------------------------------------
echo "test-fresh-machine: npm test -- ${files[*]}"
if ! in_root "npm test -- ${files[*]}" 2>&1 | sed -u 's/^/  test | /'; then
  echo "test-fresh-machine: FAILED: npm test failed" >&2
  exit 1
fi
echo "test-fresh-machine: passed: npm start answered, npm test passed on a fresh Debian 12 with only Node"
