#!/usr/bin/env bash
# npm run demo — from a fresh clone to a running CRM with a seeded demo club. Safe to run again.
# The steps after installing live in scripts/demo.ts; this wrapper only makes sure they can run.
set -euo pipefail
cd "$(dirname "$0")/.."

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then
  echo "✗ Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

if [ ! -d node_modules ]; then
  echo "▸ Installing dependencies (first run)…"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

# A secret for signing sessions, generated once and kept out of git (.env.local is git-ignored).
if ! grep -qs '^AUTH_SECRET=' .env.local; then
  echo "AUTH_SECRET=$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))')" >> .env.local
  echo "▸ Wrote a new AUTH_SECRET to .env.local"
fi
# The worker and scripts read the environment, not .env files: export what .env.local sets (the shell wins).
while IFS='=' read -r key value; do
  case "$key" in ''|\#*) continue ;; esac
  value="${value%\"}"; value="${value#\"}"
  if [ -z "${!key:-}" ]; then export "$key=$value"; fi
done < .env.local

exec node_modules/.bin/tsx scripts/demo.ts "$@"
