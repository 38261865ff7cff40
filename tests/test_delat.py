"""Delat tillstånd (data/delat.py): samma API i Redis och lokalt, odelbara räknare och fönster
mellan processer, privata kataloger, JSON i stället för pickle (data/kodning.py) och en cache
som läser från databasen när lagret inte svarar."""
from __future__ import annotations

import multiprocessing
from data.lagring.start import anvand_databas
import os
import pickle
import time

import pandas as pd
import pytest

from data.lagring import cache, delat, kodning
from data.uppfoljning import fragor


@pytest.fixture(params=["lokal", "redis"])
def lager(request, tmp_path, monkeypatch):
    monkeypatch.setenv("MALKOLL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MALKOLL_CACHE_DIR", raising=False)
    if request.param == "redis":
        request.getfixturevalue("redis_prefix")
    else:
        monkeypatch.delenv("REDIS_URL", raising=False)
        delat.glom()
    lg = delat.lager()
    assert lg.namn == request.param
    yield lg
    delat.glom()


def test_nyckel_varde_med_livslangd(lager):
    assert lager.hamta("a") is None
    lager.spara("a", b"1")
    lager.spara("b", b"2", ttl=0.05)
    assert lager.hamta("a") == b"1" and lager.hamta("b") == b"2"
    slut = time.time() + 5
    while lager.hamta("b") is not None and time.time() < slut:
        time.sleep(0.02)
    assert lager.hamta("b") is None
    lager.ta_bort("a")
    assert lager.hamta("a") is None
    delat.spara_json("s", {"vem": "Eva", "till": 1.5})
    assert delat.hamta_json("s") == {"vem": "Eva", "till": 1.5}
    assert lager.svarar()


def test_rakna_och_fonster(lager):
    assert [lager.rakna("r", 60) for _ in range(3)] == [1, 2, 3]
    medlemmar = []
    for _ in range(3):
        ok, kvar, m = lager.reservera("f", 3, 600)
        assert ok and kvar == 0
        medlemmar.append(m)
    ok, kvar, m = lager.reservera("f", 3, 600)
    assert not ok and m is None and 590 < kvar <= 600
    assert lager.antal("f", 600) == 3
    lager.slapp("f", medlemmar[0])
    assert lager.antal("f", 600) == 2 and lager.vantetid("f", 3, 600) == 0
    lager.nollstall("f")
    assert lager.antal("f", 600) == 0


def _reservera_manga(n: int, ut) -> None:
    from data.lagring import delat as d
    d.glom()
    ut.put(sum(d.lager().reservera("delad", 50, 600)[0] for _ in range(n)))


def test_fonstret_ar_odelbart_mellan_processer(lager):
    """Fyra processer tar platser samtidigt: exakt 50 får en, ingen plats ges två gånger."""
    ctx = multiprocessing.get_context("fork")
    ut = ctx.Queue()
    procs = [ctx.Process(target=_reservera_manga, args=(20, ut)) for _ in range(4)]
    for p in procs:
        p.start()
    summa = sum(ut.get(timeout=60) for _ in procs)
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert summa == 50
    assert lager.antal("delad", 600) == 50


def test_begransa_stanger_eller_oppnar_nar_redis_inte_svarar(monkeypatch, caplog):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")   # ingen lyssnar på port 1
    delat.glom()
    stangd = delat.begransa("x", 5, 60, vid_fel=delat.STANG)
    assert not stangd.tillaten and stangd.lagret_nere
    oppen = delat.begransa("x", 5, 60, vid_fel=delat.OPPNA)
    assert oppen.tillaten and oppen.lagret_nere
    assert delat.hamta_sakert("x") is None and not delat.spara_sakert("x", b"1")
    assert delat.status() == {"typ": "redis", "svarar": False, "konfigurerad": True}
    delat.glom()


def test_privat_katalog_vagrar_annans_eller_skrivbar(tmp_path):
    k = delat.privat_katalog(tmp_path / "egen")
    assert (k.stat().st_mode & 0o777) == 0o700
    ny = delat.privat_katalog(tmp_path / "nya" / "ovan" / "malkoll")
    assert all((p.stat().st_mode & 0o777) == 0o700 for p in (ny, ny.parent, ny.parent.parent))
    oppen = tmp_path / "oppen"
    oppen.mkdir()
    os.chmod(oppen, 0o777)
    with pytest.raises(delat.OsakerKatalog, match="skrivbar"):
        delat.privat_katalog(oppen)
    lank = tmp_path / "lank"
    lank.symlink_to(k)
    with pytest.raises(delat.OsakerKatalog):
        delat.privat_katalog(lank)
    if os.geteuid() == 0:
        annans = tmp_path / "annans"
        annans.mkdir(mode=0o700)
        os.chown(annans, 65534, 65534)
        with pytest.raises(delat.OsakerKatalog, match="annan användare"):
            delat.privat_katalog(annans)


