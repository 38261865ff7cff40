"""En plan är data: en andra plan av en annan form (tests/data/plan_testkoping: en annan kommun,
fem målområden 1, 2, 4, 7, 9, mål 2023–2025, tertial, samma enhetskoder, ingen budget) ligger
bredvid KS-2020 och fungerar i sidor, meny, export, rapportmall och import; en databas från
version 1 uppgraderas utan att något försvinner; KS-2020:s export är oförändrad."""
from __future__ import annotations

import io
from data.lagring.start import anvand_databas
import re
import shutil
import sqlite3

import pytest
from openpyxl import load_workbook
from sqlalchemy import inspect, text

from data.lagring import db, start
from data.utdata import export
from data.planen import forbered, ladda
from data.uppfoljning import fragor
from data.rapportering import rapport
from data.lagring.installningar import Installningar
from data.uppfoljning.urval import Urval
from tests.conftest import ROT, pg_databas

TK = ROT / "tests" / "data" / "plan_testkoping"
V1 = ROT / "tests" / "data" / "version1.sqlite"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def tva_planer(request, tmp_path_factory):
    """KS-2020 (med publicerade utfall, utan exempel) och Testköpings plan i samma databas."""
    if request.param == "sqlite":
        url, stada = f"sqlite:///{tmp_path_factory.mktemp('tva') / 'tva.sqlite'}", None
    else:
        url, stada = pg_databas()
    anvand_databas(url)
    forbered.sakerstall_databas(Installningar(exempel=False))
    anvand_databas(url)
    assert ladda.ladda_plan(TK) == "inläst"
    yield url
    forbered.glom()
    if stada:
        stada()


def test_andra_planen_ligger_bredvid_med_egna_enheter_och_perioder(tva_planer):
    url = tva_planer
    anvand_databas(url)
    assert set(fragor.planer().kod) == {"KS-2020", "TK-2023"}
    assert fragor.standardplan() == "KS-2020"
    tk = fragor.plan_info(fragor.los_plan("TK-2023"))
    assert tk["kommun"] == "Testköpings kommun" and tk["malar"] == [2023, 2024, 2025] and tk["ambitionsar"] == 2035
    assert list(fragor.malomraden(fragor.los_plan("TK-2023")).nr) == [1, 2, 4, 7, 9]
    # Samma koder, olika enheter
    ks = fragor.enheter(plan=fragor.los_plan()).set_index("kod")
    tke = fragor.enheter(fragor.los_plan("TK-2023")).set_index("kod")
    assert ks.loc["KSK", "namn"] == "Kommunstyrelsekontoret"
    assert tke.loc["KSK", "namn"] == "Kommunledningskontoret i Testköping"
    assert list(fragor.perioder(fragor.los_plan("TK-2023")).namn)[:2] == ["Tertial 1 2023", "Tertial 2 2023"]
    assert "Tertial 1 2023" not in set(fragor.perioder(plan=fragor.los_plan()).namn)
    # Filter på en enhet gäller planens enhet
    atg = fragor.atgarder(enhet=["KSK/EKO"], plan=fragor.los_plan("TK-2023"))
    assert sorted(atg.kod) == sorted(f"{n}-A01" for n in (1, 2, 4, 7, 9))
    assert len(fragor.atgarder(plan=fragor.los_plan())) == 84   # KS-2020 orörd
    ind = fragor.indikatorer(plan=fragor.los_plan("TK-2023"), period="Tertial 1 2023")
    assert {"mal_2023", "mal_2024", "mal_2025"} <= set(ind.columns) and "mal_2020" not in ind.columns
    assert fragor.planens_delar(fragor.los_plan("TK-2023")) == {"arbetsgivare": False, "sarskilda": False, "budget": False,
                                                        "skattepengar": False, "kolada": False}


