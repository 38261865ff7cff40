"""Kolada-klienten mot en lokal stubbe i API:ts format (inget nätverk): sidor, nya försök, tidsgräns,
offline-meddelande, lagring med kön/hämtningstid/källa, rankningen och sidan /jamforelse."""
from __future__ import annotations

import json
import socket

import pytest
from sqlalchemy import func, select

from data.lagring import db
from data.planen import forbered
from data.uppfoljning import fragor, regler
from data.utdata import kolada
from data.lagring.models import Indikatorutfall, KoladaKpi, KoladaVarde
from kolada_stub import KOMMUNER, Stubbe


@pytest.fixture
def databas(tmp_path):
    url = f"sqlite:///{tmp_path / 'kolada.sqlite'}"
    forbered.sakerstall_databas(url)
    yield url
    forbered.glom()


def _klient(url: str, **kw) -> kolada.Klient:
    vantat = []
    k = kolada.Klient(bas_url=url, tidsgrans=5, vanta=vantat.append, **kw)
    k.vantat = vantat
    return k


def test_planens_kolada_uppgifter(databas):
    upp = kolada.uppdrag_for(url=databas)
    assert upp.kommun == "0188" and upp.riket == "0000"
    assert upp.kpi == ["N03103"]          # bara det id som kan motiveras (docs/kolada.md)


def test_hamtar_alla_sidor_och_sparar(databas):
    with Stubbe(sidstorlek=100) as st:
        k = _klient(st.url)
        n = kolada.hamta(k, kolada.uppdrag_for(url=databas), kolada.tolka_ar("2018-2020"), url=databas)
    sidor = [a for a in st.anrop if "page=" in a]
    assert sidor, "stubben delar svaret i sidor; klienten ska följa next_url"
    assert n == len(KOMMUNER) * 3 + 2 * 3     # totalt per kommun och år, plus kön (K, M) för 0188
    with db.session(databas) as s:
        v = s.scalars(select(KoladaVarde).where(KoladaVarde.kommun == "0188", KoladaVarde.ar == 2019,
                                                KoladaVarde.kon == "T")).one()
        assert v.varde == 68.0 and v.kalla_url.startswith(st.url + "/data/kpi/N03103")
        assert v.hamtad is not None
        m = s.scalars(select(KoladaVarde).where(KoladaVarde.kommun == "0188", KoladaVarde.kon == "M")).first()
        assert m.varde is None and m.status == "Saknas"
        assert s.get(KoladaKpi, "N03103").titel == "Syntetiskt nyckeltal N03103"
        # Aldrig blandat med planens egna utfall
        assert s.scalar(select(func.count()).select_from(Indikatorutfall).where(
            Indikatorutfall.kalla_url.like("%127.0.0.1%"))) == 0
    # En andra hämtning ersätter, dubblerar inte
    with Stubbe() as st:
        kolada.hamta(_klient(st.url), kolada.uppdrag_for(url=databas), [2018, 2019, 2020], url=databas)
    with db.session(databas) as s:
        assert s.scalar(select(func.count()).select_from(KoladaVarde)) == n


def test_nya_forsok_med_vaxande_vantan(databas):
    with Stubbe(fel_forst=2) as st:
        k = _klient(st.url)
        svar = k.hamta("kpi/N03103")
    assert svar[0]["id"] == "N03103"
    assert k.vantat == [1.0, 2.0]


def test_ger_upp_med_tydligt_meddelande_nar_kolada_inte_svarar():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]        # stängd port: ingen lyssnar
    k = _klient(f"http://127.0.0.1:{port}/v3")
    with pytest.raises(kolada.KoladaFel, match="Kolada svarar inte .* efter 4 försök. Är datorn ansluten"):
        k.hamta("kpi/N03103")
    assert k.vantat == [1.0, 2.0, 4.0]


def test_tidsgrans_galler(databas):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    slapp = threading.Event()

    class Seg(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            slapp.wait(10)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Seg)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        k = kolada.Klient(bas_url=f"http://127.0.0.1:{srv.server_address[1]}", tidsgrans=0.2, forsok=2,
                          vanta=lambda s: None)
        with pytest.raises(kolada.KoladaFel, match="svarar inte"):
            k.hamta("kpi/N03103")
    finally:
        slapp.set()
        srv.shutdown()
        srv.server_close()


def test_fel_id_ger_meddelande_utan_nya_forsok():
    with Stubbe() as st:
        k = _klient(st.url)
        with pytest.raises(kolada.KoladaFel, match="404"):
            k.hamta("okand/sak")
    assert k.vantat == []


