#!/usr/bin/env bash
# Makes sure the headless browser test/browser/ drives with playwright-core is installed, and prints
# its path (the one line on stdout; .ci/run exports it as CHROMIUM_PATH, which the tests read, see
# test/browser/chromium.ts). The browser is $CHROMIUM_PATH when set, else /usr/bin/chromium from
# the Debian chromium package, installed when missing. Idempotent: no network when it is there.
set -euo pipefail

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
log() { printf 'browser: %s\n' "$*" >&2; }

if [ -x "$CHROMIUM_PATH" ]; then
  log "$CHROMIUM_PATH already installed"
  echo "$CHROMIUM_PATH"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

log "installing the Debian chromium package"
$SUDO apt-get update -qq >&2
# fonts-dejavu-core: a font for the screenshot artifact (chromium only recommends one).
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
if [ ! -x "$CHROMIUM_PATH" ]; then
  log "$CHROMIUM_PATH is still missing after installing chromium: set CHROMIUM_PATH to the browser's path"
  exit 1
fi
echo "$CHROMIUM_PATH"
