"""Kolada: värdefilen (`python -m data.kolada las-in`: idempotent, allt eller inget, fel med fil, rad
och kolumn, senare hämtat ersätter äldre), v3-klienten mot en lokal stubbe (sidor via next_url, 429
med Retry-After, 503, tidsgräns, grupper) och planens Kolada-poster i källfilerna."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from data.lagring import db, installningar, start
from data.lagring.start import anvand_databas
from data.lagring.models import KoladaKpi, KoladaVarde
from data.planen import kallor
from data.uppfoljning import regler
from data.utdata import kolada
from kolada_stub import GRUPP, KOMMUNER, Stubbe

ROT = Path(__file__).resolve().parent.parent
VARDEN = ROT / "data" / "plan" / "kolada_varden.csv"
REFERENS = ROT.parent / "shared" / "kolada" / "varden" / "varden.csv"
DAG = dt.date(2024, 8, 30)


@pytest.fixture(scope="module")
def schema_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('kolada') / 'kolada.sqlite'}"
    anvand_databas(url)
    start.sakerstall_schema()
    return url


@pytest.fixture(scope="module")
def pg_url():
    from conftest import pg_databas
    url, stada = pg_databas()
    anvand_databas(url)
    start.sakerstall_schema()
    yield url
    start.glom()
    stada()


def _aktivera(url: str, monkeypatch) -> str:
    """Databasen (schemat; ingen plan behövs för värdena) som processens, tömd på Kolada-värden."""
    monkeypatch.setenv("DATABASE_URL", url)
    start.starta(installningar.aktuella().med(databas_url=url))
    with db.session() as s:
        s.execute(delete(KoladaVarde))
        s.execute(delete(KoladaKpi))
    return url


@pytest.fixture
def databas(schema_url, monkeypatch):
    return _aktivera(schema_url, monkeypatch)


@pytest.fixture(params=["sqlite", "postgresql"])
def bada(request, monkeypatch):
    """SQLite och PostgreSQL (inläsningens regler: idempotens, senare ersätter äldre)."""
    return _aktivera(request.getfixturevalue("schema_url" if request.param == "sqlite" else "pg_url"), monkeypatch)


def _antal() -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(KoladaVarde))


def _varde(kpi, kommun, ar, kon="T") -> KoladaVarde:
    with db.session() as s:
        return s.scalars(select(KoladaVarde).filter_by(kpi=kpi, kommun=kommun, ar=ar, kon=kon)).one()


@pytest.fixture(scope="module")
def planens_kolada():
    return kallor.las_plan(kallor.PLAN_DIR)["kolada"]


def test_planmappens_ogonblicksbild_ar_referensfilen(planens_kolada):
    """Den medföljande ögonblicksbilden är varden.csv (källan i ../shared/kolada/varden/KALLA.md)."""
    if not REFERENS.exists():
        pytest.skip("../shared/kolada saknas")
    assert VARDEN.read_bytes() == REFERENS.read_bytes()
    assert VARDEN.stat().st_size < 100_000
    bild = planens_kolada["ogonblicksbild"]
    assert bild["hamtad"] == "2024-08-30" and "Kolada" in bild["kalla"]


def test_las_in_ar_idempotent(bada):
    res = kolada.las_in(VARDEN, DAG, "Kolada, test")
    assert (res.nya, res.ersatta) == (1980, 0)
    v = _varde("N03103", "0188", 2015)
    assert v.varde == 45.470254 and v.hamtad == dt.datetime(2024, 8, 30) and v.kalla_url == "Kolada, test"
    igen = kolada.las_in(VARDEN, DAG, "Kolada, test")
    assert (igen.nya, igen.ersatta, igen.oforandrade) == (0, 0, 1980)
    assert _antal() == 1980


def test_senare_hamtning_ersatter_aldre_aldrig_tvartom(bada, tmp_path):
    kolada.las_in(VARDEN, DAG, "Kolada 2024")
    ny = tmp_path / "ny.csv"
    ny.write_text("kpi;municipality;year;gender;value;retrieved;source\n"
                  "N03103;0188;2015;T;46.1;2026-12-01;Kolada v3\n", encoding="utf-8")
    res = kolada.las_in(ny)
    assert (res.nya, res.ersatta) == (0, 1)
    v = _varde("N03103", "0188", 2015)
    assert (v.varde, v.hamtad.date(), v.kalla_url) == (46.1, dt.date(2026, 12, 1), "Kolada v3")
    assert _varde("N03103", "0188", 2016).hamtad.date() == DAG          # hämtningsdagen visar vilket som är vilket
    res = kolada.las_in(VARDEN, DAG, "Kolada 2024")                      # den äldre filen igen
    assert res.aldre == 1 and _varde("N03103", "0188", 2015).varde == 46.1


@pytest.mark.parametrize("rad, vantat", [
    ("N03103;0188;2015;T;4x5", "rad 3, kolumn value: '4x5' är inget tal"),
    ("N3103;0188;2015;T;45", "rad 3, kolumn kpi: 'N3103' är inget Kolada-id"),
    ("N03103;188;2015;T;45", "rad 3, kolumn municipality: '188'"),
    ("N03103;0188;år;T;45", "rad 3, kolumn year: 'år' är inget år"),
    ("N03103;0188;2015;X;45", "rad 3, kolumn gender: 'X'"),
    ("N03103;0188;2016;T;1", "rad 3: samma nyckeltal, kommun, år och kön som rad 2"),
])
def test_felaktig_rad_namnger_fil_rad_och_kolumn_och_inget_lases_in(databas, tmp_path, rad, vantat):
    fil = tmp_path / "fel.csv"
    fil.write_text("kpi;municipality;year;gender;value\nN03103;0188;2016;T;65.8\n" + rad + "\n", encoding="utf-8")
    with pytest.raises(kolada.Filfel) as e:
        kolada.las_in(fil, DAG, "test")
    assert any(f.startswith("fel.csv, ") and vantat in f for f in e.value.fel), e.value.fel
    assert _antal() == 0                                                 # inte ens den korrekta raden


def test_kommandot_las_in(databas, tmp_path, capsys):
    assert kolada.main(["las-in", str(VARDEN), "--hamtad", "2024-08-30", "--kalla", "Kolada"]) == 0
    assert "1980 värden – 1980 nya" in capsys.readouterr().out
    assert kolada.main(["las-in", str(VARDEN), "--hamtad", "2024-08-30", "--kalla", "Kolada"]) == 0
    assert "1980 oförändrade" in capsys.readouterr().out
    trasig = tmp_path / "trasig.csv"
    shutil.copy(VARDEN, trasig)
    with open(trasig, "a", encoding="utf-8") as f:
        f.write("N03103;0188;2023;T;mycket\n")
    assert kolada.main(["las-in", str(trasig), "--hamtad", "2024-08-30", "--kalla", "Kolada"]) == 1
    fel = capsys.readouterr().err
    assert "Inget lästes in" in fel and "trasig.csv, rad 1982, kolumn value: 'mycket'" in fel
    assert kolada.main(["las-in", str(VARDEN)]) == 1                      # utan hämtningsdag och källa
    assert "kolumn retrieved: saknas" in capsys.readouterr().err
    assert _antal() == 1980


# --- Klienten mot stubben (API v3) ---

def _klient(url: str, **kw) -> kolada.Klient:
    vantat: list[float] = []
    k = kolada.Klient(bas_url=url, tidsgrans=kw.pop("tidsgrans", 5), vanta=vantat.append, **kw)
    k.vantat = vantat
    return k


def test_klienten_foljer_next_url_och_sparar(databas):
    upp = kolada.Uppdrag("P", ["N03103"], "0188", "0000", GRUPP["id"], [m["member_id"] for m in GRUPP["members"]])
    nu = dt.datetime(2026, 12, 7, 9, 0)
    with Stubbe(sidstorlek=100) as st:
        k = _klient(st.url)
        kpier, rader = kolada.hamta(k, upp, [2019, 2020], nu)
    sidor = [a for a in st.anrop if "?page=" in a]                     # next_url: sida 2, 3, …
    assert len(sidor) >= 5 and all("per_page=100" in a for a in sidor)
    assert all("?per_page=5000" in a for a in st.anrop if a.startswith("/v3/data/") and "?page=" not in a)
    assert any(a == "/v3/municipality_groups/G37481" for a in st.anrop)
    assert len(rader) == len(KOMMUNER) * 2 + 2 * 2 + 2                # alla kommuner, kön för 0188, gruppen
    res = kolada.spara(kpier, rader)
    assert res.nya == len(rader)
    v = _varde("N03103", "0188", 2019)
    assert v.varde == 68.0 and v.hamtad == nu and v.kalla_url.startswith(st.url + "/data/kpi/N03103")
    m = _varde("N03103", "0188", 2019, "M")
    assert m.varde is None and m.status == "Saknas"
    with db.session() as s:
        assert s.get(KoladaKpi, "N03103").titel == "Syntetiskt nyckeltal N03103"


def test_429_vantar_sa_lange_som_retry_after_sager():
    with Stubbe(begransa=2, retry_after="7") as st:
        k = _klient(st.url)
        assert k.hamta("kpi/N03103")[0]["id"] == "N03103"
    assert k.vantat == [7.0, 7.0] and len(st.anrop) == 3


def test_429_hela_tiden_ger_svenskt_meddelande():
    with Stubbe(begransa=10, retry_after="1") as st:
        k = _klient(st.url, forsok=3)
        with pytest.raises(kolada.KoladaFel, match="ber oss vänta"):
            k.hamta("kpi/N03103")


def test_503_nya_forsok_med_vaxande_vantan():
    with Stubbe(fel_forst=2) as st:
        k = _klient(st.url)
        assert k.grupp("G37481")["members"][0] == {"member_id": "0114", "member_title": "Kommun 0114"}
    assert k.vantat == [1.0, 2.0]


def test_tidsgrans_och_nytt_forsok():
    with Stubbe(seg=1) as st:
        k = _klient(st.url, tidsgrans=0.3, forsok=2)
        assert k.hamta("kpi/N03103")[0]["id"] == "N03103"            # första anropet svarade aldrig
    assert len(st.anrop) == 2 and k.vantat == [1.0]
    with Stubbe(seg=3) as st:
        k = _klient(st.url, tidsgrans=0.3, forsok=2)
        with pytest.raises(kolada.KoladaFel, match="Kolada svarar inte .* efter 2 försök. Är datorn ansluten"):
            k.hamta("kpi/N03103")


def test_ingen_lyssnar():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    k = _klient(f"http://127.0.0.1:{port}/v3")
    with pytest.raises(kolada.KoladaFel, match="Kolada svarar inte .* efter 4 försök"):
        k.hamta("kpi/N03103")
    assert k.vantat == [1.0, 2.0, 4.0]


def test_fel_id_ger_meddelande_utan_nya_forsok():
    with Stubbe() as st:
        k = _klient(st.url)
        with pytest.raises(kolada.KoladaFel, match="404"):
            k.hamta("okand/sak")
    assert k.vantat == []


def test_hamta_skriver_en_vardefil_som_las_in_tar(databas, tmp_path):
    upp = kolada.Uppdrag("P", ["N03103"], "0188", "0000", None, [])
    with Stubbe() as st:
        kpier, rader = kolada.hamta(_klient(st.url), upp, [2020], dt.datetime(2026, 12, 7))
    fil = tmp_path / "hamtat.csv"
    kolada.skriv_fil(fil, rader)
    res = kolada.las_in(fil)
    assert res.nya == len(rader) and _varde("N03103", "0188", 2020).hamtad.date() == dt.date(2026, 12, 7)


@pytest.mark.parametrize("text, ar", [("2018-2020", [2018, 2019, 2020]), ("2020", [2020]),
                                      ("2018,2020", [2018, 2020])])
def test_tolka_ar(text, ar):
    assert kolada.tolka_ar(text) == ar


@pytest.mark.parametrize("text", ["2020-2018", "tjugo", "1900-2000"])
def test_tolka_ar_fel(text):
    with pytest.raises(ValueError):
        kolada.tolka_ar(text)


def test_rankning_som_kolada():
    varden = {f"{i:04d}": float(i) for i in range(1, 101)} | {"0000": 999.0, "G1": 999.0}
    assert regler.rankning(varden, "0100", "hogre") == regler.Rankning(1, 100, "bast")
    assert regler.rankning(varden, "0050", None) is None


# --- Källfilerna ---

def test_planens_kolada_poster(planens_kolada):
    k = planens_kolada
    assert k["jamforelsegrupp"]["id"] == "G37481"
    assert k["jamforelsegrupp"]["kommuner"] == ["0114", "0480", "1290", "1293", "1485", "2081", "2181"]
    poster = {p["id"]: p for ps in k["indikatorer"].values() for p in ps}
    for kid in ("N03102", "N03103", "N00090"):
        assert poster[kid]["matt"] == "samma" and poster[kid]["titel"] and poster[kid]["skal"]
    assert poster["N03002"]["matt"] == "narliggande"
    assert [n["id"] for n in k["nyckeltal"]] == ["N00206"]


def test_kort_form_med_bara_id_och_plan_utan_kolada(tmp_path):
    """`kolada: [N03103]` räcker (utan titel och skäl); en plan utan `kolada` har inga jämförelser."""
    katalog = tmp_path / "plan"
    shutil.copytree(ROT / "tests" / "data" / "plan_testkoping", katalog)
    assert kallor.las_plan(katalog)["kolada"] is None
    fil = sorted(katalog.glob("malomrade_*.yaml"))[0]
    text = fil.read_text(encoding="utf-8")
    i = text.index("    namn:", text.index("indikatorer:"))
    fil.write_text(text[:i] + "    kolada: [N03103]\n" + text[i:], encoding="utf-8")
    (katalog / "plan.yaml").write_text((katalog / "plan.yaml").read_text(encoding="utf-8")
                                       + '\nkolada: {kommun: "1234"}\n', encoding="utf-8")
    k = kallor.las_plan(katalog)["kolada"]
    assert k["kommun"] == "1234" and k["jamforelsegrupp"] is None
    assert [p["id"] for ps in k["indikatorer"].values() for p in ps] == ["N03103"]


def test_felaktig_kolada_post_i_kallfilerna(tmp_path):
    katalog = tmp_path / "plan"
    shutil.copytree(kallor.PLAN_DIR, katalog)
    p = katalog / "malomrade_1.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("matt: samma", "matt: ungefär", 1), encoding="utf-8")
    (katalog / "kolada_varden.csv").write_text("kpi;municipality;year;gender;value\nN03103;0188;2015;T;x\n",
                                               encoding="utf-8")
    with pytest.raises(kallor.KallfilFel) as e:
        kallor.las_plan(katalog)
    text = "\n".join(e.value.fel)
    assert "matt 'ungefär' – ange samma eller narliggande" in text
    assert "kolada_varden.csv, rad 2, kolumn value: 'x' är inget tal" in text


# --- Sidan /jamforelse och indikatorkorten: varje visat värde mot varden.csv ---

@pytest.fixture(scope="module")
def plan_url(appserver):
    """En ny installation: appserverns tomma SQLite, fylld ur planmappen (med Kolada-ögonblicksbilden)
    när servern startade – samma databas som webbläsartestet ser (och inget extra att fylla i CI)."""
    return appserver["databas"]


@pytest.fixture
def sidor_mot(plan_url, monkeypatch):
    import app
    monkeypatch.setenv("DATABASE_URL", plan_url)
    start.starta(installningar.aktuella().med(databas_url=plan_url), schema=False)
    app.hamta_app()
    from sidor import arbetsgivare, jamforelse, malomrade
    return jamforelse, malomrade, arbetsgivare


def _referens() -> dict[tuple, float]:
    import csv
    with open(VARDEN, encoding="utf-8") as f:
        return {(r["kpi"], r["municipality"], int(r["year"]), r["gender"]): float(r["value"])
                for r in csv.DictReader(f, delimiter=";")}


def _noder(c):
    """Alla komponenter i ett Dash-träd."""
    yield c
    barn = getattr(c, "children", None)
    for b in (barn if isinstance(barn, (list, tuple)) else [barn]):
        if hasattr(b, "to_plotly_json"):
            yield from _noder(b)


def _text(c) -> str:
    return "".join(x if isinstance(x, str) else _text(x) for x in (
        c.children if isinstance(c.children, (list, tuple)) else [c.children]) if x is not None) \
        if hasattr(c, "children") else str(c)


def test_jamforelsen_visar_varden_lika_med_filen(sidor_mot):
    from dash import dcc, html

    from komponenter.jamforelse import visa
    jamforelse, _, _ = sidor_mot
    ref = _referens()
    grupp = ["0114", "0480", "1290", "1293", "1485", "2081", "2181"]
    sida = jamforelse.layout()
    text = _text(sida)
    assert "python -m" not in text and "plan.yaml" not in text        # inga kommandon för invånarna
    assert "Källa: Kolada, hämtat 2024-08-30." in text
    kort = {k.__dict__["data-kpi"]: k for k in _noder(sida) if isinstance(k, html.Article)}
    enheter = {k: "%" for k in kort} | {"U00200": "index"}
    jamforda = 0
    for kpi, k in kort.items():
        celler = [c for c in _noder(k) if isinstance(c, html.Td) and "data-kpi" in c.__dict__]
        for c in celler:
            d = c.__dict__
            nyckel = (kpi, d["data-kommun"], int(d["data-ar"]), d["data-kon"])
            if d["data-roll"] == "gruppmedel":
                v = [ref[(kpi, m, nyckel[2], nyckel[3])] for m in grupp if (kpi, m, nyckel[2], nyckel[3]) in ref]
                vantat = sum(v) / len(v)
            else:
                vantat = ref[nyckel]
            assert c.children == visa(vantat, enheter[kpi]), (nyckel, c.children)
            jamforda += 1
        for g in (x for x in _noder(k) if isinstance(x, dcc.Graph)):
            for t in g.figure["data"]:
                roll, kommun, kon = t["meta"].split("|")
                for x, y in zip(t["x"], t["y"]):
                    if roll == "gruppmedel":
                        v = [ref[(kpi, m, x, kon)] for m in grupp if (kpi, m, x, kon) in ref]
                        assert y == pytest.approx(sum(v) / len(v), abs=1e-9)
                    else:
                        kid = {"kommunen": "0188", "riket": "0000"}.get(roll, kommun)
                        assert y == ref[(kpi, kid, x, kon)], (kpi, t["name"], x)
                    jamforda += 1
        senaste = max((a for (kp, m, a, _) in ref if kp == kpi and m == "0188"), default=None)
        if senaste:   # "2022: Norrtälje 7,2 %, …" överst på kortet
            assert f"{senaste}: Norrtälje {visa(ref[(kpi, '0188', senaste, 'T')], enheter[kpi])}," in _text(k)
    assert jamforda > 1000
    # Norrtälje, gruppens sju kommuner och riket för ekonomin och HR, med kön där Kolada har det
    for kpi in ("N03103", "N03102", "N03002", "N00090", "N00206"):
        visade = {c.__dict__["data-kommun"] for c in _noder(kort[kpi]) if isinstance(c, html.Td)
                  and "data-kommun" in c.__dict__}
        assert {"0188", "0000", *grupp} <= visade, kpi
    for kpi in ("N00090", "N00206"):
        assert {c.__dict__["data-kon"] for c in _noder(kort[kpi]) if isinstance(c, html.Td)
                and "data-kon" in c.__dict__} == {"T", "K", "M"}
    assert "Närliggande mått" in _text(kort["N03002"])
    assert "Placering (1 = bäst)" in _text(kort["N00090"])


def test_indikatorkorten_har_kolada_raden(sidor_mot):
    _, malomrade, arbetsgivare = sidor_mot
    ref = _referens()
    from komponenter.jamforelse import visa
    t = _text(malomrade.layout(nr="1"))
    assert f"Kolada (N03103 Självfinansieringsgrad för kommunens investeringar, andel (%)) 2022: Norrtälje " \
           f"{visa(ref[('N03103', '0188', 2022, 'T')], '%')}" in t
    assert "Kolada, närliggande mått (N03002" in t and "Källa: Kolada, hämtat 2024-08-30." in t
    assert '"href": "/jamforelse?plan=KS-2020#kpi-N03103"' in json.dumps(
        malomrade.layout(nr="1", plan="KS-2020").to_plotly_json(), ensure_ascii=False,
        default=lambda o: o.to_plotly_json() if hasattr(o, "to_plotly_json") else str(o))
    t = _text(arbetsgivare.layout())
    assert f"Kolada (N00090 Sjukfrånvaro totalt bland anställda, kommun, andel (%)) 2022: Norrtälje " \
           f"{visa(ref[('N00090', '0188', 2022, 'T')], '%')}, medel för liknande kommuner" in t


def test_kommandon_bara_for_administratoren(sidor_mot, monkeypatch):
    from types import SimpleNamespace

    from sidor import _inloggning
    jamforelse = sidor_mot[0]
    monkeypatch.setattr(_inloggning, "aktuell", lambda: None)
    assert jamforelse._adminnotis(["inga Kolada-värden är inlästa"]) is None
    monkeypatch.setattr(_inloggning, "aktuell", lambda: SimpleNamespace(administrator=False))
    assert jamforelse._adminnotis(["x"]) is None
    monkeypatch.setattr(_inloggning, "aktuell", lambda: SimpleNamespace(administrator=True))
    t = _text(jamforelse._adminnotis(["inga Kolada-värden är inlästa"]))
    assert "syns bara för dig" in t and "python -m data.kolada las-in" in t


@pytest.mark.parametrize("bredd, hojd", [(390, 844)])   # 1920×1080: test_tillganglighet (axe) och skärmbilder
def test_sidan_i_webblasaren(sida, webblasare, bredd, hojd):
    """Ny installation (appserverns tomma databas fylld ur planmappen): Norrtälje, gruppen och riket
    med källraden, utan kommandon; på en mobil (390 px) ryms sidan utan sidledes rullning."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tools.skarmbild import satt_storlek
    satt_storlek(webblasare, bredd, hojd)
    try:
        d = sida("/jamforelse")
        WebDriverWait(d, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".jamforelsegraf .main-svg")) >= 8)
        text, legend, sidtext, bredast = d.execute_script(
            "const k = document.querySelector('[data-kpi=\"N00090\"]');"
            "return [k.innerText, [...k.querySelectorAll('.legendtext')].map(e => e.textContent).join(' '),"
            " document.body.innerText, document.documentElement.scrollWidth];")
        assert "Sjukfrånvaro bland kommunens anställda" in text and "Källa: Kolada, hämtat 2024-08-30." in text
        assert "2022: Norrtälje 7,2 %, medel för liknande kommuner 9,0 %, riket 8,1 %" in text.replace("\xa0", " ")
        assert all(n in legend for n in ("Norrtälje", "Riket", "Medel, liknande kommuner", "Kvinnor i Norrtälje"))
        assert "python -m" not in sidtext and "plan.yaml" not in sidtext
        assert bredast <= bredd
    finally:
        satt_storlek(webblasare, 1920, 1080)


