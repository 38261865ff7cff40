"""Nämnden är data (issue 20): en tredje plan – Sjöby kommuns Barn- och utbildningsnämnd
(tests/data/plan_sjoby: BUN-initiativ, nivån BUN, fyra målområden, mål 2025–2027, tertial, enheter
vars koder krockar med Norrtäljes, ingen HR, inga särskilda uppdrag) – ligger bredvid KS-2020 och
Testköping, och varje sida, exporten, rapportmallen och API:t visar bara den egna planens ord.
Appkoden namnger ingen nämnd eller kommun; plan.yaml:s nya fält granskas med fil och post."""
from __future__ import annotations

import io
from data.lagring.start import anvand_databas
import json
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from data.lagring.installningar import Installningar
from data.planen import forbered, ladda
from data.planen.kallor import KallfilFel, las_plan
from data.rapportering import rapport
from data.uppfoljning import fragor
from data.uppfoljning.urval import Urval
from data.utdata import export
from tests.conftest import ROT, pg_databas

SJOBY = ROT / "tests" / "data" / "plan_sjoby"
TK = ROT / "tests" / "data" / "plan_testkoping"
KS, BUN, TKK = "KS-2020", "BUN-2025", "TK-2023"

# Ord som en plans sidor aldrig får visa: de andra planernas nämnder, kommuner och koder
FRAMMANDE = {
    KS: [r"Sjöby", r"Barn- och utbildningsnämnd", r"\bBUN\b", r"Testköping", r"BUN-2025", r"TK-2023"],
    BUN: [r"Norrtälje", r"(?i)kommunstyrelse", r"\bKS\b", r"KS-2020", r"KS-initiativ", r"0188", r"Testköping",
          r"TK-2023", r"KSK/SHB", r"KSK HR", r"Delår \d 20\d\d", r"20(18|19|20|21|22|23)\b"],
    TKK: [r"Norrtälje", r"Sjöby", r"\bBUN\b", r"Barn- och utbildningsnämnd", r"KS-2020", r"BUN-2025", r"0188"],
}


def frammande(plan: str, text: str) -> list[str]:
    return [m.group(0) for mon in FRAMMANDE[plan] for m in [re.search(mon, text)] if m]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def tre_planer(request, tmp_path_factory):
    """KS-2020 (utan exempel), Testköping och Sjöbys BUN-plan i samma databas."""
    if request.param == "sqlite":
        url, stada = f"sqlite:///{tmp_path_factory.mktemp('tre') / 'tre.sqlite'}", None
    else:
        url, stada = pg_databas()
    anvand_databas(url)
    forbered.sakerstall_databas(Installningar(exempel=False))
    anvand_databas(url)
    assert ladda.ladda_plan(TK) == "inläst"
    assert ladda.ladda_plan(SJOBY) == "inläst"
    yield url
    forbered.glom()
    if stada:
        stada()


# --- Källfilerna --------------------------------------------------------------------------------

def test_appkoden_namnger_ingen_namnd_eller_kommun():
    """Inget i app.py, sidor/, komponenter/ eller data/ (utom planfilerna och migreringarna) namnger
    Norrtälje, Kommunstyrelsen, KS eller Norrtäljes Kolada-id."""
    ut = subprocess.run(["git", "grep", "-niE", r"norrt(ä|a)lje|kommunstyrelse|KS-2020|KS-initiativ|\bKS\b|0188",
                         "--", "app.py", "sidor", "komponenter", "data", ":!data/plan", ":!data/lagring/migrations"],
                        cwd=ROT, capture_output=True, text=True)
    if ut.returncode not in (0, 1):
        pytest.skip(f"git grep fungerar inte här: {ut.stderr.strip()}")
    assert ut.stdout == ""