def test_privat_katalog_provar_lankar_ovanfor_sista_ledet(tmp_path):
    """Fynd 8: en symbolisk länk högre upp i vägen prövas också – den som kan byta ut länken eller
    katalogen den pekar genom styr var lagret hamnar."""
    egen = delat.privat_katalog(tmp_path / "egen")
    ok = tmp_path / "oklank"
    ok.symlink_to(egen)
    assert delat.privat_katalog(ok / "malkoll").resolve() == (egen / "malkoll").resolve()
    oppen = tmp_path / "oppen"
    (oppen / "inne").mkdir(parents=True)
    os.chmod(oppen, 0o777)   # vem som helst kan byta ut "inne"
    genom = tmp_path / "genom"
    genom.symlink_to(oppen / "inne")
    with pytest.raises(delat.OsakerKatalog, match="skrivbar för andra"):
        delat.privat_katalog(genom / "malkoll")
    with pytest.raises(delat.OsakerKatalog, match="skrivbar för andra"):
        delat.privat_katalog(oppen / "inne" / "malkoll")
    if os.geteuid() == 0:
        annans = tmp_path / "annans_lank"
        annans.symlink_to(egen)
        os.lchown(annans, 65534, 65534)
        with pytest.raises(delat.OsakerKatalog, match="annan användare"):
            delat.privat_katalog(annans / "malkoll")


# --- Kodningen ------------------------------------------------------------------------------------

def _samma_efter_kodning(v) -> None:
    ut = kodning.avkoda(kodning.koda(v))
    if isinstance(v, pd.DataFrame):
        pd.testing.assert_frame_equal(ut, v)
    elif isinstance(v, pd.Series):
        pd.testing.assert_series_equal(ut, v)
    else:
        assert ut == v


def test_kodning_ger_tillbaka_samma_varden():
    import datetime as dt
    import numpy as np
    df = pd.DataFrame({"a": [1, 2], "b": [1.5, float("nan")], "c": ["x", None],
                       "d": [dt.date(2020, 6, 30), None], "e": [[1, 2], []], "f": [True, False],
                       "g": pd.to_datetime(["2020-01-01", None])})
    for v in (df, df.set_index("c"), df.iloc[0], {"k": np.int64(3), 2: (1, "a")}, None, [{1, 2}, 1.0]):
        _samma_efter_kodning(v)
    assert kodning.avkoda(kodning.koda([pd.NaT, float("inf")])) == [pd.NaT, float("inf")]
    with pytest.raises(kodning.Kodfel):
        kodning.avkoda(pickle.dumps(df))
    with pytest.raises(kodning.Kodfel):
        kodning.avkoda(b'{"s":{"namn":null,"typ":"category","data":[],"index":{"r":[0,0,1],"namn":null}}}')


def test_alla_cachade_fragor_overlever_kodningen(laddad_sqlite, monkeypatch):
    monkeypatch.setenv("MALKOLL_CACHE", "av")
    u = laddad_sqlite
    anvand_databas(u)
    svar = [fragor.plan_info(plan=fragor.los_plan()), fragor.planer(), fragor.perioder(plan=fragor.los_plan()),
            fragor.vald_period("Delår 2 2020", plan=fragor.los_plan()), fragor.enheter(plan=fragor.los_plan()), fragor.malomraden(plan=fragor.los_plan()),
            fragor.inriktningsmal(1, period="Delår 2 2020", plan=fragor.los_plan()),
            fragor.atgarder(1, period="Delår 2 2020", plan=fragor.los_plan()), fragor.indikatorer(1, period="Delår 2 2020", plan=fragor.los_plan()),
            fragor.indikatorer(arbetsgivare=True, plan=fragor.los_plan()), fragor.utfall(), fragor.fokusomraden(plan=fragor.los_plan()),
            fragor.sarskilda_uppdrag(plan=fragor.los_plan()), fragor.budget(plan=fragor.los_plan()), fragor.budgetutfall(plan=fragor.los_plan())]
    for v in svar:
        _samma_efter_kodning(v)