def test_kommandot_hamta_mot_stubben(databas, tmp_path, capsys):
    """`hamta` för en annan plan (Testköping med Kolada-id:n): v3-stubben, värdena i databasen och
    `--fil` med bara kommunens, gruppens och rikets värden (planmappens fil ska vara liten)."""
    from data.planen import ladda
    katalog = tmp_path / "plan"
    shutil.copytree(ROT / "tests" / "data" / "plan_testkoping", katalog)
    fil = sorted(katalog.glob("malomrade_*.yaml"))[0]
    text = fil.read_text(encoding="utf-8")
    i = text.index("    namn:", text.index("indikatorer:"))
    fil.write_text(text[:i] + "    kolada: [N03103]\n" + text[i:], encoding="utf-8")
    (katalog / "plan.yaml").write_text((katalog / "plan.yaml").read_text(encoding="utf-8") + (
        '\nkolada: {kommun: "0188", jamforelsegrupp: {namn: Liknande, id: G37481, kommuner: ["0114", "0123"]},'
        ' nyckeltal: [{id: N00206, titel: Heltid, skal: test, omrade: test}]}\n'), encoding="utf-8")
    ladda.ladda_plan_katalog(katalog)
    ut = tmp_path / "hamtat.csv"
    with Stubbe() as st:
        assert kolada.main(["hamta", "--plan", "TK-2023", "--ar", "2019-2020", "--kolada-url", st.url,
                            "--fil", str(ut)]) == 0
    assert "för N00206, N03103 (2019–2020), plan TK-2023" in capsys.readouterr().out
    assert _varde("N00206", "0188", 2020).varde == 70.0 and _varde("N03103", "0123", 2019).kalla_url.startswith(st.url)
    rader = kolada.tolka_fil(ut)
    assert {r["kommun"] for r in rader} == {"0188", "0000", "0114", "0123", "G37481"}
    assert kolada.main(["hamta", "--ar", "sen"]) == 2
