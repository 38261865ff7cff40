"""Utfall in via Excel: mall, ifyllnad som en chef gör, import, historik, låsta perioder,
felaktiga filer (alla fel på en gång, databasen orörd) och de publicerade utfallen."""
from __future__ import annotations

import io
from data.lagring.start import anvand_databas
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from data.lagring import db
from data.uppfoljning import fragor
from data.rapportering import rapport
from data.planen import forbered
from data.lagring.models import Atgard, Atgardsrapport, Malvarde, Periodlas
from data.rapportering.rapport import FORSTA_RAD, RUBRIKRAD, Importfel, las_rapport, skapa_mall, tillampa
from tests.test_inlasning import _fingeravtryck

PERIOD = "Delår 2 2020"


@pytest.fixture
def databas(tom_databas, monkeypatch):
    """Ny databas med planen och de publicerade utfallen, utan exempeldata."""
    monkeypatch.setenv("MALKOLL_EXEMPEL", "av")
    anvand_databas(tom_databas)
    forbered.sakerstall_databas()
    return tom_databas


def _kol(ws, namn):
    return [c.value for c in ws[RUBRIKRAD]].index(namn) + 1


def _rad(ws, id_):
    for r in range(FORSTA_RAD, ws.max_row + 1):
        if ws.cell(r, 1).value == id_:
            return r
    raise KeyError(id_)


def _spara(wb) -> bytes:
    ut = io.BytesIO()
    wb.save(ut)
    return ut.getvalue()


def _ifylld(url, andra=None, enhet=("KSK/EKO",)) -> bytes:
    """En mall (standard: för KSK/EKO) ifylld som en chef gör det."""
    anvand_databas(url)
    wb = load_workbook(io.BytesIO(skapa_mall(PERIOD, list(enhet) or None, plan=fragor.los_plan())))
    ws = wb["Åtgärder"]
    ws.cell(_rad(ws, "1-A13"), _kol(ws, "Status"), "Genomförd")
    ws.cell(_rad(ws, "1-A13"), _kol(ws, "Kommentar"), "Bedömningen klar i maj.")
    ws.cell(_rad(ws, "1-A09"), _kol(ws, "Status"), "Pågår med avvikelse")
    ws = wb["Indikatorer"]
    ws.cell(_rad(ws, "1-I02"), _kol(ws, "Utfall"), 2.1)
    ws.cell(_rad(ws, "1-I02"), _kol(ws, "Kommentar"), "Prognos efter juli.")
    ws = wb["Inriktningsmål"]
    ws.cell(_rad(ws, "M1-1.1"), _kol(ws, "Bedömning"), "Till största delen uppfyllt")
    ws.cell(_rad(ws, "M1-1.1"), _kol(ws, "Motivering"), "Överskottet nås troligen.")
    ws = wb["Budget"]
    ws.cell(_rad(ws, "DV-Kommundirektör"), _kol(ws, "Utfall hittills (tkr)"), -9000)
    ws.cell(_rad(ws, "DV-Kommundirektör"), _kol(ws, "Prognos helår (tkr)"), -14000)
    if andra:
        andra(wb)
    return _spara(wb)


def test_mallen_for_period_och_enhet(databas):
    anvand_databas(databas)
    wb = load_workbook(io.BytesIO(skapa_mall(PERIOD, ["KSK/EKO"], plan=fragor.los_plan())))
    assert wb.sheetnames == ["Instruktioner", "Åtgärder", "Indikatorer", "Inriktningsmål", "Budget"]
    assert wb["Instruktioner"]["B2"].value == PERIOD
    assert "45 % skrivs 45" in " ".join(str(c.value) for c in wb["Instruktioner"]["A"] if c.value)
    ws = wb["Åtgärder"]
    assert [c.value for c in ws[RUBRIKRAD]] == rapport.BLAD["Åtgärder"]
    ids = [ws.cell(r, 1).value for r in range(FORSTA_RAD, ws.max_row + 1)]
    assert ids == list(fragor.atgarder(enhet=["KSK/EKO"], period=PERIOD, plan=fragor.los_plan()).kod)
    assert "2-A01" not in ids and "1-A01" in ids
    listor = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert any("Pågår med avvikelse" in f and "Struken" in f for f in listor)
    ind = wb["Indikatorer"]
    r = _rad(ind, "1-I02")
    assert ind.cell(r, _kol(ind, "Måttenhet")).value.startswith("% (skriv 45 för 45 %)")
    assert ind.cell(r, _kol(ind, "Mål för året")).value == "2,6 %"