def test_okant_malomrade_och_okand_enhet_namns_med_planens_val(tva_planer):
    anvand_databas(tva_planer)
    fel = fragor.kontrollera_urval(Urval.fran_fraga({"plan": "TK-2023"}, "/malomrade/3"))
    assert fel == ["okänt målområde ”3”; planen har målområde 1, 2, 4, 7, 9"]
    fel = fragor.kontrollera_urval(Urval(plan="TK-2023", enhet=["KSK/SHB"]))
    assert fel and "KSK/SHB" in fel[0]
    assert fragor.kontrollera_urval(Urval(plan="XX-1"))[0].startswith("okänd plan ”XX-1”")


def test_export_for_andra_planen_har_dess_malar_och_ingen_budget(tva_planer):
    anvand_databas(tva_planer)
    e = export.bygg(Urval(plan="TK-2023", period="Tertial 1 2023"), fragor.los_plan("TK-2023"))
    wb = load_workbook(io.BytesIO(e.innehall))
    assert wb.sheetnames == ["Åtgärder", "Indikatorer", export.BLAD_ANALYS]
    rubriker = [c.value for c in wb["Indikatorer"][export.RUBRIKRAD]]
    assert rubriker == list(export.kolumner_indikatorer([2023, 2024, 2025]))
    assert "Testköping" in wb["Åtgärder"]["A1"].value
    mo = {r[0].value for r in wb["Åtgärder"].iter_rows(min_row=export.RUBRIKRAD + 1)}
    assert mo == {1, 2, 4, 7, 9}


def test_mall_och_import_for_andra_planen(tva_planer):
    url = tva_planer
    anvand_databas(url)
    mall = rapport.skapa_mall("Tertial 2 2023", plan=fragor.los_plan("TK-2023"))
    wb = load_workbook(io.BytesIO(mall))
    assert wb["Instruktioner"]["B3"].value == "TK-2023"
    ws = wb["Åtgärder"]
    rub = [c.value for c in ws[rapport.RUBRIKRAD]]
    ids = [ws.cell(r, 1).value for r in range(rapport.FORSTA_RAD, ws.max_row + 1)]
    assert sorted(ids) == sorted(f"{n}-A0{k}" for n in (1, 2, 4, 7, 9) for k in (1, 2))
    rad = rapport.FORSTA_RAD + ids.index("9-A02")
    ws.cell(rad, rub.index("Status") + 1, "Pågår med avvikelse")
    ws.cell(rad, rub.index("Kommentar") + 1, "Testköpings rapport")
    ut = io.BytesIO()
    wb.save(ut)
    fg = rapport.las_rapport(ut.getvalue(), "tk.xlsx")
    assert fg.plan == "TK-2023" and len(fg.nya) == 2
    rapport.tillampa(fg, "Test")
    atg = fragor.atgarder(9, period="Tertial 2 2023", plan=fragor.los_plan("TK-2023")).set_index("kod")
    assert atg.loc["9-A02", "status"] == "Pågår med avvikelse"
    # KS-2020 har ingen period som heter så och påverkas inte
    assert "Tertial 2 2023" not in set(fragor.perioder(plan=fragor.los_plan()).namn)


