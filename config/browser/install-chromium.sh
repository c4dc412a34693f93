#!/usr/bin/env bash
# Installs the headless browser of the admin page's browser tests: Debian's chromium and chromium-driver packages
# (/usr/bin/chromium, /usr/bin/chromedriver). Browser builds that test tools download on their own cannot be fetched
# on the build machines, so the tests use these two and nothing else.
#   config/browser/install-chromium.sh
# Does nothing but print the versions when both are installed already. Otherwise installs the two packages with
# apt-get, as root or through passwordless sudo, and runs apt-get update only when the install fails without it.
# Exits non-zero, saying what to run, when it cannot install them.
set -euo pipefail

readonly CHROMIUM=/usr/bin/chromium
readonly DRIVER=/usr/bin/chromedriver
readonly PACKAGES=(chromium chromium-driver)

print_versions() {
  echo "chromium:     $("$CHROMIUM" --version 2>/dev/null | head -n 1)"
  echo "chromedriver: $("$DRIVER" --version 2>/dev/null | head -n 1)"
}

installed() {
  [[ -x "$CHROMIUM" && -x "$DRIVER" ]]
}

if installed; then
  print_versions
  exit 0
fi

script=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: $CHROMIUM and $DRIVER are missing and there is no apt-get here;" \
    "install Chromium and a ChromeDriver of the same version at these two paths" >&2
  exit 1
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "install-chromium: installing ${PACKAGES[*]} needs root, and passwordless sudo is not available." >&2
    echo "Run this once, then build again:" >&2
    echo "  sudo $script" >&2
    exit 1
  fi
fi

apt() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@"
}

echo "install-chromium: installing ${PACKAGES[*]} with apt-get"
if ! apt install -y -q "${PACKAGES[@]}"; then
  echo "install-chromium: the install failed; updating the package lists (apt-get update) and trying again"
  apt update -q
  apt install -y -q "${PACKAGES[@]}"
fi

if ! installed; then
  echo "install-chromium: apt-get installed ${PACKAGES[*]} but $CHROMIUM or $DRIVER is still missing" >&2
  exit 1
fi
print_versions
