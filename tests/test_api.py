"""Öppna data-API:t (/api/v1): svaren mot OpenAPI-beskrivningen (openapi-core), CSV, filter,
400 på svenska, exempel, ETag/304, CORS, sidindelning och att ingenting skrivs."""
from __future__ import annotations

import csv
from data.lagring.start import anvand_databas
import io
import json
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from data.lagring import cache, db
from data.planen import forbered
from data.uppfoljning import fragor
from data.utdata import oppna_data
from data.utdata.oppna_data import PREFIX, RESURSER

PERIOD = "Delår 2 2020"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def databas(request, tmp_path_factory):
    """En databas fylld som appen fyller den (planen, publicerade utfall och märkt exempeldata)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'api.sqlite'}"
        anvand_databas(url)
        forbered.sakerstall_databas()
        yield url
        forbered.glom()
    else:
        from conftest import pg_databas
        url, stada = pg_databas()
        anvand_databas(url)
        forbered.sakerstall_databas()
        yield url
        stada()


@pytest.fixture
def klient(databas, monkeypatch):
    from flask import Flask

    from sidor._api import registrera
    monkeypatch.setenv("DATABASE_URL", databas)
    app = Flask(__name__)
    registrera(app)
    registrera(app)  # två gånger är ofarligt
    return app.test_client()


@pytest.fixture
def spec(klient):
    r = klient.get(f"{PREFIX}/openapi.json")
    assert r.status_code == 200
    return r.get_json()


def _validera(spec: dict, r) -> None:
    from openapi_core import Config, OpenAPI
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
    # CSV är text: avkodas som UTF-8 (med BOM) innan schemat prövas; fel kodning är ett fel
    oa = OpenAPI.from_dict(spec, config=Config(extra_media_type_deserializers={
        "text/csv": lambda data, **_: data.decode("utf-8-sig") if isinstance(data, bytes) else data}))
    oa.validate_response(WerkzeugOpenAPIRequest(r.request), WerkzeugOpenAPIResponse(r))


def _csv(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV ska börja med BOM (UTF-8) så att Excel läser å, ä, ö"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


# --- OpenAPI ---

def test_beskrivningen_ar_giltig_openapi_3_1(spec):
    from openapi_spec_validator import validate
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    for r in RESURSER:
        assert f"{PREFIX}/{r}" in spec["paths"] and f"{PREFIX}/{r}.csv" in spec["paths"]


FRAGOR = [
    "planer", "perioder", "enheter", "malomraden?malomrade=2", "inriktningsmal?exempel=med",
    "uppdrag?malomrade=3", f"atgarder?period={quote(PERIOD)}&exempel=med",
    "atgarder?enhet=KSK/SHB&roll=ansvarig&status=F%C3%B6rsenad", "indikatorer?malomrade=1",
    f"indikatorer?period={quote(PERIOD)}&exempel=med", "utfall", "statusrapporter?exempel=med&per_sida=5&sida=2",
    "malvarden?per_sida=1000", "budget?tabell=investeringar", "budgetuppfoljning?exempel=med&period=Del%C3%A5r+2+2020",
    "jamforelser?plan=KS-2020&per_sida=1000",
]


@pytest.mark.parametrize("fraga", FRAGOR)
def test_varje_svar_stammer_med_beskrivningen(klient, spec, fraga):
    r = klient.get(f"{PREFIX}/{fraga}")
    assert r.status_code == 200, r.get_data(as_text=True)
    _validera(spec, r)
    assert r.get_json()["data"], "tomt svar prövar inget"
    namn = fraga.split("?")[0]
    c = klient.get(f"{PREFIX}/{namn}.csv" + ("?" + fraga.split("?")[1] if "?" in fraga else ""))
    assert c.status_code == 200
    _validera(spec, c)


def test_fel_stammer_med_beskrivningen(klient, spec):
    r = klient.get(f"{PREFIX}/atgarder?period=Del%C3%A5r%209%202020")
    assert r.status_code == 400
    _validera(spec, r)


# --- CSV ---

def test_csv_ar_samma_rader_som_json(klient):
    j = klient.get(f"{PREFIX}/atgarder?period={quote(PERIOD)}&per_sida=1000").get_json()["data"]
    c = klient.get(f"{PREFIX}/atgarder.csv?period={quote(PERIOD)}")
    assert c.headers["Content-Type"].startswith("text/csv")
    rader = _csv(c.data)
    assert [r["kod"] for r in rader] == [r["kod"] for r in j]
    assert list(rader[0]) == [f.namn for f in RESURSER["atgarder"].falt]
    forsta = next(r for r in j if len(r["ansvariga"]) > 1)
    rad = next(r for r in rader if r["kod"] == forsta["kod"])
    assert rad["ansvariga"] == ", ".join(forsta["ansvariga"])
    # Accept: text/csv ger samma fil som .csv
    a = klient.get(f"{PREFIX}/atgarder?period={quote(PERIOD)}", headers={"Accept": "text/csv"})
    assert a.data == c.data


def test_csv_decimalkomma_och_formelsakert():
    f = oppna_data.Fraga(RESURSER["utfall"], None)
    s = oppna_data.Sida([{"indikator": "1-I01", "period": "P", "varde": -7.8, "text": "=HYPERLINK(\"x\")",
                          "kommentar": "-3", "exempel": False}], 1, 1, 1, 1)
    rad = _csv(oppna_data.till_csv(f, s))[0]
    assert rad["varde"] == "-7,8"
    assert rad["text"] == "'=HYPERLINK(\"x\")"
    assert rad["kommentar"] == "-3"


# --- Filter och fel ---

@pytest.mark.parametrize("fraga, parameter", [
    ("atgarder?period=Del%C3%A5r%209%202020", "period"),
    ("atgarder?enhet=KSK/FINNSINTE", "enhet"),
    ("atgarder?status=Kanske", "status"),
    ("atgarder?roll=chef&enhet=KSK", "roll"),
    ("atgarder?plan=XX-1999", "plan"),
    ("atgarder?malomrade=99", "malomrade"),
    ("atgarder?malomrade=ett", "malomrade"),
    ("atgarder?sida=0", "sida"),
    ("atgarder?per_sida=100000", "per_sida"),
    ("atgarder?exempel=ja", "exempel"),
    ("atgarder?period=", "period"),
    ("atgarder?visning=mote", "visning"),
    ("indikatorer?status=F%C3%B6rsenad", "status"),
    ("budget?tabell=skatt", "tabell"),
    ("budget?period=Del%C3%A5r%202%202020", "period"),
    ("atgarder?plan=KS-2020&plan=KS-2021", "plan"),
])
def test_fel_parameter_ger_400_pa_svenska_med_parameterns_namn(klient, fraga, parameter):
    r = klient.get(f"{PREFIX}/{fraga}")
    assert r.status_code == 400
    assert r.headers["Content-Language"] == "sv"
    fel = r.get_json()["fel"]
    assert any(f"parametern ”{parameter}”" in f for f in fel), fel


@pytest.mark.parametrize("resurs", ["utfall", "statusrapporter", "budgetuppfoljning"])
def test_tomt_svar_ar_tomt_inte_fel(klient, spec, resurs):
    """En period utan rader ger 200 och en tom lista (Schemathesis hittade 500 här)."""
    for per in ("Delår 1 2022", "Årsredovisning 2022"):
        r = klient.get(f"{PREFIX}/{resurs}?period={quote(per)}&exempel=utan")
        assert r.status_code == 200
        _validera(spec, r)


def test_okand_resurs_ger_404(klient):
    r = klient.get(f"{PREFIX}/hemligheter")
    assert r.status_code == 404 and "okänd resurs" in r.get_json()["fel"][0]


def test_filter_som_pa_sidorna(klient, databas):
    from data.uppfoljning import fragor
    r = klient.get(f"{PREFIX}/atgarder?enhet=KSK/SHB&roll=ansvarig&period={quote(PERIOD)}&per_sida=1000")
    koder = [x["kod"] for x in r.get_json()["data"]]
    anvand_databas(databas)
    forv = fragor.atgarder(enhet=["KSK/SHB"], roll="ansvarig", period=PERIOD, plan=fragor.los_plan())
    assert koder and set(koder) <= set(forv.kod) and len(koder) == len(forv)
    assert r.get_json()["meta"]["filter"] == {"period": PERIOD, "enhet": ["KSK/SHB"], "roll": "ansvarig"}
    m1 = klient.get(f"{PREFIX}/indikatorer?malomrade=1").get_json()["data"]
    assert m1 and all(x["malomrade"] == 1 for x in m1)


@pytest.mark.parametrize("stavning, kod", [("ksk/shb", "KSK/SHB"), ("Ksk/Shb", "KSK/SHB"), ("KSK HR", "KSK/HR"),
                                            ("Ekonomiavdelningen", "KSK/EKO"), ("ksk/eko, KSK/shb", "KSK/EKO,KSK/SHB")])
def test_enhet_matchas_som_pa_sidorna(klient, databas, stavning, kod):
    """Enhetskoder oavsett versaler och via planens stavningar (enheter.yaml) – samma funktion som
    sidorna och exporten (fragor.normalisera_urval) – och svaret är detsamma som för den kanoniska koden."""
    from data.uppfoljning import fragor
    from data.uppfoljning.urval import Urval
    koder = kod.split(",")
    anvand_databas(databas)
    assert fragor.normalisera_urval(Urval.fran_fraga({"enhet": [stavning]})).enhet == koder
    antal = {}
    for resurs in ("atgarder", "indikatorer"):
        a = klient.get(f"{PREFIX}/{resurs}?enhet={quote(stavning)}&period={quote(PERIOD)}&per_sida=1000")
        b = klient.get(f"{PREFIX}/{resurs}?enhet={quote(kod)}&period={quote(PERIOD)}&per_sida=1000")
        assert a.status_code == b.status_code == 200, a.get_json()
        assert a.get_json()["data"] == b.get_json()["data"]
        assert a.get_json()["meta"]["filter"]["enhet"] == koder
        antal[resurs] = len(a.get_json()["data"])
    alla = klient.get(f"{PREFIX}/atgarder?period={quote(PERIOD)}&per_sida=1000").get_json()["meta"]["antal"]
    assert sum(antal.values()) > 0 and antal["atgarder"] < alla     # filtrerat, aldrig hela planen


def test_period_och_status_oavsett_versaler_som_pa_sidorna(klient):
    a = klient.get(f"{PREFIX}/atgarder?period={quote(PERIOD.lower())}&status=f%C3%B6rsenad&per_sida=1000")
    b = klient.get(f"{PREFIX}/atgarder?period={quote(PERIOD)}&status=F%C3%B6rsenad&per_sida=1000")
    assert a.status_code == b.status_code == 200 and a.get_json()["data"] == b.get_json()["data"]
    assert a.get_json()["meta"]["filter"] == {"period": PERIOD, "status": ["Försenad"]}


@pytest.mark.parametrize("varde", ["ksk/xyz", "XYZ", "ksk/shb,XYZ"])
def test_okand_enhet_ger_fortfarande_400_och_vidgar_aldrig(klient, varde):
    r = klient.get(f"{PREFIX}/atgarder?enhet={quote(varde)}")
    assert r.status_code == 400
    fel = " ".join(r.get_json()["fel"])
    assert "parametern ”enhet”" in fel and "välj bland" in fel and "KSK/SHB" in fel
    assert varde.split(",")[-1] in fel and "data" not in r.get_json()


# --- Exempel ---

def test_exempel_utelamnas_om_man_inte_ber_om_dem(klient):
    utan = klient.get(f"{PREFIX}/atgarder?period={quote(PERIOD)}&per_sida=1000").get_json()
    med = klient.get(f"{PREFIX}/atgarder?period={quote(PERIOD)}&per_sida=1000&exempel=med").get_json()
    assert utan["meta"]["exempel"] == "utan" and med["meta"]["exempel"] == "med"
    assert not any(r["exempel"] for r in utan["data"])
    assert not any((r["kommentar"] or "").startswith("Exempel:") for r in utan["data"])
    ex = [r for r in med["data"] if r["exempel"]]
    assert ex, "exempeldatan ska synas med exempel=med"
    assert all(r["ursprung"] == "exempel" for r in ex)
    for resurs in ("utfall", "statusrapporter", "inriktningsmal", "indikatorer", "budgetuppfoljning"):
        d = klient.get(f"{PREFIX}/{resurs}?per_sida=1000" + ("&period=" + quote(PERIOD)
                                                               if resurs != "utfall" else "")).get_json()["data"]
        assert not any(r["exempel"] or r["ursprung"] == "exempel" for r in d), resurs
        m = klient.get(f"{PREFIX}/{resurs}?per_sida=1000&exempel=med" + ("&period=" + quote(PERIOD))).get_json()
        assert all(r["ursprung"] == "exempel" for r in m["data"] if r["exempel"])


def test_trend_jamfor_aldrig_med_exempel(klient, spec):
    """Trenden jämför bara med ett tidigare utfall av samma slag. 1-I01 rapporterades först i
    Årsredovisning 2021; det enda tidigare är exemplet i Delår 2 2020: utan exempel ingen trend, med
    exempel=med "ingen tidigare rapport" (aldrig bättre eller sämre mot exemplet). 1-I02 i Årsredovisning
    2020 jämförs med kommunens Delår 1 2020 (1,6), inte med exemplet däremellan – på båda sätten."""
    def trend(period, kod, med):
        r = klient.get(f"{PREFIX}/indikatorer?period={quote(period)}&malomrade=1"
                       + ("&exempel=med" if med else ""))
        _validera(spec, r)
        return next(x["trend"] for x in r.get_json()["data"] if x["kod"] == kod)

    assert trend("Årsredovisning 2021", "1-I01", med=False) == ""
    assert trend("Årsredovisning 2021", "1-I01", med=True) == "ingen tidigare rapport"
    assert trend("Årsredovisning 2020", "1-I02", med=False) == trend("Årsredovisning 2020", "1-I02", med=True) == "bättre"
    # exemplet i Delår 2 2020 får ingen trend mot kommunens värde, och utan exempel=med finns det inte
    assert trend(PERIOD, "1-I02", med=True) == trend(PERIOD, "1-I02", med=False) == ""


def test_trend_i_exporten_som_pa_sidorna(databas):
    """Excel-exportens Trend säger samma sak: pil efter värdet, ord efter riktningen, exemplet bara nämnt."""
    import openpyxl
    from data.utdata import export
    from data.uppfoljning.urval import Urval
    anvand_databas(databas)
    ex = export.bygg(Urval(period="Årsredovisning 2021", vy="malomrade", malomrade=1), fragor.los_plan())
    ws = openpyxl.load_workbook(io.BytesIO(ex.innehall))["Indikatorer"]
    rader = list(ws.iter_rows(values_only=True))
    i = next(n for n, r in enumerate(rader) if r and r[0] == "Målområde")
    kol = {k: n for n, k in enumerate(rader[i])}
    trend = {r[kol["Indikator"]]: r[kol["Trend"]] for r in rader[i + 1:] if r[kol["Indikator"]]}
    ind = fragor.indikatorer(1, plan=fragor.los_plan())
    namn = dict(zip(ind.kod, ind.namn))
    assert trend[namn["1-I01"]] == "? ingen tidigare rapport (förut 0\u00a0mnkr i Delår 2 2020, exempel)"
    assert trend[namn["1-I02"]] == "↗ bättre (förut 4,6\u00a0% i Årsredovisning 2020)"


def test_publicerade_utfall_bar_kallans_url(klient):
    d = klient.get(f"{PREFIX}/utfall?per_sida=1000").get_json()["data"]
    pub = [r for r in d if r["ursprung"] == "publicerad"]
    assert pub and all(r["kalla_url"].startswith("https://") for r in pub)


# --- HTTP ---

def test_etag_och_304_och_ny_generation(klient, databas):
    r = klient.get(f"{PREFIX}/indikatorer")
    etag, andrad = r.headers["ETag"], r.headers["Last-Modified"]
    assert klient.get(f"{PREFIX}/indikatorer", headers={"If-None-Match": etag}).status_code == 304
    assert klient.get(f"{PREFIX}/indikatorer", headers={"If-Modified-Since": andrad}).status_code == 304
    assert klient.get(f"{PREFIX}/indikatorer.csv").headers["ETag"] != etag
    assert klient.get(f"{PREFIX}/indikatorer?malomrade=1").headers["ETag"] != etag
    anvand_databas(databas)
    with db.session() as s:
        cache.rakna_upp(s)
    ny = klient.get(f"{PREFIX}/indikatorer", headers={"If-None-Match": etag})
    assert ny.status_code == 200 and ny.headers["ETag"] != etag


def test_cors_for_get(klient):
    r = klient.get(f"{PREFIX}/planer", headers={"Origin": "https://exempel.se"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in r.headers["Access-Control-Expose-Headers"]
    o = klient.options(f"{PREFIX}/planer", headers={"Origin": "https://exempel.se",
                                                     "Access-Control-Request-Method": "GET"})
    assert o.status_code in (200, 204) and "GET" in o.headers["Access-Control-Allow-Methods"]
    assert "POST" not in o.headers["Access-Control-Allow-Methods"]


def test_sidindelning(klient):
    a = klient.get(f"{PREFIX}/atgarder?per_sida=10&sida=1")
    b = klient.get(f"{PREFIX}/atgarder?per_sida=10&sida=2")
    alla = klient.get(f"{PREFIX}/atgarder?per_sida=1000").get_json()["data"]
    assert [x["kod"] for x in a.get_json()["data"] + b.get_json()["data"]] == [x["kod"] for x in alla[:20]]
    assert a.get_json()["meta"]["antal"] == len(alla) == int(a.headers["X-Total-Count"])
    assert 'rel="next"' in a.headers["Link"] and "sida=2" in a.headers["Link"]
    assert klient.get(f"{PREFIX}/atgarder").get_json()["meta"]["per_sida"] == oppna_data.PER_SIDA


def _rakna(url: str) -> dict:
    from data.lagring.models import Bas
    anvand_databas(url)
    with db.motor().connect() as c:
        return {t.name: c.execute(select(func.count()).select_from(t)).scalar() for t in Bas.metadata.sorted_tables}


def test_ingenting_skrivs(klient, databas):
    fore = _rakna(databas)
    anvand_databas(databas)
    gen = cache._las_generation()
    for r in RESURSER:
        assert klient.get(f"{PREFIX}/{r}?exempel=med" if "exempel" in RESURSER[r].parametrar
                          else f"{PREFIX}/{r}").status_code == 200
        for metod in ("post", "put", "patch", "delete"):
            s = getattr(klient, metod)(f"{PREFIX}/{r}", data=json.dumps({"x": 1}))
            assert s.status_code == 405 and s.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert _rakna(databas) == fore
    anvand_databas(databas)
    assert cache._las_generation() == gen


def test_api_sidan_visar_varje_resurs(databas, monkeypatch):
    import app
    monkeypatch.setenv("DATABASE_URL", databas)
    app.hamta_app()
    from sidor import api
    text = json.dumps(api.layout().to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False)
    for r in RESURSER.values():
        assert f"GET {PREFIX}/{r.namn}" in text
        assert all(f.namn in text for f in r.falt)
    assert "exempel=med" in text and "curl" in text


def test_dokumentationen_namnger_varje_falt():
    from pathlib import Path
    text = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    for r in RESURSER.values():
        assert f"`{PREFIX}/{r.namn}`" in text, r.namn
        for f in r.falt:
            assert f"`{f.namn}`" in text, (r.namn, f.namn)


def test_jamforelser_som_pa_sidan_och_i_filen(klient, spec):
    """Kolada-jämförelsen: kommunen, gruppens sju kommuner, gruppmedlet och riket med källa och
    hämtningsdag; värdena som i planmappens ögonblicksbild (varden.csv)."""
    from pathlib import Path
    fil = Path(__file__).resolve().parent.parent / "data" / "plan" / "kolada_varden.csv"
    ref = {(r["kpi"], r["municipality"], int(r["year"]), r["gender"]): float(r["value"])
           for r in csv.DictReader(io.StringIO(fil.read_text(encoding="utf-8")), delimiter=";")}
    r = klient.get(f"{PREFIX}/jamforelser?per_sida=1000")
    assert r.status_code == 200
    _validera(spec, r)
    svar = r.get_json()
    assert "Kolada" in svar["meta"]["kalla"]
    rader = [x for x in svar["data"] if x["kpi"] == "N00090"]
    assert {x["roll"] for x in rader} == {"kommunen", "gruppen", "gruppmedel", "riket"}
    assert {x["kommun"] for x in rader if x["roll"] == "gruppen"} == {"0114", "0480", "1290", "1293", "1485",
                                                                        "2081", "2181"}
    for x in (x for x in svar["data"] if not x["beraknad"]):
        assert x["varde"] == ref[(x["kpi"], x["kommun"], x["ar"], x["kon"])]
        assert x["hamtad"] == "2024-08-30"
    medel = next(x for x in rader if x["roll"] == "gruppmedel" and x["ar"] == 2022 and x["kon"] == "T")
    v = [ref[("N00090", k, 2022, "T")] for k in ("0114", "0480", "1290", "1293", "1485", "2081", "2181")]
    assert medel["varde"] == pytest.approx(sum(v) / len(v)) and medel["antal"] == 7 and medel["beraknad"]
    assert next(x for x in rader if x["roll"] == "kommunen")["indikatorer"] == ["HR-I06"]