def test_import_andrar_exakt_det_ifyllda_och_syns_i_fragorna(databas):
    fore = {t: n for t, n in _antal(databas).items()}
    anvand_databas(databas)
    fg = las_rapport(_ifylld(databas), "ekonomi.xlsx")
    assert (len(fg.andrade), fg.oforandrade) == (0, 0)
    assert {(a.id, a.falt) for a in fg.nya} == {
        ("1-A13", "status"), ("1-A13", "kommentar"), ("1-A09", "status"), ("1-I02", "utfall"),
        ("1-I02", "kommentar"), ("M1-1.1", "bedömning"), ("M1-1.1", "motivering"),
        ("DV-Kommundirektör", "utfall"), ("DV-Kommundirektör", "prognos")}
    assert tillampa(fg, "Eva Ekonom") == 5
    efter = _antal(databas)
    assert efter["atgardsrapport"] == fore["atgardsrapport"] + 2
    assert efter["indikatorutfall"] == fore["indikatorutfall"] + 1
    a = fragor.atgarder(period=PERIOD, plan=fragor.los_plan()).set_index("kod")
    assert (a.loc["1-A13"].status, a.loc["1-A13"].kommentar, a.loc["1-A13"].rapporterad_av) == (
        "Genomförd", "Bedömningen klar i maj.", "Eva Ekonom")
    assert a.loc["1-A09"].status == "Pågår med avvikelse"   # Löpande – ingen tidpunkt passerad
    i = fragor.indikatorer(1, period=PERIOD, plan=fragor.los_plan()).set_index("kod").loc["1-I02"]
    assert (i.utfall_varde, i.status) == (2.1, "Delvis uppnått")  # 1,8 < 2,1 < 2,6
    im = fragor.inriktningsmal(1, PERIOD, plan=fragor.los_plan()).set_index("nr").loc["1.1"]
    assert im.bedomning == "Till största delen uppfyllt"
    b = fragor.budgetutfall(PERIOD, plan=fragor.los_plan()).set_index("post").loc["Kommundirektör"]
    assert (b.utfall, b.prognos) == (-9000, -14000)
    # Samma fil igen ändrar ingenting
    fg2 = las_rapport(_ifylld(databas), "ekonomi.xlsx")
    assert (fg2.nya, fg2.andrade, fg2.oforandrade) == ([], [], 5)
    assert tillampa(fg2, "Eva Ekonom") == 0
    assert _antal(databas) == efter


def test_ny_rapport_skriver_inte_over_historiken(databas):
    anvand_databas(databas)
    tillampa(las_rapport(_ifylld(databas), "v1.xlsx"), "Eva")

    def ny_status(wb):
        ws = wb["Åtgärder"]
        ws.cell(_rad(ws, "1-A13"), _kol(ws, "Status"), "Pågår enligt plan")
    fg = las_rapport(_ifylld(databas, ny_status), "v2.xlsx")
    assert [(a.id, a.falt, a.gammalt, a.nytt) for a in fg.andrade] == [("1-A13", "status", "Genomförd", "Pågår enligt plan")]
    tillampa(fg, "Per")
    anvand_databas(databas)
    with db.session() as s:
        rader = s.execute(select(Atgardsrapport.status, Atgardsrapport.rapporterad_av, Atgardsrapport.kalla)
                          .join(Atgard, Atgard.id == Atgardsrapport.atgard_id)
                          .where(Atgard.kod == "1-A13").order_by(Atgardsrapport.id)).all()
    assert [tuple(r) for r in rader] == [("Genomförd", "Eva", "v1.xlsx"), ("Pågår enligt plan", "Per", "v2.xlsx")]
    # 1-A13 hade tidpunkt "andra kvartalet 2020": vid Delår 2 visas Försenad, vad rapporten än säger
    a = fragor.atgarder(1, period=PERIOD, plan=fragor.los_plan()).set_index("kod").loc["1-A13"]
    assert a.status == "Försenad" and "Pågår enligt plan" in a.status_skal