def test_planfilerna_ger_namnden_och_kommunen():
    ks, bun = las_plan(), las_plan(SJOBY)
    assert (ks["namnd_kort"], ks["kommunkod"], ks["kolada"]["kommun"]) == ("KS", "0188", "0188")
    assert (bun["namnd"], bun["namnd_kort"], bun["kommunkod"]) == ("Barn- och utbildningsnämnden", "BUN", "9901")
    assert bun["kolada"]["kommun"] == "9901"
    typer = {u["typ"] for mo in bun["malomraden"] for u in mo["uppdrag"]}
    nivaer = {i["niva"] for mo in bun["malomraden"] for i in mo["indikatorer"]}
    assert typer == {"KF-uppdrag", "BUN-initiativ"} and nivaer == {"KF", "BUN"}
    assert [mo["nr"] for mo in bun["malomraden"]] == [1, 2, 3, 4] and bun["malar"] == [2025, 2026, 2027]
    assert not bun["arbetsgivare"]["fokusomraden"] and not bun["sarskilda"] and not bun["budget"]
    tider = {a["tidpunkt"] for mo in bun["malomraden"] for u in mo["uppdrag"] for a in u["atgarder"]}
    assert {"2025-10-31", "Senast 30 september 2025", "Kvartal 2 2025", "Q3 2025", "tertial 2", "Läsåret 2025/26",
            "Höstterminen 2025", "Redovisas i tertial 2 2025", "I samband med Tertial 2 2025",
            "I samband med att Mål och budget 2027–2029 beslutas"} <= tider
    # Tolkaren läser alla formerna (planåret 2025 för "tertial 2"): inga varningar, bara Löpande utan datum
    odaterade = {a["tidpunkt"] for mo in bun["malomraden"] for u in mo["uppdrag"] for a in u["atgarder"]
                 if a["forfallodatum"] is None}
    assert odaterade == {"Löpande"} and not bun.get("varningar")


def _kopia(tmp_path, kalla=SJOBY):
    ut = tmp_path / "plan"
    shutil.copytree(kalla, ut)
    return ut


def _byt(fil, fran: str, till: str) -> None:
    text = fil.read_text(encoding="utf-8")
    assert fran in text, fran
    fil.write_text(text.replace(fran, till, 1), encoding="utf-8")


@pytest.mark.parametrize("fil, fran, till, fel", [
    ("plan.yaml", "namnd_kort: BUN\n", "", "plan.yaml, planen: fältet 'namnd_kort' saknas"),
    ("plan.yaml", "namnd_kort: BUN", "namnd_kort: KF", "plan.yaml, planen: fältet 'namnd_kort' har 'KF'"),
    ("plan.yaml", "namnd_kort: BUN", "namnd_kort: barn och utbildning", "fältet 'namnd_kort' har"),
    ("plan.yaml", 'kommunkod: "9901"', "kommunkod: 99O1", "plan.yaml, planen: fältet 'kommunkod' har '99O1'"),
    ("plan.yaml", "  riket: \"0000\"", "  kommun: \"0188\"\n  riket: \"0000\"",
     "plan.yaml, kolada: kommun '0188' skiljer sig från planens kommunkod '9901'"),
    ("plan.yaml", "  inriktningsmal:", "  rubrik:", "plan.yaml, texter, rubrik: okänd text"),
    ("plan.yaml", "tolkning_uppdrag: Förvaltningens beskrivning", "tolkning_uppdrag: '{styrelse} tolkar'",
     "plan.yaml, texter, tolkning_uppdrag: okänt fält"),
    ("malomrade_2.yaml", "typ: BUN-initiativ", "typ: KS-initiativ",
     "malomrade_2.yaml, uppdrag 2-U02: fältet 'typ' har värdet 'KS-initiativ'; tillåtet är KF-uppdrag, BUN-initiativ"),
    ("malomrade_3.yaml", "niva: BUN", "niva: KS",
     "malomrade_3.yaml, indikator 3-I02: fältet 'niva' har värdet 'KS'; tillåtet är KF, BUN"),
])
def test_namndens_fel_anger_fil_och_post(tmp_path, fil, fran, till, fel):
    katalog = _kopia(tmp_path)
    _byt(katalog / fil, fran, till)
    with pytest.raises(KallfilFel) as e:
        las_plan(katalog)
    assert any(f.startswith(fel) or fel in f for f in e.value.fel), e.value.fel


def test_ks_plan_vagrar_bun_initiativ(tmp_path):
    katalog = _kopia(tmp_path, ROT / "data" / "plan")
    _byt(katalog / "malomrade_1.yaml", "typ: KS-initiativ", "typ: BUN-initiativ")
    with pytest.raises(KallfilFel, match=r"malomrade_1\.yaml, uppdrag 1-U\d\d: fältet 'typ' har värdet 'BUN-initiativ'"):
        las_plan(katalog)


# --- Databasen och sidorna ------------------------------------------------------------------------

