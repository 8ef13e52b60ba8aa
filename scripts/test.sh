#!/usr/bin/env bash
# `npm test` after its pretest (services, build, type-check, lint): the whole Jest suite on the
# machine's Node (20.19+), then the same suite again on Node 24, the current LTS
# (scripts/with-node24.sh). Arguments go to both runs: `npm test -- apps/api/test/boot.spec.ts`.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "test: Jest on Node $(node -v)"
node_modules/.bin/jest --runInBand "$@"
echo "test: Jest on Node 24"
bash scripts/with-node24.sh node_modules/.bin/jest --runInBand "$@"