@pytest.mark.parametrize("text, ar", [("2018-2020", [2018, 2019, 2020]), ("2020", [2020]),
                                      ("2018,2020", [2018, 2020])])
def test_tolka_ar(text, ar):
    assert kolada.tolka_ar(text) == ar


@pytest.mark.parametrize("text", ["2020-2018", "tjugo", "1900-2000"])
def test_tolka_ar_fel(text):
    with pytest.raises(ValueError):
        kolada.tolka_ar(text)


def test_kommandoraden(databas, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", databas)
    with Stubbe() as st:
        assert kolada.main(["hamta", "--ar", "2019-2020", "--kolada-url", st.url]) == 0
    assert "sparade för N03103" in capsys.readouterr().out
    assert kolada.main(["hamta", "--ar", "sen"]) == 2


def test_rankning_som_kolada():
    varden = {f"{i:04d}": float(i) for i in range(1, 101)} | {"0000": 999.0, "G1": 999.0}
    assert regler.rankning(varden, "0100", "hogre") == regler.Rankning(1, 100, "bast")
    assert regler.rankning(varden, "0100", "lagre") == regler.Rankning(100, 100, "samst")
    assert regler.rankning(varden, "0050", "hogre").grupp == "mitten"
    assert regler.rankning(varden, "0050", None) is None           # ingen riktning: ingen färg
    assert regler.rankning(varden, "9999", "hogre") is None


def _text(layout) -> str:
    return json.dumps(layout.to_plotly_json(), ensure_ascii=False,
                      default=lambda o: o.to_plotly_json() if hasattr(o, "to_plotly_json") else str(o))


def _sida(databas, monkeypatch):
    import app
    monkeypatch.setenv("DATABASE_URL", databas)
    app.hamta_app()
    from data.lagring import installningar
    from data.lagring.installningar import Installningar
    installningar.anvand(Installningar.fran_miljo())
    from sidor import jamforelse
    return jamforelse


def test_sidan_utan_varden_sager_hur_man_hamtar(databas, monkeypatch):
    text = _text(_sida(databas, monkeypatch).layout())
    assert "Inga värden hämtade från Kolada ännu" in text and "python -m data.kolada hamta" in text
    assert "Rankning 20" not in text and "Kolada N03103 20" not in text    # inget påhittat
    assert "Jämförelsegruppen är inte angiven" in text


def test_sidan_med_varden_visar_kommun_riket_och_rankning(databas, monkeypatch):
    with Stubbe() as st:
        kolada.hamta(_klient(st.url), kolada.uppdrag_for(url=databas), [2019, 2020], url=databas)
    sida = _sida(databas, monkeypatch)
    text = _text(sida.layout())
    assert "Syntetiskt nyckeltal N03103" in text
    assert "Rankning 2020: plats" in text and "rank-" in text
    assert "Färgerna är en rankning, inte ett trafikljus" in text
    assert "Inga värden hämtade" not in text
    ind = fragor.kolada_indikatorer(url=databas)
    assert ind[ind.kod == "1-I05"].kpi.iloc[0] == ["N03103"]
    # Indikatorkortet på målområdessidan får Kolada-raden
    from sidor import malomrade
    mt = _text(malomrade.layout(nr="1"))
    assert "Kolada N03103 2020: Norrtälje" in mt


def test_jamforelsegruppens_medel_och_grupp_id():
    import pandas as pd

    from komponenter import jamforelse as jf
    rader = [("0188", 10.0), ("0000", 20.0), ("0114", 30.0), ("0123", 50.0), ("G9", 7.0)]
    df = pd.DataFrame([{"kpi": "N03103", "kommun": k, "ar": 2020, "kon": "T", "varde": v, "status": None,
                        "antal": 1, "hamtad": pd.Timestamp("2026-12-01"), "kalla_url": "u"} for k, v in rader])
    lista = jf.serie(df, "N03103", "t", {"kommun": "0188", "riket": "0000",
                                         "jamforelsegrupp": {"namn": "g", "kommuner": ["0114", "0123"]}}, "hogre")
    assert lista.kommun == {2020: 10.0} and lista.riket == {2020: 20.0} and lista.grupp == {2020: 40.0}
    grupp = jf.serie(df, "N03103", "t", {"kommun": "0188", "riket": "0000",
                                         "jamforelsegrupp": {"namn": "g", "id": "G9"}}, "hogre")
    assert grupp.grupp == {2020: 7.0}
    utan = jf.serie(df, "N03103", "t", {"kommun": "0188", "riket": "0000"}, None)
    assert utan.grupp == {} and utan.rank == {}        # ingen riktning: ingen rankning