def test_mal_som_planen_lamnade_oppet(databas):
    def mal(wb):
        ws = wb["Indikatorer"]
        ws.cell(_rad(ws, "3-I08"), _kol(ws, "Nytt mål för året"), 30)
    wb_bytes = _ifylld(databas, mal, enhet=())
    anvand_databas(databas)
    tillampa(las_rapport(wb_bytes, "mal.xlsx"), "Ida")
    i = fragor.indikatorer(3, period=PERIOD, plan=fragor.los_plan()).set_index("kod").loc["3-I08"]
    assert i.mal_2020 == 30 and not i.mal_2020_fran_planen
    assert i.mal_2020_text is None or i.mal_2020_text != i.mal_2020_text  # det nya målet har ingen tryckt text
    anvand_databas(databas)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Malvarde).where(Malvarde.fran_planen.is_(False))) == 1


def _antal(url):
    from sqlalchemy import inspect, text
    anvand_databas(url)
    eng = db.motor()
    with eng.connect() as c:
        return {t: c.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar() for t in inspect(eng).get_table_names()}


def _csv_som_xlsx(_url):
    return b"Id;Status\n1-A01;Genomf\xc3\xb6rd\n"


def _zip(_url):
    ut = io.BytesIO()
    with zipfile.ZipFile(ut, "w") as z:
        z.writestr("hej.txt", "inte excel")
    return ut.getvalue()


def _losenord(_url):
    return bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 600


def _andra(f):
    return lambda url: _ifylld(url, f)


def _byt_bladnamn(wb):
    wb["Åtgärder"].title = "Atgarder"


def _byt_kolumn(wb):
    wb["Indikatorer"].cell(RUBRIKRAD, _kol(wb["Indikatorer"], "Utfall"), "Utfall 2020")


def _okant_id(wb):
    wb["Åtgärder"].cell(_rad(wb["Åtgärder"], "1-A13"), 1, "1-A99")


def _fel_text(wb):
    ws = wb["Åtgärder"]
    ws.cell(_rad(ws, "1-A13"), _kol(ws, "Åtgärd"), "Något helt annat")


def _fel_status(wb):
    ws = wb["Åtgärder"]
    ws.cell(_rad(ws, "1-A09"), _kol(ws, "Status"), "Pågår enl plan")


def _text_i_tal(wb):
    ws = wb["Indikatorer"]
    ws.cell(_rad(ws, "1-I02"), _kol(ws, "Utfall"), "ca 2")


def _andel(wb):
    ws = wb["Indikatorer"]
    ws.cell(_rad(ws, "1-I04"), _kol(ws, "Utfall"), 0.17)   # soliditet 17 % skriven som andel


def _tom_kravd(wb):
    ws = wb["Åtgärder"]
    ws.cell(_rad(ws, "1-A10"), _kol(ws, "Kommentar"), "Kommentar utan status")


def _dubblett(wb):
    ws = wb["Åtgärder"]
    r = ws.max_row + 1
    for k in range(1, ws.max_column + 1):
        ws.cell(r, k, ws.cell(_rad(ws, "1-A13"), k).value)


