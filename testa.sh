#!/usr/bin/env bash
# Installerar allt testerna behöver (Python-paket, Debians chromium + chromium-driver) och kör
# alla tester: enhetstester, SQLite och PostgreSQL (127.0.0.1:5432, användare postgres) och
# webbläsartester i headless Chromium, och flera servrar mot Redis (127.0.0.1:6379; startas om den
# är installerad men inte igång, installeras från Debian om redis-server saknas). Extra argument går
# vidare till pytest.
set -uo pipefail
cd "$(dirname "$0")"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver || exit 1
fi
# Delårsrapporten: WeasyPrint (pango, harfbuzz), teckensnittet DejaVu Sans (statussymbolerna), pdftoppm för
# skärmbilder av PDF-sidor. LibreOffice (libreoffice-writer-nogui) är valfritt: testet som öppnar Word-filen
# i LibreOffice körs bara där det finns.
if ! ldconfig -p | grep -q libpango-1.0 || ! ldconfig -p | grep -q libharfbuzz-subset || ! [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || ! command -v pdftoppm >/dev/null; then
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils || exit 1
fi
if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q && command -v pg_ctlcluster >/dev/null; then
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
# Redis (delat tillstånd, testerna med REDIS_URL, testet med två servrar): installera och starta om den inte svarar
if ! command -v redis-server >/dev/null; then
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server || exit 1
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v service >/dev/null && $SUDO service redis-server start >/dev/null 2>&1; then :; else
    redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no >/dev/null || true
  fi
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
[ -x .venv/bin/python ] || python3 -m venv .venv || exit 1
.venv/bin/pip install -q -r requirements-dev.txt || exit 1
# Lagerkontrakten (import-linter, .importlinter): ett brutet kontrakt stoppar körningen
.venv/bin/lint-imports --no-cache || exit 1
# Tre arbetsprocesser, en testfil per process (sessionens servrar och webbläsare startas per process):
# testerna väntar mest på servrar, webbläsare och databaser, så 2 kärnor räcker till tre.
# MALKOLL_TESTPROCESSER=1 kör i en process.
.venv/bin/python -m pytest -n "${MALKOLL_TESTPROCESSER:-3}" --dist loadfile "$@"
rc=$?
if [ "$rc" -eq 5 ]; then echo "Inga tester hittades – det räknas som fel." >&2; exit 1; fi
exit "$rc"