def test_tre_planer_med_egna_ord(tre_planer):
    url = tre_planer
    anvand_databas(url)
    assert set(fragor.planer().kod) == {KS, TKK, BUN}
    bun, ks = fragor.namnden(fragor.los_plan(BUN)), fragor.namnden(plan=fragor.los_plan())
    assert (bun.kort, bun.initiativ, bun.genitiv, bun.kommunkod) == (
        "BUN", "BUN-initiativ", "Barn- och utbildningsnämndens", "9901")
    assert (ks.kort, ks.initiativ, ks.genitiv, ks.kommun) == ("KS", "KS-initiativ", "Kommunstyrelsens", "Norrtälje kommun")
    assert bun.text("egna_initiativ") == "Barn- och utbildningsnämndens egna initiativ"
    assert bun.text("tolkning_uppdrag") == "Förvaltningens beskrivning"   # planens egen text
    # Enhetskoderna krockar med Norrtäljes men är Sjöbys enheter
    assert fragor.enheter(fragor.los_plan(BUN)).set_index("kod").loc["BoU", "namn"] == "Barn- och utbildningsförvaltningen i Sjöby"
    assert fragor.enheter(plan=fragor.los_plan()).set_index("kod").loc["KSK/EKO", "namn"] != "Ekonomiavdelningen i Sjöby"
    atg = fragor.atgarder(enhet=["KSK/EKO"], plan=fragor.los_plan(BUN))
    assert list(atg.kod) == ["4-A01"]
    # Uppdragen: KF först, sedan nämndens egna initiativ
    upp = fragor.uppdrag(2, plan=fragor.los_plan(BUN))
    assert list(upp.typ) == ["KF-uppdrag", "BUN-initiativ"]
    assert fragor.planens_delar(fragor.los_plan(BUN))["arbetsgivare"] is False


