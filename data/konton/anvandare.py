"""Konton och inloggning: roller (administratör, rapportör, granskare, läsare), en rapportörs och
granskares enheter per organisation (planens kommun) eller plan, e-postadress för rapportrundans
påminnelser, Argon2-hashade lösenord, inloggningar på servern och växande väntetid efter fel lösenord.

    python -m data.anvandare lagg-till NAMN --roll administrator|rapportor|granskare|lasare [--enhet KOD ...]
                                          [--organisation KOMMUN | --plan PLANKOD] [--epost ADRESS]
    python -m data.anvandare lista
    python -m data.anvandare andra NAMN [--roll R] [--enhet KOD ... [--organisation K | --plan P]]
                                        [--epost ADRESS] [--nytt-losenord] [--aktivera]
    python -m data.anvandare inaktivera NAMN

En enhetskod gäller alltid i en organisation: i alla dess planer (--organisation, så har en person
ett konto för kommunens alla nämnders planer) eller i en plan (--plan). Utan någon av dem väljs
den enda organisation som har enheten; finns koden i flera organisationers planer måste den anges.

Lösenordet tas ur MALKOLL_NYTT_LOSENORD eller frågas efter i terminalen. Tills det första kontot
finns fungerar MALKOLL_ADMIN_LOSENORD som startadministratör (användarnamnet "admin").
"""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import hashlib
import hmac
import logging
import re
import secrets
import sys
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from data.lagring import db, installningar, start
from data.konton import styrka
from data.lagring.models import ROLLER_KONTO, Enhet, Inloggning, Inloggningsforsok, Konto, KontoRatt, Plan

log = logging.getLogger(__name__)

ROLLNAMN = {"administrator": "administratör", "rapportor": "rapportör", "lasare": "läsare", "granskare": "granskare"}
EPOST = re.compile(r"^[^@\s<>,;\"]{1,64}@[^@\s<>,;\"]{1,255}\.[^@\s<>,;\"]{2,63}$")
STARTNAMN = "admin"                  # användarnamnet för MALKOLL_ADMIN_LOSENORD
SESSIONSTID = 8 * 60 * 60            # en inloggning gäller i högst 8 timmar
FRIA_FORSOK = 3                      # fel lösenord innan väntetiden börjar
MAX_VANTAN_KONTO = 30.0              # sekunder: ett konto kan aldrig spärras längre än så
OPPET_EFTER_VANTAN = MAX_VANTAN_KONTO  # efter kontots väntan prövas varje försök minst så här länge
MAX_VANTAN_ADRESS = 15 * 60.0        # sekunder: en adress som gissar får vänta allt längre
GLOM_EFTER = 60 * 60                 # en räkning utan nya fel glöms (och raden tas bort) efter en timme
MAX_FORSOKSRADER = 10_000            # fler rader än så: de äldsta tas bort

_hasher = PasswordHasher()
_ATTRAPP = _hasher.hash(secrets.token_urlsafe(16))  # jämförs när kontot saknas (samma tid)


class Kontofel(ValueError):
    """Ett fel i ett kontokommando (okänd roll, okänd enhet, svagt lösenord …)."""


@dataclass(frozen=True)
class Ratt:
    """En enhet som kontot rapporterar för (underenheter ingår), i en organisation (planens kommun):
    i alla organisationens planer (plan None) eller bara i planen."""
    organisation: str
    plan: str | None
    enhet: str

    def galler(self, plan: str, organisation: str) -> bool:
        return self.plan == plan if self.plan else bool(self.organisation) and self.organisation == organisation

    @property
    def text(self) -> str:
        return f"{self.enhet} ({self.plan or self.organisation or 'ingen plan'})"


@dataclass(frozen=True)
class Anvandare:
    """Den inloggade: läses ur databasen vid varje begäran."""
    konto_id: int | None
    namn: str
    visningsnamn: str
    roll: str
    enheter: tuple[str, ...]            # alla enhetskoder i rättigheterna (för visning)
    satt: str = "losenord"
    epost: str | None = None
    ratter: tuple[Ratt, ...] = ()

    def enheter_i(self, plan: str, organisation: str) -> tuple[str, ...]:
        """Kontots enheter i planen (planens kod och organisation): de enda som räknas för rättigheter."""
        return tuple(dict.fromkeys(r.enhet for r in self.ratter if r.galler(plan, organisation)))

    @property
    def granskare(self) -> bool:
        return self.roll == "granskare"

    @property
    def administrator(self) -> bool:
        return self.roll == "administrator"

    @property
    def rapportor(self) -> bool:
        return self.roll == "rapportor"

    @property
    def etikett(self) -> str:
        """Så som namnet sparas med varje värde: "Eva Ekonom (eva)"."""
        return f"{self.visningsnamn} ({self.namn})" if self.visningsnamn != self.namn else self.namn


