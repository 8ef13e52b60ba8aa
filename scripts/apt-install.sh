#!/usr/bin/env bash
# Sourced by the scripts that set up a machine. `install_missing WHO COMMAND=PACKAGE...` installs
# with apt the package of every COMMAND not on PATH, in one apt-get call; a no-op when all are there.
install_missing() {
  local who=$1 pair missing=()
  shift
  for pair in "$@"; do
    command -v "${pair%%=*}" >/dev/null 2>&1 || missing+=("${pair#*=}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "$who: needs ${missing[*]}: install them (apt-get install ${missing[*]}) or run as root" >&2; return 1; }
    sudo=(sudo)
  fi
  command -v apt-get >/dev/null || { echo "$who: needs ${missing[*]}, and there is no apt-get to install them with" >&2; return 1; }
  echo "$who: installing ${missing[*]} (apt)"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
