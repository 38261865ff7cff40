"""Påminnelser och besked om rapportrundan med e-post (`python -m data.paminnelser skicka`, från
cron eller en systemd-timer; docs/drift.md).

Varje körning skickar högst ett brev per person, med allt som gäller hen i de öppna rundorna:
- rapportörer: vad som saknas för deras enheter – första gången MALKOLL_PAMINNELSE_DAGAR dagar före
  enheternas sista dag, sedan på dagen och därefter dagligen eller veckovis (MALKOLL_PAMINNELSE_RYTM)
  tills delen är klar;
- rapportörer: när enhetens del har återsänts (med granskarens kommentar);
- granskare (utan granskare: administratörerna): när en enhet har markerats klar.
Varje påminnelse och besked har en nyckel som sparas i tabellen utskick i samma transaktion som
brevet skickas: samma påminnelse går aldrig ut två gånger, inte heller från två samtidiga körningar.
Standardbibliotekets smtplib och email räcker (inga beroenden att hålla uppdaterade).
"""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import quote, urlsplit, unquote

import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from data.lagring import db, installningar
from data.lagring.models import Konto, Period, Plan, Rapportrunda, Utskick
from data.rapportering import runda as rundor
from data.uppfoljning import fragor
from data.uppfoljning.format import datum
from data.uppfoljning.plankontext import Plankontext

log = logging.getLogger(__name__)

MAX_KODER = 25      # koder som räknas upp per enhet i ett brev


class Epostfel(RuntimeError):
    """E-post går inte att skicka (inställning saknas eller servern svarar inte)."""


@dataclass
class Brev:
    """Ett brev till en person: stycken i ordning och nycklarna det uppfyller."""
    konto_id: int
    namn: str
    adress: str
    amnen: list[str] = field(default_factory=list)
    stycken: list[str] = field(default_factory=list)
    nycklar: list[tuple[str, int, str]] = field(default_factory=list)   # (nyckel, runda_id, slag)

    @property
    def amne(self) -> str:
        return self.amnen[0] + (" (med mera)" if len(self.amnen) > 1 else "")

    def text(self) -> str:
        return "\n\n".join([f"Hej {self.namn}!", *self.stycken,
                            "Hälsningar\nMålkoll\n\nDet här brevet skickades automatiskt; svara inte på det. "
                            "Frågor om rapporteringen ställer du till den som samordnar uppföljningen."])


# --- Vad ska skickas? ---

def paminnelseslag(idag: dt.date, sista_dag: dt.date, dagar_fore: int, rytm: str) -> str | None:
    """Vilken påminnelse som gäller idag (None: ingen): "fore" från `dagar_fore` dagar före sista dagen,
    "dag" på dagen, och efter den "efter1", "efter2" … varje dag (daglig) eller var sjunde dag (veckovis).
    En missad körning tas igen nästa gång – men samma slag skickas aldrig två gånger."""
    d = (idag - sista_dag).days
    if d < -dagar_fore:
        return None
    if d < 0:
        return "fore"
    if d == 0:
        return "dag"
    k = d // (1 if rytm == "daglig" else 7)
    return f"efter{k}" if k >= 1 else None


def _lank(sokvag: str, **param) -> str:
    bas = installningar.aktuella().bas_url or "http://127.0.0.1:8050"
    fraga = "&".join(f"{k}={quote(str(v))}" for k, v in param.items() if v)
    return f"{bas}{sokvag}" + (f"?{fraga}" if fraga else "")


def _nar(idag: dt.date, sista: dt.date) -> str:
    d = (sista - idag).days
    if d > 1:
        return f"senast {datum(sista, langt=True)} – om {d} dagar"
    if d == 1:
        return f"senast {datum(sista, langt=True)} – i morgon"
    if d == 0:
        return f"senast i dag, {datum(sista, langt=True)}"
    return f"senast {datum(sista, langt=True)} – den dagen har passerat ({-d} {'dag' if d == -1 else 'dagar'} sedan)"


def _enhetsrad(d) -> str:
    if not d.saknas:
        return (f"{d.enhet} ({d.enhet_namn}): allt är rapporterat ({d.rapporterade} av {d.forvantade}) – "
                "markera enhetens del klar.")
    koder = ", ".join(d.saknas[:MAX_KODER]) + (f" och {len(d.saknas) - MAX_KODER} till" if len(d.saknas) > MAX_KODER
                                                else "")
    return (f"{d.enhet} ({d.enhet_namn}): {d.rapporterade} av {d.forvantade} rapporterade"
            + (" – delen är återsänd" if d.tillstand == rundor.ATERSAND else "") + f". Saknas: {koder}.")


def _mottagare(enhet: str, roll: str, plan: Plankontext) -> list[tuple[int, str, str]]:
    return [k for k in rundor.konton_for(enhet, roll, plan) if k[2]]


def _brev(brev: dict[int, Brev], konto: tuple[int, str, str]) -> Brev:
    if konto[0] not in brev:
        brev[konto[0]] = Brev(konto[0], konto[1], konto[2])
    return brev[konto[0]]


