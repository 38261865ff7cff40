#!/usr/bin/env bash
# Installerar allt testerna behöver (Python-paket, Debians chromium + chromium-driver) och kör
# alla tester: enhetstester, SQLite och PostgreSQL (127.0.0.1:5432, användare postgres) och
# webbläsartester i headless Chromium. Extra argument går vidare till pytest.
set -uo pipefail
cd "$(dirname "$0")"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver || exit 1
fi
if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q && command -v pg_ctlcluster >/dev/null; then
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
# Redis (delat tillstånd, testerna med REDIS_URL): starta den om den finns men inte svarar
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null || true
fi
[ -x .venv/bin/python ] || python3 -m venv .venv || exit 1
.venv/bin/pip install -q -r requirements-dev.txt || exit 1
# Lagerkontrakten (import-linter, .importlinter): ett brutet kontrakt stoppar körningen
.venv/bin/lint-imports --no-cache || exit 1
.venv/bin/python -m pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then echo "Inga tester hittades – det räknas som fel." >&2; exit 1; fi
exit "$rc"
