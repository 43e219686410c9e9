#!/usr/bin/env bash
# Install the Debian packages the test suite needs, when they are missing.
# As root: apt-get installs them. Otherwise: say which ones are missing and how to install them, and fail.
set -euo pipefail

missing=()
# PostgreSQL server binaries (initdb, pg_ctl, postgres) for the throwaway test cluster.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
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
