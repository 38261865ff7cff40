"""Issue 13, "Ärliga siffror": ursprung (publicerat/rapporterat/exempel) i diagram och export,
filter som aldrig vidgas tyst, ett svenskt tal- och datumformat, tidsaxlar efter periodens slut,
exportknappar på /budget och /sarskilda-uppdrag, svenska felsidor och ordlistan."""
from __future__ import annotations

import csv
from data.lagring.start import anvand_databas
import datetime as dt
import io
import json

import openpyxl
import plotly.io as pio
import pytest
from selenium.webdriver.common.by import By

from data.utdata import export
from data.uppfoljning import format as f, fragor
from data.planen import publicerat
from data.uppfoljning.urval import Urval
from komponenter.diagram import indikatorfigur, indikatorserier

OVERSKOTT = "Överskottet ska uppgå till 2 % av skatteintäkter & generella bidrag"
PUBLICERADE = list(csv.DictReader(open(publicerat.FIL, encoding="utf-8")))


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    """En databas som appens: planen, de publicerade utfallen och exemplet (Delår 2 2020)."""
    from data.planen import forbered
    from data.lagring.installningar import Installningar
    url = f"sqlite:///{tmp_path_factory.mktemp('full') / 'full.sqlite'}"
    anvand_databas(url)
    forbered.sakerstall_databas(Installningar(databas_url=url))
    return url


def _wb(innehall: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(innehall))


def _rader(ws) -> list[dict]:
    rub = [c.value for c in ws[export.RUBRIKRAD]]
    return [dict(zip(rub, [c.value for c in r])) | {"_celler": dict(zip(rub, r))}
            for r in ws.iter_rows(min_row=export.RUBRIKRAD + 1)]


def _figur(url: str, namn: str, period: str):
    anvand_databas(url)
    ind = fragor.indikatorer(period=period, plan=fragor.los_plan())
    rad = ind[ind.namn == namn].iloc[0].to_dict()
    ut = fragor.utfall([rad["id"]]).to_dict("records")
    return indikatorfigur(rad, indikatorserier(rad, ut))


# --- 5. Format (enhetstester) ---

@pytest.mark.parametrize("x, text", [(1234.5, "1\u00a0234,5"), (-7.8, "\u22127,8"), (-250, "\u2212250"),
                                     (23834, "23\u00a0834"), (17.5, "17,5"), (0, "0"), (None, "")])
def test_tal_svenskt(x, text):
    assert f.tal(x) == text


def test_procent_enheter_och_datum():
    assert f.procent(12.9) == "12,9\u00a0%"
    assert f.med_enhet(17, "%") == "17\u00a0%"
    assert f.med_enhet(-7.8, "mkr") == "\u22127,8\u00a0mnkr"      # ett ord: mnkr
    assert f.med_enhet(169, "placering") == "169"
    assert f.tkr(-25000, "mnkr") == "\u221225,0" and f.tkr(-25000) == "\u221225\u00a0000"
    assert f.datum(dt.date(2020, 8, 31)) == "2020-08-31"
    assert f.datum(dt.date(2020, 8, 31), langt=True) == "31 augusti 2020"


def test_diagrammets_axlar_ar_svenska_och_utan_si_prefix(full):
    fig = _figur(full, "Låneskuld (i kommun) per invånare (kr)", "Delår 2 2020")
    assert fig.layout.separators == ",\u00a0"
    assert fig.layout.yaxis.tickformat == ",~f"        # 20 000, inte 20k
    for t in fig.data:
        assert all("-" not in str(x) for x in (t.text or ())), t.text


# --- 1. Diagram: en serie per ursprung, ingen tom förklaring ---

