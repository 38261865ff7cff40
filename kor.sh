#!/usr/bin/env bash
# Installerar och startar Målkoll på den inbäddade SQLite-databasen (data/malkoll.sqlite,
# skapas och fylls vid första körningen). DATABASE_URL=postgresql://… byter databas.
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -r requirements.txt
exec .venv/bin/python app.py