@dataclass
class Inloggningsresultat:
    anvandare: Anvandare | None = None
    nyckel: str | None = None          # kakans slumpade nyckel
    vanta: float = 0.0                 # sekunder kvar av väntetiden (inget prövades)
    fel: str | None = None


# --- Lösenord ---

def hasha(losen: str) -> str:
    return _hasher.hash(losen)


def verifiera(hashen: str | None, losen: str) -> bool:
    """Argon2-jämförelse; ett saknat konto jämförs mot en attrapp (samma tid)."""
    try:
        return _hasher.verify(hashen or _ATTRAPP, losen) and hashen is not None
    except (VerificationError, InvalidHashError):
        return False


def startlosenordsfel() -> str | None:
    """Varför MALKOLL_ADMIN_LOSENORD inte duger som startadministratör (None: den duger)."""
    losen = installningar.aktuella().admin_losenord
    if not losen:
        return "MALKOLL_ADMIN_LOSENORD är inte satt."
    fel = styrka.losenordsfel(losen, STARTNAMN)
    return f"MALKOLL_ADMIN_LOSENORD duger inte: {fel}" if fel else None


# --- Konton ---

def finns_konton() -> bool:
    with db.session() as s:
        return s.scalar(select(Konto.id).limit(1)) is not None


def organisation(plan: Plan) -> str:
    """Planens organisation: kommunen i plan.yaml (annars planens kod)."""
    return plan.kommun or plan.kod


def _kontrollera_roll(roll: str | None) -> None:
    if roll is not None and roll not in ROLLER_KONTO:
        raise Kontofel(f"Okänd roll {roll!r}; välj {', '.join(ROLLER_KONTO)}.")


def tolka_ratter(s, enheter: list[str], organisation_: str | None = None, plan: str | None = None) -> list[Ratt]:
    """Enhetskoder (och valfri organisation eller plan) → rättigheter. En kod "KOD@X" anger
    organisationen eller planen X för just den enheten (SSO-gruppernas form). Utan angiven organisation
    väljs den enda organisation vars planer har enheten; finns den i flera är det ett fel."""
    planer = {p.kod: p for p in s.scalars(select(Plan).order_by(Plan.id))}
    kod_for_id = {p.id: p.kod for p in planer.values()}
    i_planer: dict[str, set[str]] = {}                       # enhetskod → planerna som har den
    for kod, pid in s.execute(select(Enhet.kod, Enhet.plan_id)):
        i_planer.setdefault(kod, set()).add(kod_for_id[pid])
    alla_org = sorted({organisation(p) for p in planer.values()})
    ut: list[Ratt] = []
    for post in enheter:
        enhet, _, var = (x.strip() for x in post.partition("@"))
        pl, org = ((var, None) if var in planer else (None, var)) if var else (plan, organisation_)
        har = i_planer.get(enhet, set())
        exempel = ", ".join(sorted(i_planer)[:3]) or "inga (ingen plan är inläst)"
        if pl:
            if pl not in planer:
                raise Kontofel(f"Okänd plan {pl!r}. Planerna heter: {', '.join(planer) or 'inga'}.")
            if pl not in har:
                raise Kontofel(f"Okänd enhet {enhet} i planen {pl}.")
            ut.append(Ratt(organisation(planer[pl]), pl, enhet))
            continue
        orgs = sorted({organisation(planer[p]) for p in har})
        if org:
            if org not in alla_org:
                raise Kontofel(f"Okänd organisation {org!r}. Organisationerna heter: {', '.join(alla_org) or 'inga'}.")
            if org not in orgs:
                raise Kontofel(f"Okänd enhet {enhet} i {org}.")
            ut.append(Ratt(org, None, enhet))
        elif not orgs:
            raise Kontofel(f"Okänd enhet {enhet}. Enheterna heter t.ex. {exempel}.")
        elif len(orgs) > 1:
            raise Kontofel(f"Enheten {enhet} finns i flera organisationers planer ({', '.join(orgs)}): ange "
                           "vilken med --organisation eller --plan.")
        else:
            ut.append(Ratt(orgs[0], None, enhet))
    return list(dict.fromkeys(ut))


