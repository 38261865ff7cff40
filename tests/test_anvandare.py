"""Konton (data/anvandare.py), kommandot `python -m data.anvandare`, behörigheten per enhet och
formulärets validering (data/rapportering.py) och ändringsloggen – på SQLite och PostgreSQL."""
from __future__ import annotations

import pytest
from data.lagring.start import anvand_databas
from sqlalchemy import select

from data.konton import anvandare, styrka
from data.lagring import db
from data.planen import forbered
from data.uppfoljning import fragor
from data.rapportering import rapport, behorighet as rapportering
from data.lagring.models import Konto

LOSEN = "Korrekt-Häst-Batteri-47"
PERIOD = "Delår 2 2020"
NORRTALJE = "Norrtälje kommun"


def rapportor(konto_id: int, namn: str, visningsnamn: str, *enheter: str, organisation: str = NORRTALJE,
              plan: str | None = None) -> anvandare.Anvandare:
    ratter = tuple(anvandare.Ratt(organisation, plan, e) for e in enheter)
    return anvandare.Anvandare(konto_id, namn, visningsnamn, "rapportor", enheter, ratter=ratter)


@pytest.fixture
def databas(tom_databas, monkeypatch):
    monkeypatch.setenv("MALKOLL_EXEMPEL", "av")
    monkeypatch.setenv("DATABASE_URL", tom_databas)
    monkeypatch.setenv("MALKOLL_HEMLIGHET", "Tq3v9kX2-mB7wL0pZ4sR8yN1cF6hJ5dG_e2uA9oV")
    anvand_databas(tom_databas)
    forbered.sakerstall_databas()
    return tom_databas


def test_kommandot_skapar_listar_andrar_och_inaktiverar(databas, monkeypatch, capsys):
    monkeypatch.setenv("MALKOLL_NYTT_LOSENORD", LOSEN)
    assert anvandare.main(["lagg-till", "sara", "--roll", "rapportor", "--enhet", "KSK/SHB", "--enhet", "KSK/EKO"]) == 0
    assert anvandare.main(["lagg-till", "ada", "--roll", "administrator"]) == 0
    anvand_databas(databas)
    with db.session() as s:
        hashen = s.scalar(select(Konto.losenordshash).where(Konto.namn == "sara"))
    assert hashen.startswith("$argon2id$") and LOSEN not in hashen
    capsys.readouterr()
    assert anvandare.main(["lista"]) == 0
    ut = capsys.readouterr().out
    assert "sara" in ut and "rapportör" in ut and "KSK/EKO (Norrtälje kommun), KSK/SHB (Norrtälje kommun)" in ut and "administratör" in ut
    assert anvandare.main(["andra", "sara", "--roll", "lasare"]) == 0
    assert anvandare.main(["inaktivera", "sara"]) == 0
    konton = {k["namn"]: k for k in anvandare.lista()}
    assert konton["sara"]["roll"] == "lasare" and konton["sara"]["aktiv"] is False
    anvand_databas(databas)
    assert anvandare.logga_in("sara", LOSEN, "10.0.0.1").anvandare is None
    assert anvandare.main(["andra", "sara", "--aktivera"]) == 0
    assert anvandare.logga_in("sara", LOSEN, "10.0.0.1").anvandare.roll == "lasare"


VAGRAS = [
    (["lagg-till", "x", "--roll", "rapportor", "--enhet", "KSK/FINNS-INTE"], LOSEN, "Okänd enhet"),
    (["lagg-till", "x", "--roll", "rapportor"], LOSEN, "minst en enhet"),
    (["lagg-till", "x", "--roll", "lasare"], "a", "för kort"),
    (["lagg-till", "x", "--roll", "lasare"], "0123456789abcdef", "förutsägbar"),
    (["lagg-till", "x", "--roll", "lasare"], "Sommar2024!!", "vanligt ord"),
    (["andra", "finns-inte", "--roll", "lasare"], LOSEN, "finns inte"),
]


def test_kommandot_vagrar(databas, monkeypatch, capsys):
    for argv, losen, fel in VAGRAS:
        monkeypatch.setenv("MALKOLL_NYTT_LOSENORD", losen)
        assert anvandare.main(argv) == 1, argv
        assert fel in capsys.readouterr().err, argv
        assert anvandare.lista() == []


def test_losenordspolicyn():
    assert styrka.losenordsfel("a")
    assert "användarnamnet" in styrka.losenordsfel("eva-har-ett-langt-losen", "eva")
    assert styrka.losenordsfel("aaaaaaaaaaaaaaaa")
    assert styrka.losenordsfel(LOSEN) is None
    assert styrka.uppskattad_entropi("0123456789abcdef" * 2) < styrka.MIN_BITAR_HEMLIGHET


def test_behorigheten_omfattar_underenheter_och_bara_ansvar(databas):
    sara = rapportor(1, "sara", "Sara", "KSK/SHB")
    anvand_databas(databas)
    beh = rapportering.behorighet(sara, plan=fragor.los_plan())
    mex = set(fragor.atgarder(enhet=["KSK/SHB/MEX"], roll="ansvarig", plan=fragor.los_plan()).kod)
    samverkan = set(fragor.atgarder(enhet=["KSK/SHB"], plan=fragor.los_plan()).kod) - set(
        fragor.atgarder(enhet=["KSK/SHB"], roll="ansvarig", plan=fragor.los_plan()).kod)
    assert mex and mex <= beh.atgarder                      # underenheten MEX ingår
    assert samverkan and not (samverkan & beh.atgarder)     # bara "i samverkan": inte hennes att rapportera
    assert not beh.far("Inriktningsmål", "M1-1.1") and not beh.far("Budget", "DV-x")
    lars = anvandare.Anvandare(2, "lars", "Lars", "lasare", ())
    assert not rapportering.far_skriva(lars) and rapportering.behorighet(lars, plan=fragor.los_plan()).atgarder == frozenset()


