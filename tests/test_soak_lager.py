"""Fynd 7 (issue 21): det lokala lagret (diskcache) tål samtidig last från appen som kor.sh kör den
(`python app.py`, trådad, ingen Redis) och från gunicorn-arbetare mot samma lagerkatalog: ingen
"malformed" i loggarna, lagret svarar hela tiden (/halsa). Den långa versionen (≥ 30 min) är
bench/soak_lager.py, resultatet i docs/benchmarks.md."""
from __future__ import annotations

from bench import soak_lager


def test_lagret_tal_samtidig_last_fran_tradad_server_och_gunicorn(tmp_path):
    res, loggar = soak_lager.kor(35, tradar=3, katalog=tmp_path)
    assert res.per_server.get("kor.sh", 0) >= 10 and res.per_server.get("gunicorn", 0) >= 10, res.per_server
    assert res.halsa >= 2
    assert res.ok(), "\n".join(res.fel[:10] + res.halsa_fel[:10] + [str(p) for p in loggar])