def _satt_ratter(s, k: Konto, ratter: list[Ratt]) -> None:
    """Kontots rättigheter blir exakt `ratter`: de som redan finns står kvar, de som saknas läggs till
    och resten tas bort – samma rättighet två gånger är ingen ändring (inget unikhetsfel)."""
    onskat = {(r.organisation, r.plan or "", r.enhet) for r in ratter}
    finns = {(r.organisation, r.plan_kod, r.enhet_kod): r for r in k.ratter}
    for nyckel, rad in finns.items():
        if nyckel not in onskat:
            k.ratter.remove(rad)
    s.flush()
    for o, p, e in sorted(onskat - set(finns)):
        k.ratter.append(KontoRatt(organisation=o, plan_kod=p, enhet_kod=e))


def _ratter(k: Konto) -> tuple[Ratt, ...]:
    return tuple(Ratt(r.organisation, r.plan_kod or None, r.enhet_kod) for r in k.ratter)


def fran_konto(k: Konto, satt: str = "losenord") -> Anvandare:
    """Kontot som den inloggade (roll, rättigheter och e-post läses vid varje begäran)."""
    ratter = _ratter(k)
    return Anvandare(k.id, k.namn, k.visningsnamn or k.namn, k.roll, tuple(dict.fromkeys(r.enhet for r in ratter)),
                     satt, k.epost, ratter)


def _losen_ok(losen: str, namn: str) -> str:
    fel = styrka.losenordsfel(losen, namn)
    if fel:
        raise Kontofel(fel)
    return hasha(losen)


def lagg_till(namn: str, roll: str, enheter: list[str] | None = None, losen: str | None = None,
              visningsnamn: str | None = None, oidc_sub: str | None = None,
              epost: str | None = None, *, organisation: str | None = None, plan: str | None = None) -> int:
    """Skapa ett konto; returnerar dess id. Enheterna gäller i organisationen eller planen (se tolka_ratter)."""
    namn = namn.strip()
    if not namn or len(namn) > 200:
        raise Kontofel("Användarnamnet saknas eller är för långt.")
    if roll in ("rapportor", "granskare") and not enheter:
        raise Kontofel(f"En {ROLLNAMN[roll]} behöver minst en enhet (--enhet KOD).")
    with db.session() as s:
        _kontrollera_roll(roll)
        ratter = tolka_ratter(s, list(enheter or []), organisation, plan)
        if s.scalar(select(Konto.id).where(Konto.namn == namn)) is not None:
            raise Kontofel(f"Kontot {namn!r} finns redan.")
        k = Konto(namn=namn, visningsnamn=visningsnamn or namn, roll=roll, aktiv=True, oidc_sub=oidc_sub,
                  epost=epostadress(epost),
                  losenordshash=_losen_ok(losen, namn) if losen is not None else None)
        s.add(k)
        _satt_ratter(s, k, ratter)
        s.flush()
        log.info("Konto %r skapat (%s)", namn, roll)
        return k.id


def andra(namn: str, roll: str | None = None, enheter: list[str] | None = None, losen: str | None = None,
          aktiv: bool | None = None, visningsnamn: str | None = None,
          epost: str | None = None, *, organisation: str | None = None, plan: str | None = None) -> None:
    """Ändra ett konto (enheter: ersätter rättigheterna). Inaktivering och nytt lösenord avslutar
    kontots inloggningar."""
    with db.session() as s:
        k = s.scalars(select(Konto).where(Konto.namn == namn)).one_or_none()
        if k is None:
            raise Kontofel(f"Kontot {namn!r} finns inte.")
        _kontrollera_roll(roll)
        if roll is not None:
            k.roll = roll
        if enheter is not None:
            _satt_ratter(s, k, tolka_ratter(s, list(enheter), organisation, plan))
        if k.roll in ("rapportor", "granskare") and not k.ratter:
            raise Kontofel(f"En {ROLLNAMN[k.roll]} behöver minst en enhet (--enhet KOD).")
        if epost is not None:
            k.epost = epostadress(epost)   # "" tar bort adressen
        if visningsnamn:
            k.visningsnamn = visningsnamn
        if losen is not None:
            k.losenordshash = _losen_ok(losen, namn)
        if aktiv is not None:
            k.aktiv = aktiv
        if losen is not None or aktiv is False:
            s.execute(delete(Inloggning).where(Inloggning.konto_id == k.id))
        k.andrad = dt.datetime.now()
        log.info("Konto %r ändrat", namn)