def test_overskott_publicerat_prognos_och_exempel_ar_egna_serier(full):
    fig = _figur(full, OVERSKOTT, "Årsredovisning 2021")
    serier = {t.name: list(t.y) for t in fig.data}
    assert serier["Utfall (publicerat)"] == [4.6, 9.6]
    assert serier["Prognos (publicerad)"] == [1.6]
    assert serier["Exempel (påhittat)"] == [2.2]
    assert not any("exempeldata" in n for n in serier)
    prognos = next(t for t in fig.data if t.name == "Prognos (publicerad)")
    assert "prognos" in prognos.customdata[0] and "forum.norrtalje.se" in prognos.customdata[0]
    symboler = {t.name: t.marker.symbol for t in fig.data if t.name != "Nuvärde och mål"}
    assert len(set(symboler.values())) == len(symboler)     # egen markör per ursprung


def test_inga_tomma_serier_pa_arbetsgivarens_diagram(full):
    anvand_databas(full)
    ind = fragor.indikatorer(arbetsgivare=True, period="Delår 2 2020", plan=fragor.los_plan())
    ut = fragor.utfall(ind.id.tolist())
    for rad in ind.to_dict("records"):
        fig = indikatorfigur(rad, indikatorserier(rad, ut[ut.indikator_id == rad["id"]].to_dict("records")))
        for t in fig.data:
            assert len(t.y) > 0, (rad["namn"], t.name)


# --- 6. Tidsaxel: Delår 2 2020 läses som 2020 ---

def test_tidsaxeln_satter_delar_i_sitt_ar(full):
    fig = _figur(full, OVERSKOTT, "Årsredovisning 2021")
    x = fig.layout.xaxis
    assert x.ticklabelmode == "period" and x.dtick == "M12" and x.tickformat == "%Y"
    exempel = next(t for t in fig.data if t.name == "Exempel (påhittat)")
    d = exempel.x[0]
    assert d.year == 2020 and "Delår 2 2020" in exempel.customdata[0]   # etiketten 2020 står mitt över året
    assert str(x.range[0]) <= "2020-01-01"


# --- 1/2. Varje publicerat utfall syns som publicerat, aldrig som exempel ---

@pytest.mark.parametrize("rad", [r for r in PUBLICERADE if r["typ"] in ("indikator", "atgard")],
                         ids=lambda r: f"{r['typ']}-{r['period']}-{r['namn_i_planen'][:25]}")
def test_publicerat_utfall_ar_publicerat_pa_sidan_och_i_exporten(full, rad):
    url, per = full, rad["period"]
    mo = int(rad["malomrade"])
    anvand_databas(url)
    wb = _wb(export.bygg(Urval(period=per, vy="malomrade", malomrade=mo), fragor.los_plan()).innehall)
    if rad["typ"] == "indikator":
        ind = fragor.indikatorer(mo, period=per, plan=fragor.los_plan())
        r = ind[ind.namn == rad["namn_i_planen"]].iloc[0].to_dict()
        if rad["varde"]:
            serier = indikatorserier(r, fragor.utfall([r["id"]]).to_dict("records"))
            punkt = [p for p in serier["utfall"] if p[2] == per]
            assert len(punkt) == 1 and punkt[0][4].startswith("publicerat") and not punkt[0][3], punkt
            assert punkt[0][5] == rad["kalla_url"]
        ex = next(x for x in _rader(wb["Indikatorer"]) if x["Indikator"] == rad["namn_i_planen"])
        assert ex["Ursprung"].startswith("publicerat") and ex["Utfallets källa"] == rad["kalla_url"]
        assert ex["_celler"]["Utfall"].fill.fgColor.rgb != export.FYLL_EXEMPEL.fgColor.rgb
    else:
        atg = fragor.atgarder(mo, period=per, plan=fragor.los_plan())
        a = atg[atg.text.str.startswith(rad["namn_i_planen"])].iloc[0]
        assert not a.exempel and a.kalla_url == rad["kalla_url"]
        ex = next(x for x in _rader(wb["Åtgärder"]) if x["Åtgärd"].startswith(rad["namn_i_planen"]))
        assert ex["Ursprung"].startswith("publicerat") and ex["Statusens källa"] == rad["kalla_url"]


# --- 2. Exporten märker exempelvärden ---

