"""Rapportrundan (issue 22) med en riktig SMTP-server i testprocessen (aiosmtpd): en runda öppnas
med en sista dag, två enheter rapporterar, en markerar klar, granskaren återsänder med en
kommentar, enheten rättar och delen godkänns; `paminnelser.skicka` körd på valda dagar skickar
exakt de väntade breven till de väntade adresserna (lästa ur de mottagna breven), en andra körning
skickar inget nytt, omdirigeringen fungerar, och perioden låses till sist och rundan är stängd.
Planen är Testköpings (en annan form än den levererade), på SQLite och PostgreSQL."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import threading

import pytest
from sqlalchemy import select

from data import paminnelser as paminnelser_kommando, runda as runda_kommando
from data.konton import anvandare
from data.konton.anvandare import Anvandare
from data.lagring import db, installningar, start
from data.lagring.installningar import Installningar
from data.lagring.models import Konto
from data.planen import forbered
from data.uppfoljning import fragor
from data.rapportering import behorighet, paminnelser, runda
from data.rapportering.behorighet import Behorighetsfel
from tests.conftest import ROT, ledig_port, pg_databas

TK = ROT / "tests" / "data" / "plan_testkoping"
PLAN, PERIOD = "TK-2023", "Tertial 1 2023"
LOSEN = "Korrekt-Häst-Batteri-47"


class Brevlada:
    """aiosmtpd-hanterare: sparar varje mottaget brev (tolkat) och kuvertets mottagare."""

    def __init__(self):
        self.brev: list[tuple[list[str], email.message.EmailMessage]] = []
        self._las = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        m = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self._las:
            self.brev.append((list(envelope.rcpt_tos), m))
        return "250 OK"

    def tom(self) -> list[tuple[list[str], email.message.EmailMessage]]:
        with self._las:
            ut, self.brev = self.brev, []
        return ut


@pytest.fixture(scope="module")
def smtp():
    from aiosmtpd.controller import Controller
    lada = Brevlada()
    c = Controller(lada, hostname="127.0.0.1", port=ledig_port())
    c.start()
    yield lada, c.port
    c.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def tk_databas(request, tmp_path, smtp):
    if request.param == "sqlite":
        url, stada = f"sqlite:///{tmp_path / 'runda.sqlite'}", None
    else:
        url, stada = pg_databas()
    inst = Installningar(exempel=False).med(
        databas_url=url, smtp_url=f"smtp://127.0.0.1:{smtp[1]}", smtp_starttls=False,
        avsandare="Målkoll <malkoll@testkoping.se>", bas_url="https://malkoll.testkoping.se",
        paminnelse_dagar=3, paminnelse_rytm="veckovis", plankatalog=str(TK))
    start.starta(inst)
    forbered.sakerstall_databas(inst)          # bara Testköpings plan
    assert set(fragor.planer().kod) == {PLAN}
    smtp[0].tom()
    yield url
    forbered.glom()
    start.glom()
    if stada:
        stada()


def konto(namn: str) -> Anvandare:
    with db.session() as s:
        k = s.scalars(select(Konto).where(Konto.namn == namn)).one()
        return anvandare.fran_konto(k)


def rapportera(anv: Anvandare, koder: list[str] | None = None, kommentar: str = "Enligt plan.") -> int:
    """Rapportören fyller i formuläret (samma väg som webbläsaren) för sina åtgärder och indikatorer."""
    atg, ind = behorighet.formular(anv, PERIOD, fragor.los_plan(PLAN))
    a = {k: {"status": "Pågår enligt plan", "kommentar": kommentar} for k in atg.kod if koder is None or k in koder}
    i = {k: {"kib": True, "kommentar": "Mäts vid årets slut."} for k in ind.kod if koder is None or k in koder}
    fg = behorighet.granska_formular(anv, PERIOD, {"atgarder": a, "indikatorer": i}, fragor.los_plan(PLAN))
    return behorighet.spara(fg, anv)


def skickat(lada: Brevlada, dag: str) -> dict[str, list[email.message.EmailMessage]]:
    """Kör `skicka` som om det vore `dag`; breven per kuvertmottagare, som servern tog emot dem."""
    paminnelser.skicka(dt.date.fromisoformat(dag))
    ut: dict[str, list] = {}
    for till, m in lada.tom():
        for t in till:
            ut.setdefault(t, []).append(m)
    return ut


def tillstand(enhet: str) -> str:
    return runda.delar(runda.hamta(fragor.los_plan(PLAN), PERIOD)).set_index("enhet").loc[enhet].tillstand


def test_rundan_fran_oppning_till_last_period_med_epost(tk_databas, smtp):
    lada = smtp[0]
    # Konton utan lösenord (som SSO-konton): inloggningen prövas inte här, och Argon2 tar tid.
    # KSK/EKO finns också i Norrtäljes plan: rättigheterna gäller i Testköping (issue 20)
    anvandare.lagg_till("ada", "administrator", [], None, "Ada Admin", epost="ada@testkoping.se")
    anvandare.lagg_till("erik", "rapportor", ["KSK/EKO"], None, "Erik Ekonom", epost="erik@testkoping.se", plan=PLAN)
    anvandare.lagg_till("dan", "rapportor", ["KSK/DIGI"], None, "Dan Digital", epost="dan@testkoping.se")
    anvandare.lagg_till("greta", "granskare", ["KSK/EKO"], None, "Greta Granskare", epost="greta@testkoping.se",
                        organisation="Testköpings kommun")
    anvandare.lagg_till("lisa", "rapportor", ["KSK/EKO"], None, "Lisa Utan Adress", plan=PLAN)   # ingen adress: inget brev
    ada, erik, dan, greta = konto("ada"), konto("erik"), konto("dan"), konto("greta")

    with pytest.raises(Behorighetsfel):
        runda.oppna(erik, fragor.los_plan(PLAN), PERIOD, dt.date(2023, 5, 15))
    r = runda.oppna(ada, fragor.los_plan(PLAN), PERIOD, dt.date(2023, 5, 15), dt.date(2023, 5, 10))
    assert (r.sista_dag, r.sista_dag_enheter, r.stangd) == (dt.date(2023, 5, 15), dt.date(2023, 5, 10), False)
    assert runda.oppen_period(fragor.los_plan(PLAN)) == PERIOD
    df = runda.delar(r, dt.date(2023, 5, 1)).set_index("enhet")
    assert list(df.index) == ["KSK/EKO", "KSK/DIGI"] or set(df.index) == {"KSK/EKO", "KSK/DIGI"}
    assert df.loc["KSK/DIGI"].forvantade == 5 and set(df.tillstand) == {runda.EJ_PABORJAD}
    assert runda.sammanfattning(runda.delar(r)) == "0 av 2 enheter klara (0 godkända)"

    # Fyra dagar före enheternas sista dag: ännu inget (N = 3). Tre dagar före: en påminnelse var.
    assert skickat(lada, "2023-05-06") == {}
    brev = skickat(lada, "2023-05-07")
    assert sorted(brev) == ["dan@testkoping.se", "erik@testkoping.se"]
    m = brev["dan@testkoping.se"][0]
    assert len(brev["dan@testkoping.se"]) == 1 and m["From"] == "Målkoll <malkoll@testkoping.se>"
    assert m["Subject"] == "Påminnelse: rapporten för Tertial 1 2023 ska vara klar 2023-05-10"
    text = m.get_content()
    assert "Hej Dan Digital!" in text and "senast 10 maj 2023 – om 3 dagar" in text
    assert "KSK/DIGI (Digitaliseringsenheten): 0 av 5 rapporterade. Saknas: 1-A02, 2-A02, 4-A02, 7-A02, 9-A02." in text
    assert "https://malkoll.testkoping.se/rapportera?plan=TK-2023&period=Tertial%201%202023" in text
    assert skickat(lada, "2023-05-07") == {} and skickat(lada, "2023-05-08") == {}   # aldrig samma två gånger

    # Två enheter rapporterar; Erik är klar. Rättigheterna: bara egna enheter, ingen rapportör godkänner.
    assert rapportera(erik) > 0
    assert rapportera(dan, ["1-A02"]) == 1
    assert tillstand("KSK/DIGI") == runda.PABORJAD
    with pytest.raises(Behorighetsfel):
        runda.markera_klar(erik, fragor.los_plan(PLAN), PERIOD, "KSK/DIGI")
    with pytest.raises(runda.Rundafel, match="4 av 5 saknar rapport"):
        runda.markera_klar(dan, fragor.los_plan(PLAN), PERIOD, "KSK/DIGI")
    runda.markera_klar(erik, fragor.los_plan(PLAN), PERIOD, "KSK/EKO")
    for vem in (erik, dan):
        with pytest.raises(Behorighetsfel):
            runda.godkann(vem, fragor.los_plan(PLAN), PERIOD, "KSK/EKO")
    with pytest.raises(Behorighetsfel):
        runda.markera_klar(greta, fragor.los_plan(PLAN), PERIOD, "KSK/EKO")
    brev = skickat(lada, "2023-05-08")
    assert sorted(brev) == ["greta@testkoping.se"]
    assert brev["greta@testkoping.se"][0]["Subject"] == "Att granska: KSK/EKO är klar för Tertial 1 2023"
    assert "Erik Ekonom (erik) har markerat KSK/EKO klar" in brev["greta@testkoping.se"][0].get_content()

    # Granskaren återsänder med en kommentar; bara enhetens rapportörer (med adress) får beskedet.
    with pytest.raises(runda.Rundafel, match="kommentar"):
        runda.atersand(greta, fragor.los_plan(PLAN), PERIOD, "KSK/EKO", "  ")
    runda.atersand(greta, fragor.los_plan(PLAN), PERIOD, "KSK/EKO", "Kommentaren till 1-A01 behöver en tidplan.")
    assert tillstand("KSK/EKO") == runda.ATERSAND
    brev = skickat(lada, "2023-05-09")
    assert sorted(brev) == ["erik@testkoping.se"]
    m = brev["erik@testkoping.se"][0]
    assert m["Subject"] == "Återsänd: KSK/EKO för Tertial 1 2023"
    assert "Kommentaren till 1-A01 behöver en tidplan." in m.get_content()

    # Enheten rättar och markerar klar igen; granskaren godkänner. På sista dagen: bara Dan påminns.
    rapportera(erik, ["1-A01"], "Klart i september 2023.")
    runda.markera_klar(erik, fragor.los_plan(PLAN), PERIOD, "KSK/EKO")
    runda.godkann(greta, fragor.los_plan(PLAN), PERIOD, "KSK/EKO")
    assert tillstand("KSK/EKO") == runda.GODKAND
    with pytest.raises(Behorighetsfel):
        runda.godkann(greta, fragor.los_plan(PLAN), PERIOD, "KSK/DIGI")            # granskare bara för sina enheter
    brev = skickat(lada, "2023-05-10")
    assert sorted(brev) == ["dan@testkoping.se"]
    assert "senast i dag, 10 maj 2023" in brev["dan@testkoping.se"][0].get_content()
    assert runda.sammanfattning(runda.delar(runda.hamta(fragor.los_plan(PLAN), PERIOD))) == "1 av 2 enheter klara (1 godkända)"
    sen = runda.delar(runda.hamta(fragor.los_plan(PLAN), PERIOD), dt.date(2023, 5, 11)).set_index("enhet").sen
    assert sen.to_dict() == {"KSK/EKO": False, "KSK/DIGI": True}

    # Veckovis efter sista dagen: inget dag 1–6, en påminnelse dag 7 – omdirigerad till testadressen.
    assert skickat(lada, "2023-05-16") == {}
    start.starta(installningar.aktuella().med(epost_omdirigera="test@testkoping.se"), schema=False)
    brev = skickat(lada, "2023-05-17")
    assert sorted(brev) == ["test@testkoping.se"]
    m = brev["test@testkoping.se"][0]
    assert m["X-Malkoll-Mottagare"] == "dan@testkoping.se" and m["Subject"].endswith("är försenad")
    assert "brevet var till Dan Digital <dan@testkoping.se>" in m.get_content()
    start.starta(installningar.aktuella().med(epost_omdirigera=""), schema=False)

    # Dan blir klar; utan granskare för KSK/DIGI får administratören beskedet och godkänner.
    with pytest.raises(runda.Rundafel, match="inte godkända"):
        runda.stang(ada, fragor.los_plan(PLAN), PERIOD)
    rapportera(dan)
    runda.markera_klar(dan, fragor.los_plan(PLAN), PERIOD, "KSK/DIGI")
    brev = skickat(lada, "2023-05-18")
    assert sorted(brev) == ["ada@testkoping.se"]
    runda.godkann(ada, fragor.los_plan(PLAN), PERIOD, "KSK/DIGI")
    with pytest.raises(Behorighetsfel):
        runda.stang(greta, fragor.los_plan(PLAN), PERIOD)
    runda.stang(ada, fragor.los_plan(PLAN), PERIOD)
    r = runda.hamta(fragor.los_plan(PLAN), PERIOD)
    assert r.stangd and runda.oppen_period(fragor.los_plan(PLAN)) is None
    assert skickat(lada, "2023-05-24") == {}                       # en stängd runda påminner inte
    with pytest.raises(runda.Rundafel, match="stängd"):
        runda.atersand(ada, fragor.los_plan(PLAN), PERIOD, "KSK/DIGI", "För sent")

    # Loggen över skickade brev och ändringsloggen
    logg = paminnelser.logg(fragor.los_plan(PLAN))
    assert len(logg) == 7 and set(logg.slag) == {"påminnelse", "klar", "återsänd"}
    assert logg[logg.till == "test@testkoping.se"].avsedd.tolist() == ["dan@testkoping.se"]
    andr = behorighet.andringslogg(plan=fragor.los_plan(PLAN))
    rr = andr[andr.typ == "Rapportrunda"]
    assert list(rr.andring[rr.kod == "KSK/EKO"])[::-1] == [
        "Klar", "Återsänd – Kommentaren till 1-A01 behöver en tidplan.", "Klar", "Godkänd"]
    assert "Perioden låst – Rapportrundan klar: alla enheter godkända" in set(andr.andring)


@pytest.mark.parametrize("tk_databas", ["sqlite"], indirect=True)
def test_kontots_epost_fran_kommandoraden(tk_databas, capsys, monkeypatch):
    monkeypatch.setenv("MALKOLL_NYTT_LOSENORD", LOSEN)
    monkeypatch.setenv("DATABASE_URL", tk_databas)
    assert anvandare.main(["lagg-till", "gun", "--roll", "granskare", "--enhet", "KSK/EKO", "--plan", PLAN,
                           "--epost", "gun@testkoping.se"]) == 0
    assert anvandare.main(["lagg-till", "fel", "--roll", "lasare", "--epost", "inte en adress"]) == 1
    assert "ingen e-postadress" in capsys.readouterr().err
    assert anvandare.main(["andra", "gun", "--epost", "gun.g@testkoping.se"]) == 0
    assert {k["namn"]: k["epost"] for k in anvandare.lista()} == {"gun": "gun.g@testkoping.se"}
    assert anvandare.main(["lagg-till", "rut", "--roll", "granskare"]) == 1   # en granskare behöver enheter


@pytest.mark.parametrize("tk_databas", ["sqlite"], indirect=True)
def test_kommandona_runda_och_paminnelser(tk_databas, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", tk_databas)
    monkeypatch.setenv("MALKOLL_PLANKATALOG", str(TK))
    assert runda_kommando.main(["oppna", "--plan", PLAN, "--period", "Tertial 9 2023", "--sista-dag", "2023-05-15"]) == 2
    assert "Fel: Perioden 'Tertial 9 2023' finns inte i TK-2023. Perioderna heter: Tertial 1 2023" in capsys.readouterr().err
    with pytest.raises(SystemExit) as slut:
        runda_kommando.main(["oppna", "--plan", PLAN, "--period", PERIOD, "--sista-dag", "15/5"])
    assert slut.value.code == 2 and "är inget datum; skriv ÅÅÅÅ-MM-DD" in capsys.readouterr().err
    assert runda_kommando.main(["oppna", "--plan", PLAN, "--period", PERIOD, "--sista-dag", "2023-05-15",
                       "--sista-dag-enheter", "2023-05-10"]) == 0
    assert "Rapportrundan för Tertial 1 2023 (TK-2023) är öppen: sista dag 2023-05-15, för enheterna 2023-05-10." \
        in capsys.readouterr().out
    assert runda_kommando.main(["status", "--plan", PLAN]) == 0
    ut = capsys.readouterr().out
    assert "0 av 2 enheter klara (0 godkända)" in ut and "KSK/DIGI" in ut and "0 av 5 rapporterade" in ut
    anvandare.lagg_till("dan", "rapportor", ["KSK/DIGI"], None, "Dan Digital", epost="dan@testkoping.se")
    monkeypatch.setenv("MALKOLL_SMTP_URL", "")
    assert paminnelser_kommando.main(["skicka", "--datum", "2023-05-07", "--visa"]) == 0
    ut = capsys.readouterr().out
    assert "Till Dan Digital <dan@testkoping.se>: Påminnelse" in ut and "1 brev skulle skickas." in ut
    assert paminnelser_kommando.main(["skicka", "--datum", "2023-05-07"]) == 1
    assert "MALKOLL_SMTP_URL är inte satt" in capsys.readouterr().err
    assert paminnelser.logg(fragor.los_plan(PLAN)).empty                            # inget skickat, inget sparat


def test_paminnelsernas_rytm():
    """Före (N dagar), på dagen och sedan dagligen eller var sjunde dag; en missad körning tas igen."""
    sista = dt.date(2023, 5, 10)

    def slag(dag: int, rytm: str) -> str | None:
        return paminnelser.paminnelseslag(sista + dt.timedelta(days=dag), sista, 3, rytm)
    assert [slag(d, "daglig") for d in (-4, -3, -1, 0, 1, 2, 9)] == [None, "fore", "fore", "dag", "efter1", "efter2",
                                                                     "efter9"]
    assert [slag(d, "veckovis") for d in (1, 6, 7, 13, 14, 16)] == [None, None, "efter1", "efter1", "efter2", "efter2"]