def test_menyn_och_sammantradets_ordning_kommer_ur_planen(tva_planer, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", tva_planer)
    import app
    app.hamta_app()
    hrefs = [lank.href for lank in app.menylankar(fragor.los_plan("TK-2023"))]
    assert hrefs == ["/", "/malomrade/1", "/malomrade/2", "/malomrade/4", "/malomrade/7", "/malomrade/9",
                     "/rapportera"]
    ks = [lank.href for lank in app.menylankar(fragor.los_plan(None))]
    assert ks[:8] == ["/"] + [f"/malomrade/{n}" for n in range(1, 8)] and "/budget" in ks
    # Sammanträdesläget stegar i menyns ordning (assets/motelage.js läser #huvudmeny)
    js = (ROT / "assets" / "motelage.js").read_text(encoding="utf-8")
    assert "#huvudmeny" in js and "/malomrade/7" not in js


def test_varje_sida_ritas_for_andra_planen(tva_planer, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", tva_planer)
    import app
    server = app.hamta_app().server
    from sidor import arbetsgivare, budget, malomrade, oversikt, sarskilda_uppdrag
    q = {"plan": "TK-2023", "period": "Tertial 1 2023"}
    with server.test_request_context("/"):
        for nr in (1, 2, 4, 7, 9):
            assert "Testköping" in str(malomrade.layout(nr=str(nr), **q))
        assert "1, 2, 4, 7, 9" in str(malomrade.layout(nr="3", **q))
        assert "Ambitionsnivå 2035" in str(oversikt.layout(**q))
        for sida in (arbetsgivare, budget, sarskilda_uppdrag):
            sida.layout(**q)   # svarar (tomt) utan fel


# --- Uppgradering från version 1 ---------------------------------------------------------------

def _v1_tabeller() -> dict[str, list[tuple]]:
    with sqlite3.connect(V1) as c:
        namn = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {t: [tuple(r) for r in c.execute(f'SELECT * FROM "{t}" ORDER BY id')] for t in namn}


def _v1_kolumner(tabell: str) -> list[str]:
    with sqlite3.connect(V1) as c:
        return [r[1] for r in c.execute(f'PRAGMA table_info("{tabell}")')]


BYTT_NAMN = {("malomrade", "ambitionsniva_2030"): "ambitionsniva", ("sarskilt_uppdrag", "inriktning_2020"): "inriktning"}


def _fyll_pg_som_version1(url: str) -> None:
    """PostgreSQL som version 1 lämnade den: baslinjens schema (create_all i version 1) utan
    versionstabell, med version 1-databasens rader."""
    from alembic import command
    cfg = start.alembic_config()
    anvand_databas(url)
    with db.motor().begin() as c:
        cfg.attributes["connection"] = c
        command.upgrade(cfg, start.BASLINJE)
        c.execute(text("DROP TABLE alembic_version"))
        data = _v1_tabeller()
        ordning = ["plan", "period", "enhet", "cachegeneration", "malomrade", "inriktningsmal", "uppdrag", "atgard",
                   "atgard_enhet", "fokusomrade", "indikator", "indikator_enhet", "malvarde", "sarskilt_uppdrag",
                   "budgetrad", "budgetbelopp", "periodlas", "atgardsrapport", "indikatorutfall", "malbedomning",
                   "budgetutfall"]
        assert set(ordning) == set(data)
        pg_typer = {(t, k["name"]): k["type"] for t in ordning for k in inspect(c).get_columns(t)}
        for t in ordning:
            kol = _v1_kolumner(t)
            for rad in data[t]:
                varden = {k: (bool(v) if v is not None and type(pg_typer[(t, k)]).__name__ == "BOOLEAN" else v)
                          for k, v in zip(kol, rad)}
                c.execute(text(f'INSERT INTO "{t}" ({", ".join(kol)}) VALUES ({", ".join(":" + k for k in kol)})'),
                          varden)
            c.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM \"{t}\"))"))


@pytest.fixture(params=["sqlite", "postgresql"])
def version1_databas(request, tmp_path):
    if request.param == "sqlite":
        kopia = tmp_path / "v1.sqlite"
        shutil.copy(V1, kopia)
        yield f"sqlite:///{kopia}"
        forbered.glom()
    else:
        url, stada = pg_databas()
        _fyll_pg_som_version1(url)
        yield url
        stada()


def _jamfor(varde_fore, varde_efter) -> bool:
    import decimal
    if isinstance(varde_fore, (int, float, decimal.Decimal)) and isinstance(varde_efter, (int, float, decimal.Decimal)):
        return float(varde_fore) == float(varde_efter)
    return str(varde_fore) == str(varde_efter)