def test_formularet_valideras_som_importen_och_loggas(databas):
    sara = rapportor(1, "sara", "Sara Samhälle", "KSK/SHB")
    anvand_databas(databas)
    egna = rapportering.formular(sara, PERIOD, plan=fragor.los_plan())
    kod, ind = egna[0].kod.iloc[0], egna[1].kod.iloc[0]
    with pytest.raises(rapport.Importfel) as e:              # samma regler som Excel-importen
        rapportering.granska_formular(sara, PERIOD, {"atgarder": {kod: {"kommentar": "utan status"}},
                                                     "indikatorer": {ind: {"kib": True}}}, plan=fragor.los_plan())
    assert any(f.startswith(f"Åtgärden {kod}, Status: status saknas") for f in e.value.fel), e.value.fel
    assert any(f.startswith(f"Indikatorn {ind}, Kommentar: skälet saknas") for f in e.value.fel), e.value.fel
    fg = rapportering.granska_formular(sara, PERIOD, {"atgarder": {kod: {"status": "Genomförd", "kommentar": "Klart."}},
                                                      "indikatorer": {ind: {"utfall": 12.5, "kommentar": "Mätt."}}}, plan=fragor.los_plan())
    assert len(fg.nya) == 4 and rapportering.spara(fg, sara) == 2
    ada = anvandare.Anvandare(3, "ada", "Ada Admin", "administrator", ())
    rapportering.las_period(PERIOD, ada, True, plan=fragor.los_plan())
    with pytest.raises(rapport.Importfel, match="låst"):
        rapportering.granska_formular(sara, PERIOD, {"atgarder": {kod: {"status": "Struken"}}}, plan=fragor.los_plan())
    with pytest.raises(rapportering.Behorighetsfel):
        rapportering.las_period(PERIOD, sara, False, "vill", plan=fragor.los_plan())
    rapportering.las_period(PERIOD, ada, False, "Rättelse", plan=fragor.los_plan())
    logg = rapportering.andringslogg(plan=fragor.los_plan())
    assert {"Åtgärd", "Indikator", "Period"} <= set(logg.typ)
    rad = logg[logg.kod == kod].iloc[0]
    assert (rad.av, rad.kalla, rad.period) == ("Sara Samhälle (sara)", "Formulär i webbläsaren", PERIOD)
    assert "Status: Genomförd – Klart." == rad.andring
    perioder = logg[logg.typ == "Period"]
    assert list(perioder.andring) == ["Perioden upplåst – Rättelse", "Perioden låst"]
    assert set(perioder.av) == {"Ada Admin (ada)"}
    assert set(rapportering.andringslogg(ind, plan=fragor.los_plan()).kod) == {ind}


# --- Issue 21 fynd 6 och issue 20: rättigheter per organisation, idempotenta ändringar ---

def _tva_kommuner(url: str) -> None:
    from data.planen import ladda
    from tests.conftest import ROT
    anvand_databas(url)
    assert ladda.ladda_plan(ROT / "tests" / "data" / "plan_testkoping") == "inläst"


def _ratter(url: str, namn: str) -> set[tuple]:
    from data.lagring.models import KontoRatt
    anvand_databas(url)
    with db.session() as s:
        return {(r.organisation, r.plan_kod, r.enhet_kod) for r in s.scalars(
            select(KontoRatt).join(Konto, Konto.id == KontoRatt.konto_id).where(Konto.namn == namn))}


def test_migreringen_behaller_befintliga_konton(tmp_path):
    """En databas från före rättigheterna per organisation: varje enhet blir en rättighet i de planer
    som har enheten (KSK/EKO i båda kommunernas planer), kontot loggar in och rapporterar som förut."""
    from alembic import command
    from sqlalchemy import text

    from data.lagring import start
    url = f"sqlite:///{tmp_path / 'gammal.sqlite'}"
    anvand_databas(url)
    forbered.sakerstall_databas()
    _tva_kommuner(url)
    with db.motor().connect() as c:
        cfg = start.alembic_config()
        cfg.attributes["connection"] = c
        with c.begin():
            command.downgrade(cfg, "0010_forsoksvantan")
            c.execute(text("INSERT INTO konto (id, namn, visningsnamn, losenordshash, roll, aktiv) "
                           "VALUES (1, 'erik', 'Erik Ekonom', :h, 'rapportor', 1)"), {"h": anvandare.hasha(LOSEN)})
            for e in ("KSK/EKO", "KSK/SHB", "KSK/FINNS-INTE"):
                c.execute(text("INSERT INTO konto_enhet (konto_id, enhet_kod) VALUES (1, :e)"), {"e": e})
        with c.begin():
            command.upgrade(cfg, "head")
    assert _ratter(url, "erik") == {(NORRTALJE, "KS-2020", "KSK/EKO"), ("Testköpings kommun", "TK-2023", "KSK/EKO"),
                                    (NORRTALJE, "KS-2020", "KSK/SHB"), ("", "", "KSK/FINNS-INTE")}
    anvand_databas(url)
    erik = anvandare.logga_in("erik", LOSEN, "10.0.0.4").anvandare
    assert erik is not None and rapportering.far_skriva(erik)
    assert rapportering.enheter_i(erik, rapportering.planen(fragor.los_plan("KS-2020"))) == ("KSK/EKO", "KSK/SHB")
