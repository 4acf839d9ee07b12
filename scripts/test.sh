#!/usr/bin/env bash
# npm test: every tier — typecheck, lint, unit, integration (real Postgres + Redis), end-to-end (Playwright + Chromium).
# Works on a fresh clone: installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "Installing dependencies"
  npm ci --no-audit --no-fund
fi

if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  step "Installing Chromium (Debian package) for the end-to-end tests"
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install it (apt-get install chromium) or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi

step "Checking Postgres and Redis"
npx tsx scripts/preflight.ts

step "Typecheck"
npx tsc --noEmit

step "Lint"
npx eslint . --max-warnings 0

step "Unit tests"
npx vitest run --project unit

step "Integration tests (real Postgres + Redis)"
npx vitest run --project integration

step "Build the web app"
npx next build

step "End-to-end tests (Playwright + Chromium)"
CI=${CI:-} npx playwright test

step "All test tiers passed"