def _paminnelser(brev: dict[int, Brev], plan: Plankontext, r: rundor.Runda, df: pd.DataFrame, idag: dt.date,
                 inst: installningar.Installningar) -> None:
    slag = paminnelseslag(idag, r.sista_dag_enheter, inst.paminnelse_dagar, inst.paminnelse_rytm)
    if slag is None:
        return
    per_konto: dict[int, tuple[tuple, list]] = {}
    for d in df[~df.tillstand.isin(rundor.FARDIGA)].itertuples():
        for k in _mottagare(d.enhet, "rapportor", plan):
            per_konto.setdefault(k[0], (k, []))[1].append(d)
    for konto, delar_ in per_konto.values():
        b = _brev(brev, konto)
        sen = idag > r.sista_dag_enheter
        b.amnen.append(f"Påminnelse: rapporten för {r.period} " + ("är försenad" if sen else
                                                                   f"ska vara klar {datum(r.sista_dag_enheter)}"))
        b.stycken.append("\n".join([
            f"Rapporten för {r.period} ({r.plan}) ska vara klar {_nar(idag, r.sista_dag_enheter)}.",
            "", *[_enhetsrad(d) for d in delar_], "",
            f"Rapportera här: {_lank('/rapportera', plan=r.plan, period=r.period)}",
            f"Markera enhetens del klar här när allt är rapporterat: "
            f"{_lank('/rapportrunda', plan=r.plan, period=r.period)}"]))
        b.nycklar.append((f"paminnelse:{r.id}:{konto[0]}:{slag}", r.id, "påminnelse"))


def _besked(brev: dict[int, Brev], plan: Plankontext, r: rundor.Runda) -> None:
    """Klar → enhetens granskare (utan granskare med adress: administratörerna); återsänd → rapportörerna.
    Bara för händelser som fortfarande gäller (den senaste för enheten)."""
    senaste: dict[str, tuple] = {}
    for h in rundor.handelser(r).itertuples():
        if h.enhet is not None and h.enhet not in senaste:
            senaste[h.enhet] = h
    for h in senaste.values():
        if h.handelse == rundor.KLAR:
            till = _mottagare(h.enhet, "granskare", plan) or _mottagare(h.enhet, "administrator", plan)
            for k in till:
                b = _brev(brev, k)
                b.amnen.append(f"Att granska: {h.enhet} är klar för {r.period}")
                b.stycken.append(f"{h.av} har markerat {h.enhet} klar för {r.period} ({r.plan}). Granska och "
                                 f"godkänn eller återsänd med en kommentar: "
                                 f"{_lank('/rapportrunda', plan=r.plan, period=r.period)}")
                b.nycklar.append((f"klar:{h.id}:{k[0]}", r.id, "klar"))
        elif h.handelse == rundor.ATERSAND:
            for k in _mottagare(h.enhet, "rapportor", plan):
                b = _brev(brev, k)
                b.amnen.append(f"Återsänd: {h.enhet} för {r.period}")
                b.stycken.append("\n".join([
                    f"{h.av} har återsänt {h.enhet} för {r.period} ({r.plan}) med kommentaren:",
                    "", f"    {h.kommentar}", "",
                    f"Rätta här: {_lank('/rapportera', plan=r.plan, period=r.period)}",
                    f"Markera sedan delen klar igen: {_lank('/rapportrunda', plan=r.plan, period=r.period)}"]))
                b.nycklar.append((f"atersand:{h.id}:{k[0]}", r.id, "återsänd"))


def _oppna_rundor() -> list[tuple[Plankontext, rundor.Runda]]:
    """Varje öppen runda med sin plan (upplöst här: påminnelserna gäller alla planers rundor)."""
    with db.session() as s:
        planer = {p for p, in s.execute(select(Period.plan_id).join(Rapportrunda, Rapportrunda.period_id == Period.id)
                                        .where(Period.last.is_(False)))}
        koder = [k for k, in s.execute(select(Plan.kod).where(Plan.id.in_(planer)).order_by(Plan.kod))]
    return [(plan, r) for plan in map(fragor.los_plan, koder) for r in rundor.rundor(plan) if not r.stangd]


def planera(idag: dt.date | None = None) -> list[Brev]:
    """Breven som skulle skickas idag (utan de nycklar som redan är skickade)."""
    idag = idag or dt.date.today()
    inst = installningar.aktuella()
    brev: dict[int, Brev] = {}
    for plan, r in _oppna_rundor():
        _besked(brev, plan, r)
        _paminnelser(brev, plan, r, rundor.delar(r, idag), idag, inst)
    with db.session() as s:
        skickade = set(s.scalars(select(Utskick.nyckel).where(
            Utskick.nyckel.in_([n for b in brev.values() for n, _, _ in b.nycklar]))))
    ut = []
    for b in brev.values():
        behall = [i for i, (n, _, _) in enumerate(b.nycklar) if n not in skickade]
        if behall:
            ut.append(Brev(b.konto_id, b.namn, b.adress, [b.amnen[i] for i in behall],
                           [b.stycken[i] for i in behall], [b.nycklar[i] for i in behall]))
    return ut


