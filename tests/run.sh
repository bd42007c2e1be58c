#!/usr/bin/env bash
# Installs what the test suite needs (Dovecot from Debian, the project and its test
# extras into .venv) and runs the whole suite. Usage: bash tests/run.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# apt waits up to 10 minutes for a lock another apt holds (unattended upgrades on a fresh
# machine) instead of failing.

if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
  echo "Installing Dovecot (Debian package dovecot-imapd) for the IMAP tests..."
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq dovecot-imapd >/dev/null
fi

# PostgreSQL from Debian for the tests on PostgreSQL; the suite starts its own private
# server (initdb into a temporary folder), so the package's own cluster is never used.
if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  echo "Installing PostgreSQL (Debian package postgresql) for the PostgreSQL tests..."
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql >/dev/null
fi

if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx ind; then
  # Scans and photos are read with Tesseract and its Indonesian data (issue 13).
  echo "Installing Tesseract (Debian packages tesseract-ocr, tesseract-ocr-ind) for OCR..."
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq tesseract-ocr tesseract-ocr-ind >/dev/null
fi

if [ ! -x /usr/bin/chromium ]; then
  # The browser tests drive Debian's Chromium with Playwright (never `playwright install`).
  echo "Installing Chromium (Debian package chromium) for the browser tests..."
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'

.venv/bin/ruff check helpdesk parsers replies tests bench
.venv/bin/mypy  # strict; the files and settings are [tool.mypy] in pyproject.toml
.venv/bin/python -m pytest -q "$@"
