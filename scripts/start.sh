#!/usr/bin/env bash
# Quick start command 1: installs everything and runs the product locally (sandbox + BFF on the
# embedded database + widget). Prints the URL of the sandboxed LiveChat agent app.
set -euo pipefail
cd "$(dirname "$0")/.."
export COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0
corepack enable
pnpm install --frozen-lockfile
exec pnpm start
