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
           "from data.uppfoljning import fragor\nprint(len(fragor.malomraden(fragor.los_plan())))\n")
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


# Planparametrar som inte är planvalet (fil → funktionerna, None = hela filen): kontots rättigheter
# nämner en plankod (None = hela organisationen), de publicerade utfallen läses för källfilernas plan,
# och sammanträdenas lista tar en Plankontext eller None (= alla planers sammanträden).
PLANKOD_UNDANTAG: dict[str, set[str] | None] = {
    "data/konton/anvandare.py": None, "data/planen/publicerat.py": None,
    "data/utdata/sammantrade.py": {"lista", "api_lista"}}


def _undantagen(fil: str, funk: str) -> bool:
    return fil in PLANKOD_UNDANTAG and (PLANKOD_UNDANTAG[fil] is None or funk in PLANKOD_UNDANTAG[fil])


def _planparametrar():
    """(fil, funktion, annotation, standardvärde) för varje parameter `plan` i data/."""
    import ast
    for fil in sorted((ROT / "data").rglob("*.py")):
        for nod in ast.walk(ast.parse(fil.read_text(encoding="utf-8"))):
            if not isinstance(nod, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            a = nod.args
            pos = a.posonlyargs + a.args
            std = [None] * (len(pos) - len(a.defaults)) + list(a.defaults)
            for arg, d in list(zip(pos, std)) + list(zip(a.kwonlyargs, a.kw_defaults)):
                if arg.arg == "plan":
                    yield (str(fil.relative_to(ROT)), nod.name, ast.unparse(arg.annotation) if arg.annotation else "",
                           ast.unparse(d) if d is not None else None)


def test_ingen_fraga_tar_standardplanen():
    """Planen löses upp en gång vid kanten (fragor.los_plan → Plankontext): ingen funktion i data/ har
    en parameter `plan` som standard är None (= "standardplanen") eller en plankod (str); dekoratorn
    upplost_plan och _plan_id finns inte, och bara los_plan frågar efter standardplanen."""
    import ast
    import re
    alla = list(_planparametrar())
    assert len(alla) > 60   # skannern hittar frågorna (fragor, budget, export, rapportering …)
    fel = [f"{fil}: {funk}(plan: {ann}{'' if std is None else ' = ' + std})" for fil, funk, ann, std in alla
           if not _undantagen(fil, funk) and (std is not None or re.search(r"\bstr\b|Optional", ann))]
    assert not fel, "planen ska vara en Plankontext utan standard:\n" + "\n".join(fel)
    assert any(fil == "data/uppfoljning/fragor.py" and funk == "atgarder" and ann == "Plankontext"
               for fil, funk, ann, _ in alla)
    anropare = []
    for fil in sorted([*(ROT / "data").rglob("*.py"), *(ROT / "sidor").rglob("*.py"), ROT / "app.py"]):
        text = fil.read_text(encoding="utf-8")
        assert not re.search(r"\bupplost_plan\b|\b_plan_id\b", text), f"{fil}: upplost_plan/_plan_id ska vara borta"
        for nod in ast.walk(ast.parse(text)):
            if isinstance(nod, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for anrop in ast.walk(nod):
                    f = getattr(anrop, "func", None)
                    if isinstance(anrop, ast.Call) and getattr(f, "attr", getattr(f, "id", None)) == "standardplan":
                        anropare.append(f"{fil.relative_to(ROT)}:{nod.name}")
    assert set(anropare) == {"data/uppfoljning/fragor.py:los_plan"}, anropare


def _namn_i_data(trad) -> dict[str, object]:
    """Namnen som en fil importerar ur data/ (var som helst i filen): namn → modul eller funktion."""
    import ast
    import importlib
    namn: dict[str, object] = {}
    for nod in ast.walk(trad):
        if isinstance(nod, ast.ImportFrom) and nod.level == 0 and (nod.module or "").split(".")[0] == "data":
            mod = importlib.import_module(nod.module)
            for a in nod.names:
                varde = getattr(mod, a.name, None)
                namn[a.asname or a.name] = varde if varde is not None else importlib.import_module(f"{nod.module}.{a.name}")
        elif isinstance(nod, ast.Import):
            for a in nod.names:
                if a.name.split(".")[0] == "data" and a.asname:
                    namn[a.asname] = importlib.import_module(a.name)
    return namn


def _anrop_in_i_data(fil: Path):
    """(rad, funktion, anrop) för varje anrop i filen av en funktion eller klass ur data/."""
    import ast
    import inspect
    trad = ast.parse(fil.read_text(encoding="utf-8"))
    namn = _namn_i_data(trad)
    for nod in ast.walk(trad):
        if not isinstance(nod, ast.Call):
            continue
        f = nod.func
        mal = None
        if isinstance(f, ast.Name) and f.id in namn and not inspect.ismodule(namn[f.id]):
            mal = namn[f.id]
        elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and inspect.ismodule(namn.get(f.value.id)):
            mal = getattr(namn[f.value.id], f.attr, None)
            assert mal is not None, f"{fil.name}:{nod.lineno}: {f.value.id}.{f.attr} finns inte"
        if mal is not None and callable(mal):
            yield nod.lineno, mal, nod


def test_bankskripten_anropar_data_med_giltiga_argument():
    """Bänkskripten (bench/, körs inte av testerna) anropar data/ med argument som funktionerna tar:
    inga försvunna nyckelord och inga saknade (t.ex. `plan` när en fråga börjar ta en Plankontext)."""
    import ast
    import inspect
    fel, antal = [], 0
    for fil in sorted((ROT / "bench").glob("*.py")):
        for rad, mal, nod in _anrop_in_i_data(fil):
            if any(isinstance(a, ast.Starred) for a in nod.args) or any(k.arg is None for k in nod.keywords):
                continue
            try:
                sig = inspect.signature(mal)
            except (TypeError, ValueError):
                continue
            antal += 1
            try:
                sig.bind(*nod.args, **{k.arg: k.value for k in nod.keywords})
            except TypeError as e:
                fel.append(f"bench/{fil.name}:{rad}: {ast.unparse(nod)} – {e}")
    assert antal >= 10, antal   # skannern hittar anropen (export, rapport, fragor …)
    assert not fel, "\n".join(fel)