def test_databas_fran_version_1_uppgraderas_med_varje_rad_kvar(version1_databas):
    url = version1_databas
    fore = _v1_tabeller()
    anvand_databas(url)
    assert start.databasens_version() is None
    anvand_databas(url)
    forbered.sakerstall_databas(Installningar(exempel=False))
    anvand_databas(url)
    assert start.databasens_version() == start.senaste_version()
    anvand_databas(url)
    with db.motor().connect() as c:
        for t, rader in fore.items():
            kol = _v1_kolumner(t)
            nya_kol = [BYTT_NAMN.get((t, k), k) for k in kol]
            efter = {r[0]: r for r in c.execute(text(f'SELECT {", ".join(nya_kol)} FROM "{t}" ORDER BY id'))}
            assert len(efter) == len(rader), t
            for rad in rader:
                ny = efter[rad[0]]
                for k, a, b in zip(kol, rad, ny):
                    if k in ("rapporterad", "satt", "tid") and a is not None:
                        assert str(b)[:19].replace("T", " ") == str(a)[:19], (t, k)
                    elif a == "null" and b is None:   # JSON null (SQLite lagrar texten)
                        continue
                    elif isinstance(a, str) and a[:1] in "[{":
                        assert a.replace(" ", "") == str(b).replace(" ", "").replace("'", '"') or b == __import__("json").loads(a), (t, k)
                    else:
                        assert a is None and b is None or _jamfor(int(a) if isinstance(b, bool) else a,
                                                                   int(b) if isinstance(b, bool) else b), (t, k, a, b)
        ks = c.execute(text("SELECT id FROM plan WHERE kod = 'KS-2020'")).scalar_one()
        assert c.execute(text("SELECT COUNT(*) FROM period WHERE plan_id = :p"), {"p": ks}).scalar_one() == 9
        assert c.execute(text("SELECT COUNT(*) FROM enhet WHERE plan_id = :p"), {"p": ks}).scalar_one() == len(fore["enhet"])
    # Det låsta, det importerade och det publicerade syns som förut
    anvand_databas(url)
    assert bool(fragor.perioder(plan=fragor.los_plan()).set_index("namn").loc["Delår 2 2020", "last"])
    atg = fragor.atgarder(period="Årsredovisning 2020", plan=fragor.los_plan())
    assert "Klart enligt plan (v1-import)." in set(atg.kommentar.dropna())
    assert fragor.plan_info(plan=fragor.los_plan())["malar"] == [2020, 2021, 2022]
    # Nämndens kortform ur planens egna uppdrag (migreringen 0009_namnden): samma ord som förut
    assert fragor.namnden(plan=fragor.los_plan()).initiativ == "KS-initiativ"
    # En andra start gör ingenting (och planens källfiler kan läsas in igen)
    forbered.glom()
    anvand_databas(url)
    forbered.sakerstall_databas(Installningar(exempel=False))
    assert ladda.ladda_plan() in ("uppdaterad", "oförändrad")
    assert len(fragor.atgarder(plan=fragor.los_plan())) == 84