def test_exportens_exempelvarden_ar_markta_i_cell_och_kolumn(full):
    anvand_databas(full)
    wb = _wb(export.bygg(Urval(period="Delår 2 2020"), fragor.los_plan()).innehall)
    rader = {r["Indikator"]: r for r in _rader(wb["Indikatorer"])}
    lan = rader["Låneskuld (i kommun) per invånare (kr)"]
    assert lan["Utfall"] is not None and lan["Ursprung"] == "exempel"
    cell = lan["_celler"]["Utfall"]
    assert cell.fill.fgColor.rgb == export.FYLL_EXEMPEL.fgColor.rgb and cell.font.i
    assert "Exempel" in cell.comment.text
    atg = [r for r in _rader(wb["Åtgärder"]) if r["Ursprung"] == "exempel"]
    assert atg and all(r["_celler"]["Kommentar"].fill.fgColor.rgb == export.FYLL_EXEMPEL.fgColor.rgb for r in atg)


# --- 4. Exportknappar: /budget (med belopp) och /sarskilda-uppdrag ---

def test_budgetexporten_foljer_sidans_belopp(full):
    from sidor._export import nedladdning
    import base64
    anvand_databas(full)
    tkr = _wb(base64.b64decode(nedladdning("/budget", "")["content"]))
    mnkr = _wb(base64.b64decode(nedladdning("/budget", "?belopp=mnkr")["content"]))
    assert tkr.sheetnames == mnkr.sheetnames == [*export.BUDGETBLAD.values(), export.BLAD_BUDGETUPPFOLJNING]
    a, b = tkr["Driftbudget"], mnkr["Driftbudget"]
    assert "mnkr" in b["A2"].value and "tkr" in a["A2"].value
    for ra, rb in zip(a.iter_rows(min_row=5, min_col=2), b.iter_rows(min_row=5, min_col=2)):
        for ca, cb in zip(ra, rb):
            if isinstance(ca.value, (int, float)) and "%" not in str(a.cell(ca.row, 1).value):
                assert cb.value == pytest.approx(round(ca.value / 1000, 1))


def test_sarskilda_uppdrag_exporterar_sitt_eget_blad(full):
    from sidor._export import nedladdning
    import base64
    anvand_databas(full)
    d = nedladdning("/sarskilda-uppdrag", "")
    wb = _wb(base64.b64decode(d["content"]))
    assert wb.sheetnames == ["Särskilda uppdrag"] and d["filename"] == "malkoll_sarskilda_uppdrag.xlsx"
    su = fragor.sarskilda_uppdrag(plan=fragor.los_plan())
    assert [r["Område"] for r in _rader(wb["Särskilda uppdrag"])] == list(su.titel)


# --- 3. Filter vidgas aldrig tyst ---

def test_enhetskoder_oavsett_versaler_och_via_planens_stavningar(full):
    url = full
    for stavning, kod in (("ksk/shb", "KSK/SHB"), ("KSK/Eko/fastighetsstrateg", "KSK/EKO"),
                          ("ksk hr", "KSK/HR"), ("KSK / EKO", "KSK/EKO")):
        anvand_databas(url)
        u = fragor.normalisera_urval(Urval(enhet=[stavning]))
        assert u.enhet == [kod] and not fragor.kontrollera_urval(u), stavning


@pytest.mark.parametrize("fraga, ord_", [
    ({"enhet": "XYZ"}, ["okänd enhet ”XYZ”", "KSK/SHB"]),
    ({"period": "Delår 9 2031"}, ["okänd period ”Delår 9 2031”", "Delår 2 2020"]),
    ({"status": "Klar"}, ["okänd status ”Klar”", "Försenad"]),
    ({"plan": "KS-1999"}, ["okänd plan ”KS-1999”", "KS-2020"]),
])
def test_okant_varde_ger_meddelande_och_export_vagras(full, fraga, ord_):
    from sidor._export import Urvalsfel, nedladdning
    anvand_databas(full)
    u = fragor.normalisera_urval(Urval.fran_fraga(fraga, "/malomrade/1"))
    fel = " ".join(fragor.kontrollera_urval(u))
    for o in ord_:
        assert o in fel
    sok = "?" + "&".join(f"{k}={v}" for k, v in fraga.items())
    with pytest.raises(Urvalsfel):
        nedladdning("/malomrade/1", sok)


