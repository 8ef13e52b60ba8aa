#!/usr/bin/env bash
# Makes a Docker engine available for the chaos tests. Idempotent: safe to run or source twice.
# Installs docker.io when dockerd is missing, starts dockerd in the background when no engine
# answers, and waits for it. A dockerd that already runs is left alone.

# The body runs in a subshell so `set -e` and its variables do not leak into a sourcing shell.
rrl_ensure_docker() (
  set -euo pipefail
  local log="${DOCKERD_LOG:-/tmp/dockerd.log}"
  local timeout_s=30
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

  if ! command -v dockerd >/dev/null 2>&1; then
    echo "docker.sh: dockerd missing, installing docker.io" >&2
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io
  fi

  if ! docker info >/dev/null 2>&1; then
    echo "docker.sh: starting dockerd (log: $log)" >&2
    as_root sh -c "nohup dockerd >'$log' 2>&1 &"
    for _ in $(seq 1 "$timeout_s"); do
      docker info >/dev/null 2>&1 && break
      sleep 1
    done
    if ! docker info >/dev/null 2>&1; then
      echo "docker.sh: FAILED: dockerd not ready after ${timeout_s}s; last log lines:" >&2
      tail -n 20 "$log" >&2 || true
      exit 1
    fi
  fi
  echo "docker.sh: engine ready (server $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))" >&2
)

# 'return' when sourced, 'exit' when run.
rrl_ensure_docker || { return 1 2>/dev/null || exit 1; }