def test_schemat_efter_migreringarna_ar_modellernas(tmp_path):
    """Migreringarna ger exakt modellernas schema (inga skillnader kvar för autogenerate)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from data.lagring.models import Bas
    url = f"sqlite:///{tmp_path / 'schema.sqlite'}"
    anvand_databas(url)
    start.uppgradera()
    anvand_databas(url)
    with db.motor().connect() as c:
        skillnader = compare_metadata(MigrationContext.configure(c), Bas.metadata)
    assert not skillnader, skillnader


@pytest.mark.parametrize("period", ["Delår 2 2020", "Årsredovisning 2020"])
def test_ks2020_exporten_ar_oforandrad_mot_version_1(tmp_path, period):
    """Samma databas (version 1:s, uppgraderad) ger samma export som version 1 gav, cell för cell
    (utom exporttiden), i version 1:s område: dess rader och kolumner.

    Version 2 (issue 13) lägger till ursprungskolumner (Ursprung, källa, rapporterad av …) SIST
    på Åtgärder och Indikatorer, så att version 1:s kolumner har kvar sina platser – det är det
    dokumenterade gränssnittet (docs/export.md). Därför jämförs bara version 1:s kolumner, och de
    nya kolumnerna prövas för sig: att de står direkt efter och har de dokumenterade rubrikerna."""
    kopia = tmp_path / "v1.sqlite"
    shutil.copy(V1, kopia)
    url = f"sqlite:///{kopia}"
    anvand_databas(url)
    forbered.sakerstall_databas(Installningar(exempel=False))
    anvand_databas(url)
    ny = load_workbook(io.BytesIO(export.bygg(Urval(period=period), fragor.los_plan()).innehall))
    namn = re.sub(r"[^A-Za-z0-9]+", "_", period.replace("å", "a").replace("Å", "A"))
    gammal = load_workbook(ROT / "tests" / "data" / f"version1_export_{namn}.xlsx")
    # Version 4 (issue 13): ett NYTT blad, Budgetuppföljning, sist – version 1:s blad står kvar i samma ordning;
    # version 5 (issue 23): Analystexter efter det
    assert ny.sheetnames == gammal.sheetnames + [export.BLAD_BUDGETUPPFOLJNING, export.BLAD_ANALYS]
    tid = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
    # Version 3 (issue 13): ett ord per begrepp – två rubriker döptes om, platser och innehåll är desamma
    omdopt = {"Enhet": "Måttenhet", "Enheter": "Ansvariga enheter (koder)"}
    for blad in gammal.sheetnames:
        a, b = gammal[blad], ny[blad]
        # version 6 (issue 24): Trend sist på Indikatorer
        nya = {"Åtgärder": export.URSPRUNG_ATGARDER,
               "Indikatorer": export.URSPRUNG_INDIKATORER + ("Trend",)}.get(blad, ())
        assert (a.max_row, a.max_column + len(nya)) == (b.max_row, b.max_column), blad
        assert tuple(c.value for c in b[4][a.max_column:]) == nya, blad
        for ra, rb in zip(a.iter_rows(), b.iter_rows(max_col=a.max_column)):
            for ca, cb in zip(ra, rb):
                va, vb = ca.value, cb.value
                if isinstance(va, str) and tid.search(va):
                    va, vb = tid.sub("", va), tid.sub("", str(vb))
                if ca.row == export.RUBRIKRAD and va in omdopt:
                    va = omdopt[va]
                assert va == vb, (blad, ca.coordinate, va, vb)
                assert ca.number_format == cb.number_format, (blad, ca.coordinate)


# --- Nästa års plan ---------------------------------------------------------------------------

def test_ny_plan_skrivs_ur_den_har_och_gar_att_lasa_in(tva_planer, tmp_path):
    from data.planen import nyplan
    from data.planen.kallor import las_plan
    url, ut = tva_planer, tmp_path / "ks2021"
    anvand_databas(url)
    summa = nyplan.ny_plan(fragor.los_plan("KS-2020"), "KS-2021", ut, period="Årsredovisning 2020")
    p = las_plan(ut)
    assert p["kod"] == "KS-2021" and p["ar"] == 2021 and p["malar"] == [2021, 2022, 2023]
    assert [x["namn"] for x in p["perioder"]][:3] == ["Delår 1 2021", "Delår 2 2021", "Årsredovisning 2021"]
    atg = fragor.atgarder(period="Årsredovisning 2020", plan=fragor.los_plan())
    oppna = set(atg[~atg.status.isin(["Genomförd", "Struken"])].kod)
    overforda = {a["kod"] for mo in p["malomraden"] for u in mo["uppdrag"] for a in u["atgarder"]}
    assert overforda == oppna and summa["atgarder"] == len(oppna)
    # Målen för år som finns kvar följer med; nuvärdet är senaste rapporterade utfall
    gamla = fragor.indikatorer(plan=fragor.los_plan()).set_index("kod")
    nya = {i["kod"]: i for mo in p["malomraden"] for i in mo["indikatorer"]}
    assert len(nya) == 38
    for kod, i in nya.items():
        for ar in (2021, 2022):
            v = gamla.loc[kod, f"mal_{ar}"]
            assert (i["mal"].get(ar, (None,))[0] is None) == bool(v != v or v is None), (kod, ar)
        assert 2023 not in i["mal"]
    assert ladda.ladda_plan(ut) == "inläst"
    assert len(fragor.atgarder(plan=fragor.los_plan("KS-2021"))) == len(oppna)
    with pytest.raises(nyplan.Nyplanfel, match="inte tom"):
        nyplan.ny_plan(fragor.los_plan("KS-2020"), "KS-2022", ut)


def test_planen_foljer_med_till_export_och_rapportmall_fran_sidan(tva_planer, monkeypatch):
    """?plan=TK-2023 på en sida: knappen Exportera ger Testköpings arbetsbok och Hämta rapportmall
    Testköpings mall (inte standardplanens)."""
    monkeypatch.setenv("DATABASE_URL", tva_planer)
    import app
    server = app.hamta_app().server
    from sidor._export import nedladdning
    from sidor._gemensamt import hamta_rapportmall
    sok = "?plan=TK-2023&period=Tertial+1+2023"
    anvand_databas(tva_planer)
    d = nedladdning("/malomrade/9", sok)
    import base64
    wb = load_workbook(io.BytesIO(base64.b64decode(d["content"])))
    assert "Testköping" in wb["Åtgärder"]["A1"].value and wb["Åtgärder"]["A5"].value == 9
    with server.test_request_context("/"):
        m = hamta_rapportmall(1, sok)
    mall = load_workbook(io.BytesIO(base64.b64decode(m["content"])))
    assert mall["Instruktioner"]["B3"].value == "TK-2023" and mall["Instruktioner"]["B2"].value == "Tertial 1 2023"


def test_cachenyckeln_bar_den_upplosta_planen(tva_planer, monkeypatch, tmp_path):
    """Två processer med olika MALKOLL_STANDARDPLAN som delar ett lager blandar aldrig ihop planerna:
    kanten löser upp standardplanen (los_plan) en gång, och frågan cachas under den upplösta planen
    (kod och id), aldrig under "standardplanen" – en fråga utan plan går inte att göra."""
    from data.lagring import installningar
    monkeypatch.delenv("MALKOLL_CACHE", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    lager = str(tmp_path / "delat_lager")
    titlar = {}
    for kod in ("KS-2020", "TK-2023", "KS-2020"):
        installningar.anvand(Installningar(databas_url=tva_planer, standardplan=kod, cache_katalog=lager,
                                           exempel=False))
        kp = fragor.los_plan()                       # kanten: processens standardplan, upplöst
        assert kp.kod == kod and repr(kp) == f"Plankontext({kod!r}, id={kp.id})"
        titlar.setdefault(kod, []).append(list(fragor.malomraden(kp).titel))
        # det delade lagret gav planens eget svar (som utan cache), inte den andra processens
        assert titlar[kod][-1] == list(fragor.malomraden.ocachad(kp).titel)
        assert fragor.plan_info(kp)["kod"] == kod
        assert set(fragor.perioder(kp).namn) == set(fragor.perioder.ocachad(kp).namn)
    assert titlar["KS-2020"][0] == titlar["KS-2020"][1] != titlar["TK-2023"][0]
    with pytest.raises(TypeError):
        fragor.malomraden()                          # ingen standard under kanten


def test_plankontexten_ar_planen_upplost(tva_planer):
    """los_plan gör valet (kod eller standard) till ett värde med id, nämndens ord och perioderna;
    cachens nyckel (repr) bär kod och id, aldrig "standard"; en okänd kod är ett fel."""
    from data.uppfoljning.plankontext import Plankontext
    ks = fragor.los_plan("KS-2020")
    assert isinstance(ks, Plankontext) and ks.kod == "KS-2020"
    assert ks.id == int(fragor.planer().set_index("kod").id["KS-2020"])
    assert list(ks.perioder) == list(fragor.perioder(ks).namn)
    assert ks.namnd == fragor.namnden(ks) and ks.ar == fragor.plan_info(ks)["ar"] and str(ks) == "KS-2020"
    assert repr(ks) == f"Plankontext('KS-2020', id={ks.id})" and fragor.los_plan(ks) is ks
    assert fragor.los_plan().kod == fragor.standardplan()
    tk = fragor.los_plan("TK-2023")
    assert tk != ks and list(fragor.malomraden(tk).titel) != list(fragor.malomraden(ks).titel)
    assert repr(fragor.los_plan("KS-2020", sammantrade=3)).endswith("sammantrade=3)")
    with pytest.raises(LookupError):
        fragor.los_plan("FINNS-INTE")
