#!/usr/bin/env bash
# Makes sure the browser tests can run: Debian's Chromium, Java and the Nu HTML
# checker (npm package vnu-jar). Installs what is missing when it can. Where it
# truly cannot, it says so loudly; the browser tests then skip themselves,
# except in CI (CI=true), where they fail instead.
set -uo pipefail
cd "$(dirname "$0")/.."

. scripts/lib.sh

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} with apt…"
  apt_install "${missing[@]}" || shout "Could not install ${missing[*]} (need root or sudo and apt)." \
    "Browser tests (Playwright, axe, HTML validity) will be SKIPPED." \
    "Install them yourself: apt-get install -y chromium default-jre-headless"
fi

if [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  if command -v npm >/dev/null; then
    echo "Installing the Nu HTML checker (npm ci)…"
    npm ci --silent --no-audit --no-fund >/dev/null 2>&1 || npm install --silent --no-audit --no-fund >/dev/null 2>&1 \
      || shout "npm could not install vnu-jar: HTML validity tests will be SKIPPED."
  else
    shout "npm is missing: HTML validity tests will be SKIPPED. Install Node.js and npm."
  fi
fi
exit 0