def test_cachen_i_redis_och_nar_redis_inte_svarar(laddad_sqlite, redis_prefix, monkeypatch, caplog):
    import redis
    monkeypatch.delenv("MALKOLL_CACHE", raising=False)
    anvand_databas(laddad_sqlite)
    forst = fragor.atgarder(1, period="Delår 2 2020", plan=fragor.los_plan())
    r = redis.Redis.from_url(os.environ["REDIS_URL"])
    nycklar = list(r.scan_iter(match=f"malkoll:{redis_prefix}fraga:*"))
    assert nycklar and all(not r.get(k).startswith(b"\x80") for k in nycklar)   # JSON, inte pickle
    pd.testing.assert_frame_equal(fragor.atgarder(1, period="Delår 2 2020", plan=fragor.los_plan()), forst)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    delat.glom()
    delat._senaste_varning[0] = 0.0
    with caplog.at_level("WARNING"):
        igen = fragor.atgarder(1, period="Delår 2 2020", plan=fragor.los_plan())
    pd.testing.assert_frame_equal(igen, forst)
    assert "läser från databasen" in caplog.text


def test_planterat_varde_kor_ingen_kod(laddad_sqlite, tmp_path, monkeypatch):
    """Ett värde som inte är vår JSON räknas om, körs aldrig: varken en planterad pickle som bytes
    eller en rad som diskcache skulle läsa med pickle (läget MODE_PICKLE)."""
    import sqlite3

    import diskcache
    monkeypatch.setenv("MALKOLL_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("MALKOLL_CACHE", raising=False)
    delat.glom()
    anvand_databas(laddad_sqlite)
    fragor.malomraden(plan=fragor.los_plan())
    lg = cache.lager()
    assert lg.namn == "lokal" and lg.katalog.parent == tmp_path / "d"
    spar = tmp_path / "kordes"

    class Ond:
        def __reduce__(self):
            return (open, (str(spar), "w"))
    with sqlite3.connect(lg.katalog / "cache.db") as c:
        nycklar = [r[0] for r in c.execute("SELECT key FROM Cache WHERE key LIKE '%fraga:%'")]
        assert nycklar
        for i, k in enumerate(nycklar):
            c.execute("UPDATE Cache SET value=?, mode=? WHERE key=?",
                      (pickle.dumps(Ond()), diskcache.core.MODE_PICKLE if i % 2 == 0 else diskcache.core.MODE_RAW, k))
    assert not fragor.malomraden(plan=fragor.los_plan()).empty
    assert not spar.exists()
    with pytest.raises(TypeError):
        lg.c.set("x", Ond())   # och inget sparas med pickle
    delat.glom()


def test_lokala_lagret_har_en_storleksgrans(tmp_path, monkeypatch):
    """Fynd 4/7: 400 färdiga sidor på 100 kB (40 MB) i ett lager med gränsen 4 MB: lagret håller sig
    inom gränsen (plus en sida) och de senaste sidorna finns kvar."""
    monkeypatch.setenv("MALKOLL_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("MALKOLL_LAGER_MB", "4")
    monkeypatch.delenv("REDIS_URL", raising=False)
    delat.glom()
    lg = delat.lager()
    sida = b"x" * 100_000
    storst = 0
    for i in range(400):
        lg.spara(f"sida:{i}", sida, ttl=86400)
        storst = max(storst, lg.volym())
    assert storst <= 4 * 1024 * 1024 + 2 * len(sida), storst
    assert lg.hamta("sida:399") == sida and lg.hamta("sida:0") is None
    delat.glom()


def test_en_katalog_per_installation(tmp_path, monkeypatch):
    """Två installationer (två databaser) på samma maskin och MALKOLL_DATA_DIR delar inte lager."""
    from data.lagring import installningar
    bas = installningar.Installningar(data_katalog=str(tmp_path / "d"))
    a = delat.instanskatalog(bas.med(databas_url="sqlite:////srv/a.sqlite"))
    b = delat.instanskatalog(bas.med(databas_url="sqlite:////srv/b.sqlite"))
    assert a != b and a.parent == b.parent == tmp_path / "d"
    assert delat.instanskatalog(bas.med(cache_katalog=str(tmp_path / "c"))) == tmp_path / "c"


def test_ny_kod_far_nya_nycklar(monkeypatch, tmp_path):
    """Cachen överlever omstarter och delas mellan servrar: en ny version av koden (kontrollsumman
    över källkoden) får aldrig sidor eller frågesvar som den gamla sparade."""
    monkeypatch.setattr(cache, "generation", lambda: "g1")
    anvand_databas("sqlite:///x")
    fore = cache.sidnyckel("/malomrade/1", "?period=X", "2026-12-01")
    assert fore == cache.sidnyckel("/malomrade/1", "?period=X", "2026-12-01")
    monkeypatch.setattr(cache, "kodversion", lambda: "en-annan-version")
    assert cache.sidnyckel("/malomrade/1", "?period=X", "2026-12-01") != fore
    monkeypatch.undo()
    assert len(cache.kodversion()) == 16