def _okand_period(wb):
    wb["Instruktioner"]["B2"] = "Delår 3 2020"


def _formel_utan_varde(wb):
    ws = wb["Indikatorer"]
    ws.cell(_rad(ws, "1-I02"), _kol(ws, "Utfall"), "=1+1")


FALL = [
    ("csv", _csv_som_xlsx, "ingen Excel-fil"),
    ("zip", _zip, "ingen Excel-arbetsbok"),
    ("lösenord", _losenord, "lösenordsskyddad"),
    ("blad", _andra(_byt_bladnamn), "bladet 'Åtgärder' saknas"),
    ("kolumn", _andra(_byt_kolumn), "Bladet 'Indikatorer', rad 2: kolumnen 'Utfall' saknas"),
    ("okänt id", _andra(_okant_id), "Bladet 'Åtgärder', rad"),
    ("id och text", _andra(_fel_text), "kolumn 'Åtgärd': texten stämmer inte med id 1-A13"),
    ("status", _andra(_fel_status), "'Pågår enl plan' är ingen tillåten status. Menade du ”Pågår enligt plan”?"),
    ("text i tal", _andra(_text_i_tal), "kolumn 'Utfall': ”ca 2” är text, inte ett tal (skriv talet utan enhet "
     "och utan citattecken, t.ex. 45 eller \u22127,8)"),
    ("andel", _andra(_andel), "kolumn 'Utfall': 0,17 ser ut som en andel"),
    ("tom", _andra(_tom_kravd), "kolumn 'Status': status saknas"),
    ("dubblett", _andra(_dubblett), "'1-A13' förekommer två gånger"),
    ("period", _andra(_okand_period), "perioden 'Delår 3 2020' finns inte"),
    ("formel", _andra(_formel_utan_varde), "cellen innehåller en formel utan sparat värde"),
    ("storlek", lambda url: b"PK" + b"0" * (rapport.MAX_STORLEK + 1), "högst 5 MB"),
]


@pytest.mark.parametrize("namn,fil,vantat", FALL, ids=[f[0] for f in FALL])
def test_felaktig_fil_avvisas_och_databasen_ar_ororda(databas, namn, fil, vantat):
    data = fil(databas)
    fore = _fingeravtryck(databas)
    with pytest.raises(Importfel) as e:
        anvand_databas(databas)
        fg = las_rapport(data, "rapport.xlsx")
        tillampa(fg, "test")
    assert any(vantat in f for f in e.value.fel), e.value.fel
    assert _fingeravtryck(databas) == fore


def test_alla_fel_i_filen_rapporteras_pa_en_gang(databas):
    def flera(wb):
        _fel_status(wb)
        _text_i_tal(wb)
        _okant_id(wb)
    with pytest.raises(Importfel) as e:
        anvand_databas(databas)
        las_rapport(_ifylld(databas, flera), "r.xlsx")
    assert len(e.value.fel) == 3
    for f in e.value.fel:
        assert f.startswith("Bladet '") and ", rad " in f and "kolumn '" in f


def test_kommentar_som_borjar_med_likhetstecken_sparas_som_text(databas):
    def farlig(wb):
        ws = wb["Åtgärder"]
        c = ws.cell(_rad(ws, "1-A13"), _kol(ws, "Kommentar"))
        c.value = '=HYPERLINK("http://example.invalid","klicka")'
        c.data_type = "s"
    anvand_databas(databas)
    tillampa(las_rapport(_ifylld(databas, farlig), "r.xlsx"), "t")
    a = fragor.atgarder(1, period=PERIOD, plan=fragor.los_plan()).set_index("kod").loc["1-A13"]
    assert a.kommentar == '=HYPERLINK("http://example.invalid","klicka")'