def epostadress(text: str | None) -> str | None:
    """En e-postadress som den ska sparas (None för tom); Kontofel för något som inte är en adress."""
    t = (text or "").strip()
    if not t:
        return None
    if not EPOST.match(t):
        raise Kontofel(f"{t[:100]!r} är ingen e-postadress (skriv t.ex. namn@kommun.se).")
    return t


def inaktivera(namn: str) -> None:
    andra(namn, aktiv=False)


def lista() -> list[dict]:
    with db.session() as s:
        return [{"namn": k.namn, "visningsnamn": k.visningsnamn, "roll": k.roll, "aktiv": k.aktiv,
                 "enheter": [r.text for r in _ratter(k)], "sso": k.oidc_sub is not None, "epost": k.epost}
                for k in s.scalars(select(Konto).order_by(Konto.namn))]


def oidc_konto(sub: str, namn: str, visningsnamn: str, roll: str, enheter: list[str], epost: str | None = None) -> int:
    """Konto för en SSO-inloggning: skapas första gången, roll och rättigheter följer grupperna och
    e-postadressen anspråket (när det finns och är en adress) vid varje inloggning (en enhet som inte går att tolka, t.ex. en kod i flera organisationer utan
    "@organisation", hoppas över med en varning). Samma inloggning igen ändrar ingenting."""
    with db.session() as s:
        ratter: list[Ratt] = []
        for e in enheter:
            try:
                ratter += tolka_ratter(s, [e])
            except Kontofel as fel:
                log.warning("SSO-inloggning för %r: enheten %r hoppas över: %s", namn, e, fel)
        k = s.scalars(select(Konto).where(Konto.oidc_sub == sub)).one_or_none()
        if k is None:
            unikt = namn if s.scalar(select(Konto.id).where(Konto.namn == namn)) is None else f"{namn} ({sub[:12]})"
            k = Konto(namn=unikt, oidc_sub=sub, aktiv=True, roll=roll)
            s.add(k)
        k.visningsnamn, k.roll = visningsnamn, roll
        try:
            if epostadress(epost):
                k.epost = epostadress(epost)
        except Kontofel:
            log.warning("SSO-kontot %r: e-postanspråket %r är ingen adress", namn, str(epost)[:100])
        _satt_ratter(s, k, list(dict.fromkeys(ratter)))
        s.flush()
        if not k.aktiv:
            raise Kontofel("Kontot är inaktiverat.")
        return k.id


# --- Inloggningar på servern ---

def _nyckelhash(nyckel: str) -> str:
    return hashlib.sha256(nyckel.encode()).hexdigest()


def _starttagg() -> str:
    inst = installningar.aktuella()
    return hmac.new(inst.hemlighet.encode(), b"malkoll-start-v2:" + inst.admin_losenord.encode(),
                    hashlib.sha256).hexdigest()


def ny_inloggning(konto_id: int | None, satt: str, adress: str | None) -> str:
    """Skapa en inloggning; returnerar nyckeln som kakan ska bära (bara dess hash sparas)."""
    nyckel = secrets.token_urlsafe(32)
    nu = dt.datetime.now()
    with db.session() as s:
        s.execute(delete(Inloggning).where(Inloggning.utgar < nu))
        s.add(Inloggning(id=_nyckelhash(nyckel), konto_id=konto_id, satt=satt, skapad=nu, adress=(adress or "")[:100],
                         utgar=nu + dt.timedelta(seconds=SESSIONSTID),
                         tagg=_starttagg() if konto_id is None else None))
    return nyckel


def hamta_inloggning(nyckel: str | None) -> Anvandare | None:
    """Den inloggade för kakans nyckel, eller None (utgången, utloggad, inaktiverad …)."""
    if not isinstance(nyckel, str) or not 20 <= len(nyckel) <= 100:
        return None
    with db.session() as s:
        rad = s.get(Inloggning, _nyckelhash(nyckel))
        if rad is None or rad.utgar < dt.datetime.now():
            return None
        if rad.konto_id is None:
            giltig = (s.scalar(select(Konto.id).limit(1)) is None and startlosenordsfel() is None
                      and hmac.compare_digest(rad.tagg or "", _starttagg()))
            return Anvandare(None, STARTNAMN, "Startadministratör", "administrator", (), "start") if giltig else None
        k = s.get(Konto, rad.konto_id)
        if k is None or not k.aktiv:
            return None
        return fran_konto(k, rad.satt)


