#!/usr/bin/env bash
# Make sure a Docker engine answers (used by `make test-docker`; idempotent, run as root).
#
# Installs Debian's docker.io, docker-compose (Compose v1) and debootstrap when missing, then
# starts dockerd in the background when no engine answers, logging to $LAB_STATE_DIR/dockerd.log.
# `docker-engine.sh stop` stops the dockerd this script started (and only that one), so that
# `make test-docker` leaves nothing running that was not running before.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=${LAB_STATE_DIR:-.lab}
PIDFILE="$STATE/dockerd.pid"
mkdir -p "$STATE"

if [ "${1:-}" = stop ]; then
  [ -f "$PIDFILE" ] || exit 0
  pid=$(cat "$PIDFILE"); rm -f "$PIDFILE"
  if grep -qa dockerd "/proc/$pid/cmdline" 2>/dev/null; then
    echo "== stopping the dockerd started by make test-docker (pid $pid)"
    kill "$pid"
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  exit 0
fi

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
echo $! >"$PIDFILE"
for _ in $(seq 120); do
  docker info >/dev/null 2>&1 && { echo "== Docker engine answers"; exit 0; }
  sleep 1
done
echo "dockerd did not answer within 120 s; see $STATE/dockerd.log" >&2
exit 1