def test_gemen_enhet_filtrerar_exporten_som_versal(full):
    from sidor._export import nedladdning
    import base64
    anvand_databas(full)
    a = _wb(base64.b64decode(nedladdning("/malomrade/1", "?enhet=ksk/shb")["content"]))
    b = _wb(base64.b64decode(nedladdning("/malomrade/1", "?enhet=KSK/SHB")["content"]))
    ra, rb = _rader(a["Åtgärder"]), _rader(b["Åtgärder"])
    assert [r["Åtgärd"] for r in ra] == [r["Åtgärd"] for r in rb]
    assert 0 < len(ra) < len(fragor.atgarder(1, plan=fragor.los_plan()))
    assert "KSK/SHB" in a["Åtgärder"]["A3"].value


# --- Webbläsaren: meddelanden, förklaringar, knappar, 404 och ordlistan ---

@pytest.mark.parametrize("sokvag", ["/malomrade/1?enhet=XYZ", "/?period=Delår 9 2031", "/arbetsgivare?enhet=XYZ",
                                    "/budget?plan=KS-1999", "/malomrade/1?status=Klar", "/skattepengar?plan=KS-1999",
                                    "/jamforelse?plan=KS-1999", "/sarskilda-uppdrag?plan=ks-1999"])
def test_sidan_visar_meddelandet_och_ingenting_annat(sida, sokvag):
    d = sida(sokvag)
    fel = d.find_element(By.ID, "urvalsfel")
    assert "välj bland" in fel.text
    assert not d.find_elements(By.CSS_SELECTOR, "tr.atgardsrad, article.indikatorkort, .malomradesruta, #export-knapp")


def test_sidan_med_gemen_enhet_filtrerar(sida, appserver):
    d = sida("/malomrade/1?enhet=ksk/shb")
    anvand_databas(appserver["databas"])
    vantat = fragor.atgarder(1, enhet=["KSK/SHB"], plan=fragor.los_plan())
    assert [r.get_attribute("data-kod") for r in d.find_elements(By.CSS_SELECTOR, "tr.atgardsrad")] == list(vantat.kod)
    assert not d.find_elements(By.ID, "urvalsfel")


def _forklaringar(d) -> list[list[str]]:
    return d.execute_script(
        "return [...document.querySelectorAll('.indikatorgraf .js-plotly-plot')].map("
        "g => [...g.querySelectorAll('.legendtext')].map(t => t.textContent))")


def test_diagrammens_forklaringar_i_webblasaren(sida):
    d = sida("/malomrade/1?period=Årsredovisning 2021")
    alla = [n for lista in _forklaringar(d) for n in lista]
    assert "Utfall (publicerat)" in alla and "Prognos (publicerad)" in alla and "Exempel (påhittat)" in alla
    assert not any("exempeldata" in n for n in alla)
    d = sida("/arbetsgivare")
    for lista in _forklaringar(d):
        assert "Utfall (exempeldata)" not in lista and len(lista) == len(set(lista))


def test_budget_har_exportknapp(sida):
    d = sida("/budget?belopp=mnkr")
    assert d.find_element(By.ID, "export-knapp").text.endswith("Exportera till Excel")


def test_404_och_ordlistan_pa_svenska(sida):
    d = sida("/finns-inte")
    assert "Sidan finns inte" in d.find_element(By.TAG_NAME, "body").text
    assert "Page not found" not in d.page_source
    d = sida("/om")
    text = d.find_element(By.ID, "ordlista").text
    for ord_ in ("Uppfyllt", "Till största delen uppfyllt", "Uppnått", "Delvis uppnått", "Måttenhet",
                 "Ansvarig enhet", "Exempel", "Publicerat"):
        assert ord_ in text


def test_figurerna_gar_att_serialisera(full):
    fig = _figur(full, OVERSKOTT, "Delår 2 2020")
    json.loads(pio.to_json(fig))


