#!/usr/bin/env bash
# Runs the zkinfer API locally and offline: wrangler dev (workerd) with a local D1 that has
# every migration in migrations/ applied, and an ADMIN_TOKEN from .dev.vars.
#   scripts/dev-api.sh                 # http://127.0.0.1:8787
#   PORT=9000 PERSIST_DIR=/tmp/zk scripts/dev-api.sh
#   scripts/dev-api.sh --migrate-only  # just apply migrations to the local D1
# .dev.vars holds local secrets (ADMIN_TOKEN=…); it is created with a random token if absent.
set -euo pipefail
cd "$(dirname "$0")/.."

export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
PORT="${PORT:-8787}"
PERSIST_DIR="${PERSIST_DIR:-.wrangler/state}"

if [ ! -f .dev.vars ] || ! grep -q '^ADMIN_TOKEN=' .dev.vars; then
  token="$(npx node -e "process.stdout.write(require('node:crypto').randomBytes(24).toString('hex'))")"
  echo "ADMIN_TOKEN=$token" >> .dev.vars
  echo "dev-api: wrote a new ADMIN_TOKEN to .dev.vars" >&2
fi

# GET /widget.js serves the badge bundle that widget/build.ts generates into widget/dist/.
if [ ! -f widget/dist/widget-bundle.ts ]; then npx node widget/build.ts >&2; fi

npx wrangler d1 migrations apply zkinfer --local --persist-to "$PERSIST_DIR" >&2
if [ "${1:-}" = "--migrate-only" ]; then exit 0; fi

exec npx wrangler dev --local --ip 127.0.0.1 --port "$PORT" --persist-to "$PERSIST_DIR" --show-interactive-dev-session=false
