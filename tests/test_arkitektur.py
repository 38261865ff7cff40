"""Arkitekturen: lagerkontrakten (import-linter), inga importer som rör databasen, en
inställningskälla, ett migreringshuvud och appfabriken."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROT

MODULER = ["app", "data.lagring.db", "data.uppfoljning.fragor", "data.utdata.export", "data.rapportering.rapport", "data.planen.ladda", "data.planen.forbered",
           "data.planen.exempel", "data.planen.publicerat", "data.lagring.cache", "komponenter.filter", "komponenter.budget"]


def test_lagerkontrakten_halls():
    p = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROT,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "0 broken" in p.stdout


def test_att_importera_moduler_ror_aldrig_databasen(tmp_path):
    """En import av varje modul (och `app`) skapar ingen databasfil och ansluter inte."""
    db = tmp_path / "orord.sqlite"
    kod = "import importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in MODULER)
    p = subprocess.run([sys.executable, "-c", kod], cwd=ROT, capture_output=True, text=True, timeout=120,
                       env={**os.environ, "DATABASE_URL": f"sqlite:///{db}", "PYTHONPATH": str(ROT)})
    assert p.returncode == 0, p.stderr
    assert not db.exists()


def test_installningar_las_en_gang_och_ja_nej_tolkas_lika():
    from data.lagring.installningar import Installningar, Installningsfel
    for v in ("1", "ja", "true", "on", "JA", "Sant"):
        assert Installningar.fran_miljo({"MALKOLL_EXEMPEL": v}).exempel is True
    for v in ("0", "nej", "av", "false", "off"):
        assert Installningar.fran_miljo({"MALKOLL_EXEMPEL": v}).exempel is False
    with pytest.raises(Installningsfel, match="MALKOLL_CACHE='kanske'"):
        Installningar.fran_miljo({"MALKOLL_CACHE": "kanske"})
    i = Installningar.fran_miljo({"DATABASE_URL": "postgres://u@h/db"})
    assert i.databas_url == "postgresql+psycopg://u@h/db"
    assert Installningar.fran_miljo({}).databas_url.endswith("data/malkoll.sqlite")


def test_bara_installningsmodulen_laser_miljon():
    """Konfigurationen läses på ett ställe: ingen annan modul i appen läser os.environ."""
    traffar = []
    for p in [ROT / "app.py", *(ROT / "data").rglob("*.py"), *(ROT / "komponenter").rglob("*.py"),
              *(ROT / "sidor").rglob("*.py")]:
        if p.name == "installningar.py" or "migrations" in p.parts:
            continue
        t = p.read_text(encoding="utf-8")
        if "os.environ" in t or "os.getenv" in t:
            traffar.append(str(p.relative_to(ROT)))
    assert not traffar, traffar


def test_migreringarna_har_ett_huvud():
    from data.lagring import start
    assert start.senaste_version()


def test_dokumentationen_namner_varje_installning():
    from data.lagring.installningar import HJALP
    drift = (ROT / "docs" / "drift.md").read_text(encoding="utf-8")
    saknas = [namn for namn in HJALP if f"`{namn}`" not in drift]
    assert not saknas, f"docs/drift.md saknar {saknas}"


def test_appfabriken_tar_installningar(tmp_path):
    kod = ("from app import create_app\nfrom data.lagring.installningar import Installningar\n"
           f"a = create_app(Installningar(databas_url='sqlite:///{tmp_path / 'f.sqlite'}', exempel=False))\n"
           "c = a.server.test_client()\nr = c.get('/_dash-layout')\nprint(r.status_code)\n"
           "from data.uppfoljning import fragor\nprint(len(fragor.malomraden()))\n")
    p = subprocess.run([sys.executable, "-c", kod], cwd=ROT, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PYTHONPATH": str(ROT), "DATABASE_URL": "sqlite:////nonexistent/x.sqlite"})
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["200", "7"]


CALLBACKARGUMENT = '''
import inspect
from app import create_app
from dash import _callback
from data.lagring.installningar import Installningar
a = create_app(Installningar(databas_url="sqlite:///{fil}", exempel=False,
                             hemlighet="Qk3v9ZpL2mX8rT5wY7bN4cH6jF1dS0gA"), forbered_databas=False)
n = 0
for v in [*_callback.GLOBAL_CALLBACK_MAP.values(), *a.callback_map.values()]:
    if v.get("callback") is None:   # klientsidans callbackar
        continue
    f = inspect.unwrap(v["callback"])
    antal = len(v["inputs"]) + len(v["state"])
    n += 1
    try:
        inspect.signature(f).bind(*range(antal))
    except TypeError as e:
        print(f"FEL {{f.__module__}}.{{f.__name__}} får {{antal}} argument: {{e}}")
print(n, "callbackar")
'''


def test_varje_callback_tar_sina_argument(tmp_path):
    """Varje Dash-callback kan ta emot sina Input och State. (En hjälpfunktion som hamnade mellan
    @callback och funktionen blev callbacken: förhandsgranskningen svarade "Ett internt fel".)"""
    kod = CALLBACKARGUMENT.format(fil=tmp_path / "f.sqlite")
    p = subprocess.run([sys.executable, "-c", kod], cwd=ROT, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PYTHONPATH": str(ROT)})
    assert p.returncode == 0, p.stderr
    assert "FEL" not in p.stdout, p.stdout
    assert int(p.stdout.split()[-2]) >= 8, p.stdout