# --- Skicka ---

def _meddelande(b: Brev, inst: installningar.Installningar) -> EmailMessage:
    m = EmailMessage()
    till = inst.epost_omdirigera or b.adress
    m["From"] = inst.avsandare
    m["To"] = formataddr((b.namn, till)) if not inst.epost_omdirigera else till
    m["Subject"] = b.amne
    m["Message-ID"] = make_msgid(domain=(inst.avsandare.rsplit("@", 1)[-1].strip("> ") or None))
    m["Auto-Submitted"] = "auto-generated"
    text = b.text()
    if inst.epost_omdirigera:
        m["X-Malkoll-Mottagare"] = b.adress
        text = f"(Omdirigerat av MALKOLL_EPOST_OMDIRIGERA: brevet var till {b.namn} <{b.adress}>.)\n\n" + text
    m.set_content(text)
    return m


def anslut(inst: installningar.Installningar) -> smtplib.SMTP:
    """En inloggad SMTP-anslutning enligt MALKOLL_SMTP_URL, _STARTTLS, _ANVANDARE och _LOSENORD."""
    if not inst.smtp_url:
        raise Epostfel("MALKOLL_SMTP_URL är inte satt (t.ex. smtp://smtp.kommun.se:587); inga e-brev skickades.")
    if not inst.avsandare:
        raise Epostfel("MALKOLL_AVSANDARE är inte satt (t.ex. Målkoll <malkoll@kommun.se>); inga e-brev skickades.")
    u = urlsplit(inst.smtp_url)
    if u.scheme not in ("smtp", "smtps") or not u.hostname:
        raise Epostfel(f"MALKOLL_SMTP_URL={inst.smtp_url!r}: skriv smtp://värd:587 eller smtps://värd:465.")
    kontext = ssl.create_default_context()
    try:
        if u.scheme == "smtps":
            c = smtplib.SMTP_SSL(u.hostname, u.port or 465, timeout=60, context=kontext)
        else:
            c = smtplib.SMTP(u.hostname, u.port or 587, timeout=60)
            if inst.smtp_starttls:
                c.starttls(context=kontext)
        anv = inst.smtp_anvandare or unquote(u.username or "")
        if anv:
            c.login(anv, inst.smtp_losenord or unquote(u.password or ""))
    except (OSError, smtplib.SMTPException) as e:
        raise Epostfel(f"E-postservern {u.hostname}:{u.port or ''} svarar inte som väntat: {e}") from None
    return c


def skicka(idag: dt.date | None = None) -> list[Brev]:
    """Skicka dagens brev; returnerar de skickade. Varje brev: nycklarna sparas och brevet skickas i
    en transaktion – misslyckas sändningen sparas ingenting (nästa körning försöker igen); har en
    annan körning hunnit före (unik nyckel) skickas det inte."""
    inst = installningar.aktuella()
    brev = planera(idag)
    if not brev:
        return []
    skickade = []
    with anslut(inst) as c:
        for b in brev:
            try:
                with db.session() as s:
                    for nyckel, runda_id, slag in b.nycklar:
                        s.add(Utskick(nyckel=nyckel, runda_id=runda_id, konto_id=b.konto_id, slag=slag,
                                      till=(inst.epost_omdirigera or b.adress)[:320], avsedd=b.adress[:320],
                                      amne=b.amne[:300], skickad=dt.datetime.now()))
                    s.flush()
                    c.send_message(_meddelande(b, inst))
            except IntegrityError:
                log.info("Brevet till %s skickades redan av en annan körning", b.adress)
                continue
            log.info("Skickade %r till %s%s", b.amne, b.adress,
                     f" (omdirigerat till {inst.epost_omdirigera})" if inst.epost_omdirigera else "")
            skickade.append(b)
    return skickade


def logg(plan: Plankontext, max_rader: int = 500) -> pd.DataFrame:
    """Skickade brev för planens rundor, nyast först (skickad, period, slag, till, avsedd, amne, mottagare)."""
    with db.session() as s:
        rader = s.execute(select(Utskick.skickad, Period.namn, Utskick.slag, Utskick.till, Utskick.avsedd,
                                 Utskick.amne, Konto.visningsnamn, Utskick.id)
                          .join(Rapportrunda, Rapportrunda.id == Utskick.runda_id)
                          .join(Period, Period.id == Rapportrunda.period_id)
                          .outerjoin(Konto, Konto.id == Utskick.konto_id)
                          .where(Period.plan_id == plan.id).order_by(Utskick.id.desc()).limit(max_rader)).all()
    return pd.DataFrame(rader, columns=["skickad", "period", "slag", "till", "avsedd", "amne", "mottagare", "id"])