def avsluta_inloggning(nyckel: str | None) -> None:
    if isinstance(nyckel, str):
        with db.session() as s:
            s.execute(delete(Inloggning).where(Inloggning.id == _nyckelhash(nyckel)))


# --- Försök och väntetid ---

def vantetid_for(antal: int, tak: float) -> float:
    """Väntetid efter `antal` fel i rad: 0 för de första, sedan 1, 2, 4, 8 … sekunder upp till taket."""
    if antal < FRIA_FORSOK:
        return 0.0
    return min(2.0 ** (antal - FRIA_FORSOK), tak)


def _forsoksnycklar(namn: str, adress: str) -> dict[str, float]:
    return {f"konto:{namn.strip().lower()[:200]}": MAX_VANTAN_KONTO, f"adress:{adress[:100]}": MAX_VANTAN_ADRESS}


def _kvar(s, nycklar: dict[str, float], nu: float) -> float:
    """Sekunder kvar av den längsta väntan bland nycklarna (0: ingen väntan)."""
    kvar = 0.0
    for nyckel in nycklar:
        r = s.get(Inloggningsforsok, nyckel)
        if r is not None and nu - r.senast < GLOM_EFTER:
            tak = nycklar[nyckel]   # kontots väntan slutar aldrig senare än taket efter senaste felet
            slut = min(r.vanta_till, r.senast + tak) if _kontots(nyckel) else r.senast + vantetid_for(r.antal, tak)
            kvar = max(kvar, slut - nu)
    return kvar


def _kontots(nyckel: str) -> bool:
    return nyckel.startswith("konto:")


def _misslyckat(s, nycklar: dict[str, float], nu: float) -> int:
    """Räkna ett fel på varje nyckel och starta kontots väntan där den behövs. Kontots väntan startar
    aldrig om inom OPPET_EFTER_VANTAN sekunder efter att den förra slutat: då prövas alla försök, så
    den som väntade ut den kommer alltid in med rätt lösenord (adressens egen väntan gäller ändå)."""
    antal = 0
    for nyckel, tak in nycklar.items():
        r = s.get(Inloggningsforsok, nyckel)
        if r is None:
            r = Inloggningsforsok(nyckel=nyckel, antal=0, senast=nu, vanta_till=0.0)
            s.add(r)
        if nu - r.senast >= GLOM_EFTER:
            r.antal, r.vanta_till = 0, 0.0
        r.antal += 1
        r.senast = nu
        vantan = vantetid_for(r.antal, tak)
        if _kontots(nyckel) and vantan > 0 and nu >= r.vanta_till + OPPET_EFTER_VANTAN:
            r.vanta_till = nu + vantan   # (adressens väntan räknas från senaste felet och får starta om)
        antal = max(antal, r.antal)
    return antal


def rensa_forsok(nu: float | None = None) -> int:
    """Ta bort räkningar som inte haft något nytt fel på GLOM_EFTER sekunder, och de äldsta när
    tabellen har fler än MAX_FORSOKSRADER rader (påhittade användarnamn och adresser fyller den
    aldrig). Ett misslyckat försök städar; ett fel här stoppar ingen inloggning."""
    from sqlalchemy import func
    from sqlalchemy.exc import DBAPIError
    nu = time.time() if nu is None else nu
    try:
        with db.session() as s:
            n = s.execute(delete(Inloggningsforsok).where(Inloggningsforsok.senast < nu - GLOM_EFTER)).rowcount or 0
            over = (s.scalar(select(func.count()).select_from(Inloggningsforsok)) or 0) - MAX_FORSOKSRADER
            if over > 0:
                gamla = select(Inloggningsforsok.nyckel).order_by(Inloggningsforsok.senast).limit(over)
                n += s.execute(delete(Inloggningsforsok).where(Inloggningsforsok.nyckel.in_(gamla.scalar_subquery()))
                               .execution_options(synchronize_session=False)).rowcount or 0
        return n
    except DBAPIError as e:   # t.ex. en rad som ett samtidigt försök låser: nästa fel städar
        log.debug("Försöksraderna rensades inte nu: %s", e)
        return 0


