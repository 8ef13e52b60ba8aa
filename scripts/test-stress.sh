#!/usr/bin/env bash
# The whole Jest suite while a CPU hog keeps every core busy: a test that only passes on an idle
# machine fails here. `npm run test:stress` runs it on the machine's Node (20.19+);
# `npm run test:stress -- --node24` runs the Node 24 pass after it too (scripts/with-node24.sh).
# Other arguments go to Jest: `npm run test:stress -- apps/api/test/resilience.int.spec.ts`.
#
# The hog is stress-ng (Debian's package, installed by scripts/test-services.sh): one CPU worker
# per core at full load, at the tests' own priority, so the tests get a share of the CPU rather
# than all of it, like on a shared CI runner. STRESS_CPU_LOAD (percent, default 100) lightens it.
set -euo pipefail
cd "$(dirname "$0")/.."

node24=false
jest_args=()
for arg in "$@"; do
  case "$arg" in
    --node24) node24=true ;;
    *) jest_args+=("$arg") ;;
  esac
done

bash scripts/test-services.sh
# Some tests spawn the built app (apps/api/dist), so the build must match the sources.
npm run build --silent >/dev/null

trap '[ -n "${hog:-}" ] && kill "$hog" 2>/dev/null; wait 2>/dev/null; true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

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