def test_etiketter_krockar_inte_och_negativa_varden_far_luft(full):
    """Skärmbilderna: "4,6" (publicerat, Årsredovisning 2020) skrevs över målets "2,6" samma dag, och
    exemplets "−250" hamnade på x-axelns årtal."""
    fig = _figur(full, OVERSKOTT, "Årsredovisning 2021")
    pub = next(t for t in fig.data if t.name == "Utfall (publicerat)")
    lage = dict(zip(pub.text, pub.textposition))
    assert lage["4,6"] == "top center"          # över punkten, och målets 2,6 under sin romb
    mal = next(t for t in fig.data if t.name == "Nuvärde och mål")
    assert dict(zip(mal.text, mal.textposition))["2,6"] == "bottom center"
    assert dict(zip(mal.text, mal.textposition))["1,8"] == "top center"   # inget utfall samma dag
    exempel = next(t for t in fig.data if t.name == "Exempel (påhittat)")
    assert list(exempel.textposition) == ["bottom center"]
    fig = _figur(full, "Grön finansiering i mnkr", "Delår 2 2020")
    lag = min(min(t.y) for t in fig.data)
    assert lag < 0 and fig.layout.yaxis.range[0] < lag - 0.1 * (max(max(t.y) for t in fig.data) - lag)


def test_planens_streck_for_inget_varde_visas_som_tankstreck():
    from komponenter.indikatorer import _varde
    assert _varde(None, "-", "index") == "–"
    assert _varde(-7.8, "-7,8 mkr", "mnkr") == "\u22127,8\u00a0mnkr"


@pytest.mark.parametrize("rad", [r for r in PUBLICERADE if r["typ"] == "budget"],
                         ids=lambda r: f"budget-{r['period']}-{r['namn_i_planen']}")
def test_publicerat_budgetutfall_ar_publicerat_pa_budgetsidan(full, rad):
    """Den publicerade budgetraden (data/plan/publicerade_utfall.csv) visas på /budget som publicerad:
    med källans länk, inte som exempel. (Budgetbladen i exporten är planens budget, inte uppföljningen.)"""
    from data.uppfoljning import budgetfragor
    from komponenter import budget as kb
    anvand_databas(full)
    df = budgetfragor.uppfoljning("drift_per_verksamhet", period=rad["period"], plan=fragor.los_plan())
    r = df.set_index("post").loc[rad["namn_i_planen"]]
    assert r.kalla_url == rad["kalla_url"] and not r.exempel and r.rapporterad
    tr = next(c for c in _komponenter(kb.uppfoljningstabell(df, "mnkr", rad["period"], "Drift", "t"))
              if getattr(c, "data-post", None) == rad["namn_i_planen"])
    assert "exempelrad" not in (tr.className or "")
    lankar = [c.href for c in _komponenter(tr) if getattr(c, "href", None)]
    assert lankar == [rad["kalla_url"]]
    assert not any(getattr(c, "children", None) == "exempel" for c in _komponenter(tr))


@pytest.mark.parametrize("belopp", [None, "mnkr"])
@pytest.mark.parametrize("rad", [r for r in PUBLICERADE if r["typ"] == "budget"],
                         ids=lambda r: f"budget-{r['period']}-{r['namn_i_planen']}")