def test_last_period_vagrar_import_och_upplasning_loggas(databas):
    anvand_databas(databas)
    rapport.las_period(PERIOD, "Ordföranden", plan=fragor.los_plan())
    fore = _fingeravtryck(databas)
    with pytest.raises(Importfel) as e:
        las_rapport(_ifylld(databas), "r.xlsx")
    assert "är låst" in e.value.fel[0]
    assert _fingeravtryck(databas) == fore
    rapport.las_period(PERIOD, "Sekreteraren", False, "Rättelse av felskrivning", plan=fragor.los_plan())
    anvand_databas(databas)
    with db.session() as s:
        logg = [(p.handelse, p.av, p.motivering) for p in s.scalars(select(Periodlas).order_by(Periodlas.id))]
    assert logg == [("låst", "Ordföranden", None), ("upplåst", "Sekreteraren", "Rättelse av felskrivning")]
    assert las_rapport(_ifylld(databas), "r.xlsx").nya


def test_publicerade_utfall_med_kallor(databas):
    anvand_databas(databas)
    i = fragor.indikatorer(1, period="Årsredovisning 2020", plan=fragor.los_plan()).set_index("namn")
    r = i.loc["Överskottet ska uppgå till 2 % av skatteintäkter & generella bidrag"]
    assert (r.utfall_varde, r.status) == (4.6, "Uppnått")
    assert r.utfall_kalla_url.startswith("https://forum.norrtalje.se/")
    a = fragor.atgarder(2, period="Årsredovisning 2020", plan=fragor.los_plan()).set_index("kod").loc["2-A01"]
    assert (a.status, a.exempel) == ("Genomförd", False) and "2020-10-12" in a.kommentar
    f = fragor.indikatorer(6, period="Årsredovisning 2021", plan=fragor.los_plan()).set_index("namn").loc["Företagsklimat"]
    assert (f.utfall_varde, f.mal_2021, f.nuvarde, f.status) == (169, 156, 196, "Delvis uppnått")
    # Allt annat är "Ej rapporterad"
    alla = fragor.indikatorer(period="Delår 2 2020", plan=fragor.los_plan())
    assert set(alla.status) == {"Ej rapporterad"}


def test_exempeldata_ar_markt_och_gar_att_ta_bort(tom_databas, monkeypatch):
    monkeypatch.delenv("MALKOLL_EXEMPEL", raising=False)
    anvand_databas(tom_databas)
    forbered.sakerstall_databas()
    anvand_databas(tom_databas)
    a = fragor.atgarder(period=PERIOD, plan=fragor.los_plan())
    assert a.exempel.any()
    rapporterade = a[a.rapportperiod == PERIOD]
    assert set(rapporterade.rapporterad_status) == set(rapport.ATGARDSSTATUS)   # varje status finns
    assert rapport.ta_bort_exempel(plan=None) > 0
    assert not fragor.atgarder(period=PERIOD, plan=fragor.los_plan()).exempel.any()


def test_kommandoraden(databas, tmp_path, monkeypatch, capsys):
    from data import rapport as kommandot
    monkeypatch.setenv("DATABASE_URL", databas)
    mall = tmp_path / "mall.xlsx"
    assert kommandot.main(["mall", "--period", PERIOD, "--enhet", "KSK/EKO", str(mall)]) == 0
    fylld = tmp_path / "fylld.xlsx"
    fylld.write_bytes(_ifylld(databas))
    assert kommandot.main(["importera", "--forhandsgranska", str(fylld)]) == 0
    assert "9 nya värden" in capsys.readouterr().out
    assert kommandot.main(["importera", "--av", "Eva", str(fylld)]) == 0
    trasig = tmp_path / "trasig.xlsx"
    trasig.write_bytes(_ifylld(databas, _fel_status))
    assert kommandot.main(["importera", str(trasig)]) == 1
    assert "Menade du" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        kommandot.main(["importera"])
    assert e.value.code == 2
    assert kommandot.main(["mall", "--period", PERIOD, "--enhet", "KSK/FINNS_EJ", str(mall)]) == 2
