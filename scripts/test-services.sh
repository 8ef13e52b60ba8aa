#!/usr/bin/env bash
# Everything the tests talk to, installed and started when missing (idempotent, fast when present):
# redis-server and mariadbd binaries (the tests start their own on free ports: Jest's global setup
# starts the run's MariaDB), openssl for the TLS tests, a Docker engine for the container chaos
# driver, docker-compose to run the compose file, Chromium for the dashboard tests, stress-ng for
# `npm run test:stress`, xmllint for the experiment CLI's JUnit report. A service that cannot be had fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/apt-install.sh
install_missing test-services redis-server=redis-server mariadbd=mariadb-server mariadb-install-db=mariadb-server \
  openssl=openssl dockerd=docker.io docker-compose=docker-compose chromium=chromium stress-ng=stress-ng xmllint=libxml2-utils

bash .ci/docker.sh
echo "test-services: redis-server $(redis-server --version | grep -o 'v=[0-9.]*'), $(mariadbd --version | grep -o '[0-9.]*-MariaDB'), Docker and Chromium ready"
