#!/usr/bin/env bash
# `make bench` drives gunicorn with wrk (Debian's package): installed when missing.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

if ! command -v wrk >/dev/null; then
  echo "Installing wrk with apt…"
  apt_install wrk || { shout "Could not install wrk (need root or sudo and apt)." \
    "Install it yourself: apt-get install -y wrk"; exit 1; }
fi
exit 0
