#!/usr/bin/env bash
# The whole Jest suite while a CPU hog keeps every core busy: a test that only passes on an idle
# machine fails here. `npm run test:stress` runs it on the machine's Node (20.19+);
# `npm run test:stress -- --node24` runs the Node 24 pass after it too (scripts/with-node24.sh);
# `--shared-db` uses the machine's shared MariaDB instead of one of the run's own (below).
# Other arguments go to Jest: `npm run test:stress -- apps/api/test/resilience.int.spec.ts`.
#
# The hog is stress-ng (Debian's package, installed by scripts/test-services.sh): one CPU worker
# per core at full load, at the tests' own priority, so the tests get a share of the CPU rather
# than all of it, like on a shared CI runner. STRESS_CPU_LOAD (percent, default 100) lightens it.
set -euo pipefail
cd "$(dirname "$0")/.."

node24=false
shared_db=false
jest_args=()
for arg in "$@"; do
  case "$arg" in
    --node24) node24=true ;;
    --shared-db) shared_db=true ;;
    *) jest_args+=("$arg") ;;
  esac
done

if $shared_db; then bash scripts/test-services.sh; else bash scripts/test-services.sh --no-shared-mariadb; fi
# Some tests spawn the built app (apps/api/dist), so the build must match the sources.
npm run build --silent >/dev/null

# A MariaDB of the run's own (root, empty password, a temp datadir, a free port, utf8mb4 like
# Debian's configuration of the shared one: --no-defaults alone gives latin1), unless
# --shared-db: on a shared machine other runs can exhaust the shared server's connections, which
# is not the load this run is about. libs/testing's createTestDatabase() uses RRL_TEST_MYSQL_PORT.
db_pid=
cleanup() {
  [ -n "${hog:-}" ] && kill "$hog" 2>/dev/null && wait "$hog" 2>/dev/null
  [ -n "$db_pid" ] && kill "$db_pid" 2>/dev/null && wait "$db_pid" 2>/dev/null
  [ -n "${db_dir:-}" ] && rm -rf "$db_dir"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if ! $shared_db; then
  db_dir=$(mktemp -d)
  db_port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
  mariadb-install-db --no-defaults --datadir="$db_dir" --auth-root-authentication-method=normal --skip-test-db >/dev/null
  mariadbd --no-defaults --datadir="$db_dir" --port="$db_port" --socket="$db_dir/mysqld.sock" --bind-address=127.0.0.1 \
    --user=root --skip-log-bin --max-connections=500 --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    >"$db_dir/mariadbd.log" 2>&1 &
  db_pid=$!
  for i in $(seq 1 60); do
    mariadb -h127.0.0.1 -P"$db_port" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
    [ "$i" = 60 ] && { echo "test-stress: the run's MariaDB did not start" >&2; tail "$db_dir/mariadbd.log" >&2; exit 1; }
    sleep 1
  done
  export RRL_TEST_MYSQL_PORT=$db_port
  echo "test-stress: MariaDB of this run on 127.0.0.1:$db_port"
fi

workers=$(nproc)
stress-ng --cpu "$workers" --cpu-load "${STRESS_CPU_LOAD:-100}" --quiet &
hog=$!
echo "test-stress: stress-ng keeps $workers cores busy (pid $hog, ${STRESS_CPU_LOAD:-100} % each); load average $(cut -d' ' -f1-3 /proc/loadavg)"

started=$SECONDS
status=0
echo "test-stress: Jest on Node $(node -v)"
node_modules/.bin/jest --runInBand "${jest_args[@]}" || status=$?
if [ "$status" = 0 ] && $node24; then
  echo "test-stress: Jest on Node 24"
  bash scripts/with-node24.sh node_modules/.bin/jest --runInBand "${jest_args[@]}" || status=$?
fi
echo "test-stress: $([ "$status" = 0 ] && echo passed || echo FAILED) in $((SECONDS - started)) s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
