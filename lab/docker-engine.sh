#!/usr/bin/env bash
# Make sure a Docker engine answers (used by `make test-docker`; idempotent, run as root).
#
# Installs Debian's docker.io, docker-compose (Compose v1) and debootstrap when missing, then
# starts dockerd in the background when no engine answers, logging to $LAB_STATE_DIR/dockerd.log.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=${LAB_STATE_DIR:-.lab}
mkdir -p "$STATE"

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
[ -x /usr/bin/docker-compose ] || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "need root to install: ${missing[*]}" >&2; exit 1; }
  echo "== installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$STATE/apt.log" 2>&1 || {
    tail -20 "$STATE/apt.log" >&2; exit 1
  }
fi

if docker info >/dev/null 2>&1; then
  echo "== Docker engine answers"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "no Docker engine answers, and only root can start dockerd" >&2; exit 1; }
echo "== starting dockerd (log: $STATE/dockerd.log)"
# setsid: the engine outlives this script, like a system service would.
setsid nohup dockerd >"$STATE/dockerd.log" 2>&1 </dev/null &
for _ in $(seq 120); do
  docker info >/dev/null 2>&1 && { echo "== Docker engine answers"; exit 0; }
  sleep 1
done
echo "dockerd did not answer within 120 s; see $STATE/dockerd.log" >&2
exit 1
