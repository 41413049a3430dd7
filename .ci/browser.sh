#!/usr/bin/env bash
# Installs the Debian chromium package that test/browser/ drives with playwright-core, when it
# is missing. Idempotent: does nothing (no network) when chromium is already installed.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "browser: $(command -v chromium) already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

echo "browser: installing the Debian chromium package"
$SUDO apt-get update -qq
# fonts-dejavu-core: a font for the screenshot artifact (chromium only recommends one).
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
command -v chromium