def _skapa_rader(nycklar: dict[str, float], nu: float) -> None:
    """Se till att kontots och adressens rader finns (INSERT … ON CONFLICT DO NOTHING, i sorterad
    ordning, i en egen transaktion). Då låser _reservera alltid befintliga rader i samma ordning:
    två samtidiga första försök kan inte längre låsa varandra (dödläge) när de lägger till raderna."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert
    with db.session() as s:
        infoga = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        for nyckel in sorted(nycklar):
            s.execute(infoga(Inloggningsforsok).values(nyckel=nyckel, antal=0, senast=nu, vanta_till=0.0)
                      .on_conflict_do_nothing(index_elements=["nyckel"]))


def _reservera(s, nycklar: dict[str, float], nu: float) -> tuple[float, int]:
    """Ta ett försök odelbart, före lösenordet prövas: kontots och adressens rader låses först (en
    UPDATE som inte ändrar något – radlås i PostgreSQL, skrivlåset i SQLite), så att samtidiga
    försök mot olika arbetare och servrar räknas ett i taget. Under väntan: (kvar, 0) och inget
    räknas. Annars räknas försöket i förväg som ett fel – (0, antal fel i rad) – och ett lyckat
    försök tar bort räkningen efteråt."""
    for nyckel in sorted(nycklar):   # alltid i samma ordning: inget dödläge mellan två försök
        s.execute(update(Inloggningsforsok).where(Inloggningsforsok.nyckel == nyckel)
                  .values(antal=Inloggningsforsok.antal).execution_options(synchronize_session=False))
    kvar = _kvar(s, nycklar, nu)
    if kvar > 0:
        return kvar, 0
    return 0.0, _misslyckat(s, nycklar, nu)


def antal_forsok(nyckel: str) -> int:
    with db.session() as s:
        r = s.get(Inloggningsforsok, nyckel)
        return r.antal if r is not None else 0


def _prova(s, namn: str, losen: str) -> Anvandare | None:
    """Rätt användarnamn och lösenord → den inloggade (utan att skapa en inloggning)."""
    if s.scalar(select(Konto.id).limit(1)) is None:
        inst = installningar.aktuella()
        ok = (namn == STARTNAMN and startlosenordsfel() is None and hmac.compare_digest(
            hashlib.sha256(losen.encode()).digest(), hashlib.sha256(inst.admin_losenord.encode()).digest()))
        return Anvandare(None, STARTNAMN, "Startadministratör", "administrator", (), "start") if ok else None
    k = s.scalars(select(Konto).where(Konto.namn == namn)).one_or_none()
    hashen = k.losenordshash if k is not None and k.aktiv else None
    if not verifiera(hashen, losen):
        return None
    return fran_konto(k)


def logga_in(namn: str | None, losen: str | None, adress: str) -> Inloggningsresultat:
    """Pröva användarnamn och lösenord. Efter tre fel i rad (per konto och per adress) måste man
    vänta allt längre (1, 2, 4 … s; för kontot högst 30 s, för adressen högst 15 min). Kontots
    väntan startar inte om under de 30 s som följer på den, så rätt lösenord från en adress som inte
    själv väntar kommer in högst 30 s efter ett "Vänta" – hur många som än gissar samtidigt.
    Fel och väntan loggas, aldrig lösenordet."""
    namn, losen = (namn or "").strip()[:200], (losen or "")[:1000]
    nycklar = _forsoksnycklar(namn, adress)
    for gang in range(3):   # om en rad ändå försvann emellan (en lyckad inloggning tog bort den): försök igen
        nu = time.time()
        try:
            _skapa_rader(nycklar, nu)
            with db.session() as s:
                kvar, antal = _reservera(s, nycklar, nu)
            break
        except IntegrityError:
            if gang == 2:
                raise
    if kvar > 0:
        log.warning("Inloggning för %r från %s vägrad: vänta %.0f s efter för många fel", namn, adress, kvar)
        rensa_forsok(nu)
        return Inloggningsresultat(vanta=kvar, fel=f"För många felaktiga försök. Vänta {int(-(-kvar // 1))} "
                                                    "sekunder och försök igen.")
    with db.session() as s:
        anv = _prova(s, namn, losen) if namn and losen else None
        if anv is not None:
            for nyckel in sorted(nycklar):   # samma ordning som låsen i _reservera
                s.execute(delete(Inloggningsforsok).where(Inloggningsforsok.nyckel == nyckel))
    if anv is None:
        log.warning("Misslyckad inloggning för %r från %s (%d fel i rad)", namn, adress, antal)
        rensa_forsok(nu)
        return Inloggningsresultat(fel="Fel användarnamn eller lösenord.")
    log.info("Inloggning: %r (%s) från %s", anv.namn, anv.roll, adress)
    return Inloggningsresultat(anv, ny_inloggning(anv.konto_id, anv.satt, adress))


# --- Kommandoraden ---

def _nytt_losenord(namn: str) -> str:
    losen = installningar.aktuella().nytt_losenord
    if losen:
        return losen
    if not sys.stdin.isatty():
        raise Kontofel("Lösenord saknas: sätt MALKOLL_NYTT_LOSENORD eller kör kommandot i en terminal.")
    losen = getpass.getpass(f"Nytt lösenord för {namn}: ")
    if getpass.getpass("Samma lösenord igen: ") != losen:
        raise Kontofel("Lösenorden är inte lika.")
    return losen


def _skriv_lista() -> None:
    for k in lista():
        print(f"{k['namn']:<24} {ROLLNAMN.get(k['roll'], k['roll']):<15} "
              f"{'aktiv' if k['aktiv'] else 'inaktiverad':<12} {'SSO ' if k['sso'] else ''}"
              f"{', '.join(k['enheter']) or '–'}" + (f"  <{k['epost']}>" if k['epost'] else ""))


def _omfang(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--organisation", default=None,
                   help="kommunen (som i planens plan.yaml): enheterna gäller i alla dess planer")
    g.add_argument("--plan", default=None, help="planens kod: enheterna gäller bara i den planen")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m data.anvandare", description="Konton och roller i Målkoll.")
    sub = ap.add_subparsers(dest="kommando", required=True)
    la = sub.add_parser("lagg-till", help="skapa ett konto (lösenord: MALKOLL_NYTT_LOSENORD eller frågas)")
    la.add_argument("namn")
    la.add_argument("--roll", required=True, choices=ROLLER_KONTO)
    la.add_argument("--enhet", action="append", default=[], help="enhetskod (kan upprepas; underenheter ingår)")
    la.add_argument("--visningsnamn", default=None)
    la.add_argument("--epost", default=None, help="e-postadress för rapportrundans påminnelser")
    _omfang(la)
    sub.add_parser("lista", help="visa kontona")
    an = sub.add_parser("andra", help="ändra roll, enheter eller lösenord")
    an.add_argument("namn")
    an.add_argument("--roll", choices=ROLLER_KONTO)
    an.add_argument("--enhet", action="append", default=None, help="ersätter kontots enheter")
    an.add_argument("--epost", default=None, help="ny e-postadress (tom sträng tar bort den)")
    _omfang(an)
    an.add_argument("--nytt-losenord", action="store_true")
    an.add_argument("--aktivera", action="store_true")
    ina = sub.add_parser("inaktivera", help="inaktivera ett konto (dess inloggningar avslutas)")
    ina.add_argument("namn")
    a = ap.parse_args(argv)
    start.starta()
    try:
        if a.kommando == "lagg-till":
            enheter = [e for x in a.enhet for e in x.split(",") if e]
            lagg_till(a.namn, a.roll, enheter, _nytt_losenord(a.namn), a.visningsnamn, epost=a.epost,
                      organisation=a.organisation, plan=a.plan)
            print(f"Kontot {a.namn} ({ROLLNAMN[a.roll]}) är skapat.")
        elif a.kommando == "lista":
            _skriv_lista()
        elif a.kommando == "andra":
            enheter = None if a.enhet is None else [e for x in a.enhet for e in x.split(",") if e]
            andra(a.namn, a.roll, enheter, _nytt_losenord(a.namn) if a.nytt_losenord else None,
                  True if a.aktivera else None, epost=a.epost, organisation=a.organisation, plan=a.plan)
            print(f"Kontot {a.namn} är ändrat.")
        elif a.kommando == "inaktivera":
            inaktivera(a.namn)
            print(f"Kontot {a.namn} är inaktiverat; dess inloggningar är avslutade.")
    except (Kontofel, IntegrityError) as e:
        print(f"Fel: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