def test_publicerat_budgetutfall_ar_publicerat_i_exportens_budgetuppfoljning(full, rad, belopp):
    """Bladet Budgetuppföljning: den publicerade raden står som publicerad med källa och källans
    anmärkning – aldrig som exempel – och beloppet i sidans belopp (tkr eller mnkr). Utfall och
    prognos, som kommunen inte publicerat, förblir tomma (bara avvikelsen är publicerad)."""
    for u in (Urval(period=rad["period"]), Urval(period=rad["period"], vy="budget", belopp=belopp)):
        anvand_databas(full)
        wb = _wb(export.bygg(u, fragor.los_plan(u.plan)).innehall)
        # sist bland budgetbladen (hela planens export har Analystexter efter, version 5)
        assert [b for b in wb.sheetnames if b != export.BLAD_ANALYS][-1] == export.BLAD_BUDGETUPPFOLJNING
        ws = wb[export.BLAD_BUDGETUPPFOLJNING]
        assert tuple(c.value for c in ws[export.RUBRIKRAD]) == export.KOLUMNER_BUDGETUPPFOLJNING
        rader = _rader(ws)
        assert [r["Post"] for r in rader] == [rad["namn_i_planen"]]     # bara rader med ett värde
        r = rader[0]
        assert r["Ursprung"] == "publicerat" and r["Utfallets källa"] == rad["kalla_url"]
        assert r["Källans anmärkning"] == rad["anmarkning"] and r["Rapporterad av"]
        assert r["Period"] == rad["period"] and r["Budgettabell"] == "Drift per verksamhet"
        assert r["Utfall hittills"] is None and r["Prognos helår"] is None
        mnkr = u.vy == "budget" and belopp == "mnkr"
        varde = float(rad["varde"].replace(",", "."))
        assert r["Avvikelse"] == pytest.approx(varde if mnkr else varde * 1000)
        assert r["_celler"]["Avvikelse"].number_format == ("#,##0.0" if mnkr else "#,##0")
        assert r["Status"] == "Överskott"
        for c in r["_celler"].values():
            assert c.fill.fgColor.rgb != export.FYLL_EXEMPEL.fgColor.rgb and c.comment is None
        assert "mnkr" in ws["A2"].value if mnkr else "tkr" in ws["A2"].value


def test_exportens_budgetuppfoljning_markerar_exempel_och_hittar_inte_pa(full):
    """Delår 2 2020: exempelraderna är märkta (kolumn och cell); rader utan rapport (Ej rapporterad)
    och framräknade summor står inte med; ett värde som inte är rapporterat är en tom cell."""
    from data.uppfoljning import budgetfragor
    anvand_databas(full)
    wb = _wb(export.bygg(Urval(period="Delår 2 2020", vy="budget"), fragor.los_plan()).innehall)
    rader = _rader(wb[export.BLAD_BUDGETUPPFOLJNING])
    ut = fragor.budgetutfall("Delår 2 2020", plan=fragor.los_plan())
    assert sorted(r["Post"] for r in rader) == sorted(ut.post) and len(rader) == len(ut)
    assert all(r["Ursprung"] == "exempel" for r in rader)
    kd = next(r for r in rader if r["Post"] == "Kommundirektör")
    assert kd["Utfall hittills"] == -9068 and kd["Prognos helår"] == -13602
    for k in ("Utfall hittills", "Prognos helår", "Ursprung"):
        c = kd["_celler"][k]
        assert c.fill.fgColor.rgb == export.FYLL_EXEMPEL.fgColor.rgb and c.font.i and "Exempel" in c.comment.text
    assert kd["_celler"]["Källans anmärkning"].value is None           # ingen publicerad källa
    assert kd["_celler"]["Genomförandegrad"].fill.fgColor.rgb != export.FYLL_EXEMPEL.fgColor.rgb
    drift = budgetfragor.uppfoljning("drift_per_verksamhet", "Delår 2 2020", plan=fragor.los_plan())
    ej = set(drift[~drift.rapporterad | drift.beraknad].post)
    assert ej and not ej & {r["Post"] for r in rader if r["Budgettabell"] == "Drift per verksamhet"}
    inv = next(r for r in rader if r["Budgettabell"] == "Investeringar")
    assert inv["Avvikelse"] is None and inv["Status"] is None and inv["Genomförandegrad"] is not None
    # En period utan budgetutfall: bladet finns, men utan rader (inget hittas på)
    tom = _wb(export.bygg(Urval(period="Delår 1 2020", vy="budget"), fragor.los_plan()).innehall)
    assert _rader(tom[export.BLAD_BUDGETUPPFOLJNING]) == []


def _komponenter(c):
    """Alla Dash-komponenter i trädet under c (c inräknad)."""
    yield c
    barn = getattr(c, "children", None)
    for b in (barn if isinstance(barn, (list, tuple)) else [barn]):
        if hasattr(b, "to_plotly_json"):
            yield from _komponenter(b)
