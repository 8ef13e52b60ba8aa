#!/usr/bin/env bash
# Everything the tests talk to, installed and started when missing (idempotent, fast when present):
# redis-server and mariadbd binaries (tests start their own on free ports), the shared MariaDB on
# 127.0.0.1:3306, a Docker engine for the container chaos driver, docker-compose to validate the
# compose file, Chromium for the dashboard tests, stress-ng for `npm run test:stress`. A service
# that cannot be had fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
# --no-shared-mariadb: the caller brings a MariaDB of its own (scripts/test-stress.sh).
shared_mariadb=true
[ "${1:-}" = --no-shared-mariadb ] && shared_mariadb=false

need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v mariadbd >/dev/null || need_apt+=(mariadb-server)
command -v dockerd >/dev/null || need_apt+=(docker.io)
command -v docker-compose >/dev/null || need_apt+=(docker-compose)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v stress-ng >/dev/null || need_apt+=(stress-ng)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "test-services: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

bash .ci/docker.sh

# The shared MariaDB: started with the machine's own command when it is not answering.
if $shared_mariadb && ! mariadb -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1; then
  echo "test-services: starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi
for i in $(seq 1 30); do
  $shared_mariadb || break
  mariadb -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
  [ "$i" = 30 ] && { echo "test-services: MariaDB on 127.0.0.1:3306 is not answering" >&2; exit 1; }
  sleep 1
done
echo "test-services: redis-server $(redis-server --version | grep -o 'v=[0-9.]*'), MariaDB, Docker and Chromium ready"
