#!/usr/bin/env bash
# Quick start command 2: installs what the tests need and runs every test: typecheck, vitest (PGlite, and
# PostgreSQL when reachable), Playwright. It says what it installs before installing it.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\n==> %s\n' "$*"; }

export COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0
pnpm_version=$(node -p "require('./package.json').packageManager")
say "Installing ${pnpm_version} with corepack (Node's package-manager shim), as package.json pins it"
corepack enable

if [ -x /usr/bin/chromium ]; then
  say "Using Debian's Chromium already installed at /usr/bin/chromium for the Playwright tests"
else
  if [ "$(id -u)" = 0 ]; then APT=(apt-get); else APT=(sudo apt-get); fi
  say "Installing Debian's chromium package with ${APT[*]} (the browser the Playwright tests drive)"
  "${APT[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y -qq chromium >/dev/null
fi

say "Installing the workspace's dependencies with pnpm, exactly as pnpm-lock.yaml lists them (into node_modules/)"
pnpm install --frozen-lockfile

if [ -z "${TEST_DATABASE_URL:-}" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
fi
say "Running every test; storage tests on PGlite${TEST_DATABASE_URL:+ and PostgreSQL ($TEST_DATABASE_URL)}"
pnpm test
