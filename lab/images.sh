#!/usr/bin/env bash
# Build the Docker backend's images, offline if need be (`make images`).
#
#   1. debian:bookworm-slim: used when present; else pulled; when no registry answers, made
#      with `debootstrap --variant=minbase bookworm` + `docker import` (about 30 s).
#   2. gevent-lab/httpbin, gevent-lab/dns and gevent-lab/toxiproxy (the project's own
#      Toxiproxy), built in parallel from Debian packages only (no PyPI inside the build).
#
# Env: DEBIAN_MIRROR (debootstrap's mirror), LAB_STATE_DIR (logs), PULL_TIMEOUT (seconds).
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=debian:bookworm-slim
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
STATE=${LAB_STATE_DIR:-.lab}
LOGS="$STATE/images"
SERVICES=(httpbin dns toxiproxy)
export DOCKER_BUILDKIT=0  # the classic builder: BuildKit needs buildx, often absent

say() { printf '== %s\n' "$*"; }

docker info >/dev/null 2>&1 || {
  echo "No Docker engine answers (docker info failed): start one, or run lab/docker-engine.sh as root." >&2
  exit 1
}

base_image() {
  if docker image inspect "$BASE" >/dev/null 2>&1; then
    say "$BASE: present"; return
  fi
  if timeout "${PULL_TIMEOUT:-60}" docker pull -q "$BASE" >/dev/null 2>&1; then
    say "$BASE: pulled"; return
  fi
  command -v debootstrap >/dev/null || {
    echo "$BASE cannot be pulled and debootstrap is missing: apt-get install debootstrap" >&2
    exit 1
  }
  say "$BASE cannot be pulled: building it with debootstrap from $MIRROR"
  local root
  root=$(mktemp -d "${TMPDIR:-/tmp}/gevent-lab-rootfs.XXXXXX")
  trap 'rm -rf "$root"' RETURN
  debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$LOGS/debootstrap.log" 2>&1 || {
    echo "debootstrap failed, see $LOGS/debootstrap.log" >&2; exit 1
  }
  tar -C "$root" -c . | docker import - "$BASE" >/dev/null
  say "$BASE: imported"
}

build_services() {
  local pids=() svc failed=0
  for svc in "${SERVICES[@]}"; do
    docker build -q -f "services/$svc/Dockerfile" -t "gevent-lab/$svc" . \
      >"$LOGS/$svc.log" 2>&1 &
    pids+=($!)
  done
  for i in "${!SERVICES[@]}"; do
    svc=${SERVICES[$i]}
    if wait "${pids[$i]}"; then
      say "gevent-lab/$svc: built"
    else
      echo "building gevent-lab/$svc failed:" >&2; tail -20 "$LOGS/$svc.log" >&2; failed=1
    fi
  done
  return $failed
}

mkdir -p "$LOGS"
base_image
build_services
say "done: LAB_BACKEND=docker make lab-up uses them (TOXIPROXY_IMAGE=gevent-lab/toxiproxy" \
    "when the official image cannot be pulled, which the lab picks by itself)"
