#!/usr/bin/env bash
# Install the Debian packages the test suite needs, when they are missing.
# As root: apt-get installs them. Otherwise: say which ones are missing and how to install them, and fail.
set -euo pipefail

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
# PostgreSQL server binaries (initdb, pg_ctl, postgres) for the throwaway test cluster.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
# Debian's Chromium for the real-browser tests (tests/browser/): Playwright drives /usr/bin/chromium because its own
# browser download is not reachable from CI.
if [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium)
fi
# Noto fonts, so Urdu, Arabic, Bengali and Devanagari pages render (screenshots, PDFs) instead of empty boxes.
# fonts-noto-core carries every face the PDF reports name per language: Noto Nastaliq Urdu, Noto Naskh Arabic,
# Noto Sans Bengali and Noto Sans Devanagari (the 334 MB fonts-noto-extra is not needed).
if ! installed fonts-noto-core; then
  missing+=(fonts-noto-core)
fi
# WeasyPrint (PDF reports) subsets embedded fonts with HarfBuzz; without it, it falls back to slow fontTools.
if ! installed libharfbuzz-subset0; then
  missing+=(libharfbuzz-subset0)
fi
# pdffonts and pdftoppm, which the report tests use to prove fonts are embedded and pages render (tests/reports/).
if ! command -v pdffonts >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  missing+=(poppler-utils)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "missing Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