def _text(komponent) -> str:
    """Allt en sida visar eller bär som text (barn, titlar, etiketter, val, diagram) som en sträng."""
    import plotly
    return json.dumps(komponent, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def _sidor_for(plan: str, url: str):
    """Varje registrerad sida med planens parametrar (målområdena: planens egna nummer)."""
    import dash
    anvand_databas(url)
    perioder = list(fragor.perioder(fragor.los_plan(plan)).namn)
    nr = list(fragor.malomraden(fragor.los_plan(plan)).nr)
    for sida in dash.page_registry.values():
        mall = sida.get("path_template")
        varianter = [{"nr": str(n)} for n in nr] if mall and "<nr>" in mall else [{}]
        for extra in varianter:
            yield sida, {**extra, "plan": plan, "period": perioder[-1]}


@pytest.mark.parametrize("plan", [BUN, KS, TKK])
def test_varje_sida_visar_bara_planens_ord(tre_planer, monkeypatch, plan):
    """Varje registrerad sida, i normal- och sammanträdesläge (och avvikelsedagordningen), med menyn och sidhuvudet: inga andra
    planers nämnd-, kommun- eller kodord (planväljaren listar alla planer och räknas inte)."""
    if tre_planer.startswith("postgresql") and plan != BUN:
        pytest.skip("orden är desamma i båda databaserna; på PostgreSQL prövas den tredje planen (CI-tid)")
    monkeypatch.setenv("DATABASE_URL", tre_planer)
    import app
    server = app.hamta_app().server
    sett = 0
    with server.test_request_context("/"):
        kp = fragor.los_plan(plan)
        meny = _text(app.menylankar(kp)) + _text(app.oppna_lankar(kp)) + _text(app.sidhuvudets_plan(kp))
        assert not frammande(plan, meny), meny
        for sida, q in _sidor_for(plan, tre_planer):
            for visning in ({}, {"visning": "mote"}, {"visning": "mote", "fokus": "avvikelser"}):
                text = _text(sida["layout"](**q, **visning) if callable(sida["layout"]) else sida["layout"])
                assert not frammande(plan, text), (sida["path"], q, visning, frammande(plan, text))
                sett += 1
    assert sett >= 2 * 12


def test_bun_planens_sidor_har_dess_rubriker(tre_planer, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", tre_planer)
    import app
    server = app.hamta_app().server
    from sidor import malomrade, om
    q = {"plan": BUN, "period": "Tertial 2 2025"}
    with server.test_request_context("/"):
        sida = _text(malomrade.layout(nr="2", **q))
        for ord_ in ("Uppdrag från kommunfullmäktige", "Barn- och utbildningsnämndens egna initiativ",
                     "BUN-initiativ: Nämndens initiativ 2-U02", "Förvaltningens beskrivning",
                     "Nämndmål och bedömning", "Barn- och utbildningsnämndens tolkning av målområdet"):
            assert ord_ in sida, ord_
        ks = _text(malomrade.layout(nr="1", period="Delår 2 2020"))
        assert "Kommunstyrelsens egna initiativ" in ks and "Kommunstyrelsens tolkning av målområdet" in ks
        ordlista = _text(om.layout(plan=BUN))
        assert "Barn- och utbildningsnämndens bedömning" in ordlista and ordlista.count("Ansvarig enhet") == 1
        assert "BoU/FSK, BoU/GR" in ordlista and "KSK/SHB" not in ordlista   # exemplen är planens egna enheter


def test_meny_och_sidor_bara_for_planens_delar(tre_planer, monkeypatch):
    """BUN-planen har varken HR, särskilda uppdrag eller budget: inga menyval för dem, och sidorna
    säger det i en mening; sammanträdesläget stegar i menyns ordning (planens fyra målområden)."""
    monkeypatch.setenv("DATABASE_URL", tre_planer)
    import app
    server = app.hamta_app().server
    from sidor import arbetsgivare, budget, sarskilda_uppdrag, skattepengar
    with server.test_request_context("/"):
        assert [l.href for l in app.menylankar(fragor.los_plan(BUN))] == ["/", "/malomrade/1", "/malomrade/2", "/malomrade/3",
                                                          "/malomrade/4", "/rapportera"]
        oppna = [l.href for l in app.oppna_lankar(fragor.los_plan(BUN)) if l is not None]
        assert oppna == ["/jamforelse", "/api", "/om"]   # Kolada-id och ett nyckeltal, ingen budget
        assert [l.href for l in app.oppna_lankar(fragor.los_plan(TKK)) if l is not None] == ["/api", "/om"]
        ks = [l.href for l in app.oppna_lankar(fragor.los_plan(None)) if l is not None]
        assert "/skattepengar" in ks and "/jamforelse" in ks
        for sida, ord_ in ((arbetsgivare, "har inga HR-indikatorer"), (sarskilda_uppdrag, "har inga särskilda uppdrag"),
                           (budget, "har inga budgettabeller"), (skattepengar, "ingen budget att visa")):
            text = _text(sida.layout(plan=BUN))
            assert "Barn- och utbildningsnämndens verksamhetsplan 2025" in text and ord_ in text, sida.__name__
        assert "Sjöby kommun · Barn- och utbildningsnämnden · 2025" in app.sidhuvudets_plan(fragor.los_plan(BUN))
        # Planbytet behåller filtren som finns i den nya planen och säger vilka som togs bort
        sok, sokvag, tappade = app.byt_plan("?period=Delår+2+2020&enhet=KSK/EKO&status=Försenad",
                                            "/malomrade/7", BUN, KS)
        assert sokvag == "/" and tappade == ["perioden ”Delår 2 2020”", "målområde 7"]
        assert "plan=BUN-2025" in sok and "enhet=KSK/EKO" in sok and "status=" in sok and "period" not in sok
        assert app.planbytesbesked(BUN, tappade) == (
            "Planen Sjöby kommun · Barn- och utbildningsnämnden · 2025 har inte perioden ”Delår 2 2020” och "
            "målområde 7; de togs bort ur filtret.")
        sok, sokvag, tappade = app.byt_plan("?plan=BUN-2025&enhet=BoU/GR", "/malomrade/2", KS, KS)
        assert (sokvag, tappade) == ("/malomrade/2", ["enheten ”BoU/GR”"]) and "plan=" not in sok


def _celler(wb) -> str:
    return "\n".join(str(c.value) for ws in wb.worksheets for rad in ws.iter_rows() for c in rad if c.value is not None)


def test_export_mall_och_api_for_bun_planen(tre_planer, monkeypatch):
    url = tre_planer
    anvand_databas(url)
    e = load_workbook(io.BytesIO(export.bygg(Urval(plan=BUN, period="Tertial 2 2025"), fragor.los_plan(BUN)).innehall))
    text = _celler(e)
    assert "Sjöby" in text and "BUN-initiativ" in text and not frammande(BUN, text)
    # Rapportmallen och tillbaka: en status på Sjöbys åtgärd 4-A01 (ansvarig BoU, i samverkan KSK/EKO)
    wb = load_workbook(io.BytesIO(rapport.skapa_mall("Tertial 2 2025", plan=fragor.los_plan(BUN))))
    assert not frammande(BUN, _celler(wb))
    ws = wb["Åtgärder"]
    rub = [c.value for c in ws[rapport.RUBRIKRAD]]
    ids = [ws.cell(r, 1).value for r in range(rapport.FORSTA_RAD, ws.max_row + 1)]
    rad = rapport.FORSTA_RAD + ids.index("4-A01")
    ws.cell(rad, rub.index("Status") + 1, "Pågår med avvikelse")
    ut = io.BytesIO()
    wb.save(ut)
    fg = rapport.las_rapport(ut.getvalue(), "bun.xlsx")
    assert fg.plan == BUN
    rapport.tillampa(fg, "Test")
    assert fragor.atgarder(4, period="Tertial 2 2025", plan=fragor.los_plan(BUN)).set_index("kod").loc[
        "4-A01", "status"] == "Pågår med avvikelse"
    # API:t
    monkeypatch.setenv("DATABASE_URL", url)
    import app
    from data.utdata.oppna_data import PREFIX, RESURSER
    klient = app.hamta_app().server.test_client()
    for namn in RESURSER:
        if namn == "planer":
            continue
        svar = klient.get(f"{PREFIX}/{namn}?plan={BUN}&per_sida=500")
        assert svar.status_code in (200, 400), (namn, svar.status_code)
        assert not frammande(BUN, svar.get_data(as_text=True)), namn
    planer = {p["kod"]: p for p in klient.get(f"{PREFIX}/planer").get_json()["data"]}
    assert (planer[BUN]["namnd_kort"], planer[BUN]["kommunkod"]) == ("BUN", "9901")
    assert (planer[KS]["namnd_kort"], planer[KS]["kommunkod"]) == ("KS", "0188")
    # OpenAPI-texterna (utom listorna med kända värden) namnger ingen plan
    spec = klient.get(f"{PREFIX}/openapi.json").get_json()

    def utan_enum(x):
        if isinstance(x, dict):
            return {k: utan_enum(v) for k, v in x.items() if k not in ("enum", "examples", "example")}
        return [utan_enum(v) for v in x] if isinstance(x, list) else x
    text = json.dumps(utan_enum(spec), ensure_ascii=False)
    for ord_ in ("Norrtälje", "ommunstyrelse", "KS-2020", "KS-initiativ", "0188", "Sjöby", "BUN"):
        assert ord_ not in text, ord_


def test_delarsrapporten_for_bun_planen(tre_planer, monkeypatch):
    """Delårsrapportens dokument för Sjöbys plan: nämndens rubriker och inga andra planers ord."""
    if tre_planer.startswith("postgresql"):
        pytest.skip("dokumentet byggs ur samma frågor i båda databaserna (CI-tid)")
    anvand_databas(tre_planer)
    import dataclasses
    import datetime as dt
    from data.utdata.delarsrapport import bygg, underlag
    d = bygg.dokument(underlag.hamta(Urval(plan=BUN, period="Tertial 2 2025"), fragor.los_plan(BUN)), dt.datetime(2025, 9, 1))
    text = json.dumps([dataclasses.asdict(b) if dataclasses.is_dataclass(b) else str(b) for b in d.block],
                      ensure_ascii=False, default=str) + str(d.omslag) + d.titel
    assert "Nämndmål och bedömning" in text and "BUN-initiativ 2-U02" in text and "Sjöby" in text
    assert not frammande(BUN, text), frammande(BUN, text)


def test_bun_planen_med_budget(tre_planer, monkeypatch, tmp_path):
    """Varianten med budget (tests/data/plan_sjoby/med_budget): budgetsidan och skattepengarna i
    nämndens ord och med planens år, menyn visar dem, och inget av de andra planernas ord syns.
    (Sist i filen: den lägger till en fjärde plan i modulens databas.)"""
    katalog = _kopia(tmp_path)
    for f in (SJOBY / "med_budget").iterdir():
        shutil.copy(f, katalog / f.name)
    shutil.rmtree(katalog / "med_budget")
    _byt(katalog / "plan.yaml", "kod: BUN-2025", "kod: BUN-2025B")
    anvand_databas(tre_planer)
    assert ladda.ladda_plan(katalog) == "inläst"
    FRAMMANDE["BUN-2025B"] = FRAMMANDE[BUN]
    monkeypatch.setenv("DATABASE_URL", tre_planer)
    import app
    server = app.hamta_app().server
    from sidor import budget, skattepengar
    with server.test_request_context("/"):
        assert {"/budget"} <= {l.href for l in app.menylankar(fragor.los_plan("BUN-2025B"))}
        assert "/skattepengar" in {l.href for l in app.oppna_lankar(fragor.los_plan("BUN-2025B")) if l is not None}
        b = _text(budget.layout(plan="BUN-2025B", period="Tertial 2 2025"))
        assert "Barn- och utbildningsnämndens driftbudget och investeringsbudget" in b
        assert "Driftbudget 2024–2027" in b and "Investeringsbudget 2025–2027" in b and "2018" not in b
        s = _text(skattepengar.layout(plan="BUN-2025B"))
        assert "Barn- och utbildningsnämnden i Sjöby kommun räknar med att använda" in s
        for text in (b, s):
            assert not frammande("BUN-2025B", text), frammande("BUN-2025B", text)
