"""Inställningar: läses en gång ur miljön vid start (appen och kommandona), ett objekt.

Varje variabel har ett standardvärde och en hjälptext (docs/drift.md listar dem). Ja/nej-värden
tolkas på ett ställe: 1, ja, true, on, sant = ja; 0, nej, av, false, off, falskt = nej.
Modulen importerar ingenting ur projektet (neutral nivå).
"""
from __future__ import annotations

import dataclasses
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent
STANDARD_SQLITE = DATA_DIR / "malkoll.sqlite"
JA = ("1", "ja", "true", "on", "sant", "yes")
NEJ = ("0", "nej", "av", "false", "off", "falskt", "no")


class Installningsfel(ValueError):
    """En miljövariabel har ett värde som inte går att tolka."""


def _bool(env: Mapping[str, str], namn: str, standard: bool) -> bool:
    v = env.get(namn, "").strip().lower()
    if not v:
        return standard
    if v in JA:
        return True
    if v in NEJ:
        return False
    raise Installningsfel(f"{namn}={env[namn]!r} är varken ja eller nej (skriv t.ex. ja/nej, 1/0, på: on/av)")


def _int(env: Mapping[str, str], namn: str, standard: int) -> int:
    v = env.get(namn, "").strip()
    if not v:
        return standard
    if not (v.isascii() and v.isdigit()):
        raise Installningsfel(f"{namn}={v!r} är inte ett heltal ≥ 0")
    return int(v)


RYTMER = ("daglig", "veckovis")


def _rytm(env: Mapping[str, str]) -> str:
    v = env.get("MALKOLL_PAMINNELSE_RYTM", "").strip().lower()
    if v and v not in RYTMER:
        raise Installningsfel(f"MALKOLL_PAMINNELSE_RYTM={v!r}: skriv daglig eller veckovis")
    return v or "veckovis"


def normalisera_databas_url(url: str) -> str:
    """Tom → inbäddad SQLite; "postgres://" och "postgresql://" körs med psycopg 3."""
    url = url.strip()
    if not url:
        return f"sqlite:///{STANDARD_SQLITE}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


# namn → (fält, hjälptext); ordningen är dokumentationens
HJALP: dict[str, tuple[str, str]] = {
    "DATABASE_URL": ("databas_url", "Databasen (SQLAlchemy-URL). Tomt: SQLite-filen data/malkoll.sqlite."),
    "MALKOLL_EXEMPEL": ("exempel", "ja: läs in den märkta exempelrapporten när databasen fylls första gången."),
    "MALKOLL_CACHE": ("cache", "ja: cacha frågesvar per (plan, period, filter); nej stänger av."),
    "MALKOLL_CACHE_DIR": ("cache_katalog", "Katalog för cachen utan Redis (privat: skapas 0700, ägaren kontrolleras; standard: MALKOLL_DATA_DIR)."),
    "REDIS_URL": ("redis_url", "Redis för delad frågecache och sidcache (flera servrar); inloggningar och försök ligger i databasen."),
    "MALKOLL_REDIS_PREFIX": ("redis_prefix", "Extra prefix för nycklarna i Redis (efter malkoll:), t.ex. per installation."),
    "MALKOLL_STANDARDPLAN": ("standardplan", "Plan som visas utan ?plan= (standard: planen i data/plan/)."),
    "MALKOLL_STANDARDPERIOD": ("standardperiod", "Period som visas utan ?period= (standard: regeln i README)."),
    "MALKOLL_PLANKATALOG": ("plankatalog", "Källfilerna som läses in när databasen är tom."),
    "MALKOLL_ADMIN_LOSENORD": ("admin_losenord", "Startadministratörens lösenord (användaren admin) tills det första kontot finns."),
    "MALKOLL_HEMLIGHET": ("hemlighet", "Nyckel för sessionskakan: minst 32 slumpade tecken."),
    "MALKOLL_HTTPS": ("https", "ja: kakan bara över HTTPS (Secure) och HSTS-huvudet."),
    "MALKOLL_PROXY_ANTAL": ("proxy_antal", "Antal betrodda omvända proxyer framför appen (X-Forwarded-*)."),
    "MALKOLL_ADRESS": ("adress", "Målkolls adress utifrån, t.ex. https://malkoll.kommun.se (SSO:s omdirigeringsadress byggs av den, aldrig av Host-huvudet)."),
    "MALKOLL_DATA_DIR": ("data_katalog", "Katalog för appens privata lokala tillstånd utan Redis: cachen (0700, ägaren kontrolleras; standard: ~/.local/state/malkoll)."),
    "MALKOLL_LAGER_MB": ("lager_mb", "Största storlek i MB för det lokala lagret utan Redis (cachen och färdiga sidor; det äldsta tas bort först)."),
    "MALKOLL_KRAV_INLOGGNING": ("krav_inloggning", "ja: inloggning krävs också för att läsa (standard: läsning är öppen)."),
    "MALKOLL_NYTT_LOSENORD": ("nytt_losenord", "Lösenordet för `python -m data.anvandare lagg-till/andra` (annars frågas det)."),
    "MALKOLL_OIDC_UTFARDARE": ("oidc_utfardare", "OpenID Connect: utfärdarens URL (issuer); tomt = ingen SSO."),
    "MALKOLL_OIDC_KLIENT": ("oidc_klient", "OpenID Connect: klient-id hos utfärdaren."),
    "MALKOLL_OIDC_HEMLIGHET": ("oidc_hemlighet", "OpenID Connect: klientens hemlighet."),
    "MALKOLL_OIDC_GRUPPANSPRAK": ("oidc_gruppansprak", "Anspråket (claim) som bär grupperna (standard: groups)."),
    "MALKOLL_OIDC_GRUPPER": ("oidc_grupper", "Grupp → roll/enheter: GRUPP=administrator;GRUPP=rapportor:KSK/EKO,KSK/SHB;GRUPP=lasare"),
    "MALKOLL_OIDC_NAMN": ("oidc_namn", "Organisationens namn på knappen ”Logga in med …” (standard: organisationen)."),
    "MALKOLL_SMTP_URL": ("smtp_url", "E-postservern för rapportrundans påminnelser: smtp://värd:587 (smtps://värd:465 för TLS direkt). Tomt: inga e-brev skickas."),
    "MALKOLL_SMTP_STARTTLS": ("smtp_starttls", "ja: STARTTLS före inloggningen på smtp://-servern (standard ja; nej bara för en lokal server)."),
    "MALKOLL_SMTP_ANVANDARE": ("smtp_anvandare", "Användarnamn hos e-postservern (tomt: ingen inloggning)."),
    "MALKOLL_SMTP_LOSENORD": ("smtp_losenord", "Lösenord hos e-postservern."),
    "MALKOLL_AVSANDARE": ("avsandare", "Avsändaren i e-breven, t.ex. Målkoll <malkoll@kommun.se>."),
    "MALKOLL_EPOST_OMDIRIGERA": ("epost_omdirigera", "För test: skicka alla e-brev till den här adressen i stället (mottagaren står i brevet)."),
    "MALKOLL_BAS_URL": ("bas_url", "Appens adress utåt, t.ex. https://malkoll.kommun.se – länkarna i e-breven börjar med den."),
    "MALKOLL_PAMINNELSE_DAGAR": ("paminnelse_dagar", "Första påminnelsen så många dagar före enheternas sista dag (standard 5)."),
    "MALKOLL_PAMINNELSE_RYTM": ("paminnelse_rytm", "Påminnelser efter sista dagen: daglig eller veckovis (standard veckovis)."),
    "MALKOLL_DEBUG": ("debug", "ja: Dash debug-läge (aldrig i drift)."),
    "HOST": ("host", "Adress för `python app.py`."),
    "PORT": ("port", "Port för `python app.py`."),
}


def _privat_katalog() -> str:
    bas = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return str(Path(bas) / "malkoll")


@dataclass(frozen=True)
class Installningar:
    """Allt som går att ställa in, med standardvärden."""
    databas_url: str = field(default_factory=lambda: normalisera_databas_url(""))
    exempel: bool = True
    cache: bool = True
    cache_katalog: str = ""
    redis_url: str = ""
    redis_prefix: str = ""
    standardplan: str = ""
    standardperiod: str = ""
    plankatalog: str = str(DATA_DIR / "plan")
    admin_losenord: str = ""
    hemlighet: str = ""
    https: bool = False
    proxy_antal: int = 0
    adress: str = ""
    data_katalog: str = field(default_factory=lambda: _privat_katalog())
    lager_mb: int = 256
    krav_inloggning: bool = False
    nytt_losenord: str = ""
    oidc_utfardare: str = ""
    oidc_klient: str = ""
    oidc_hemlighet: str = ""
    oidc_gruppansprak: str = "groups"
    oidc_grupper: str = ""
    oidc_namn: str = "organisationen"
    smtp_url: str = ""
    smtp_starttls: bool = True
    smtp_anvandare: str = ""
    smtp_losenord: str = ""
    avsandare: str = ""
    epost_omdirigera: str = ""
    bas_url: str = ""
    paminnelse_dagar: int = 5
    paminnelse_rytm: str = "veckovis"
    debug: bool = False
    host: str = "127.0.0.1"
    port: int = 8050

    @classmethod
    def fran_miljo(cls, env: Mapping[str, str] | None = None) -> "Installningar":
        """Läs alla variabler ur miljön (eller `env`); ett felaktigt värde ger Installningsfel."""
        env = os.environ if env is None else env
        s = env.get
        return cls(
            databas_url=normalisera_databas_url(s("DATABASE_URL", "")),
            exempel=_bool(env, "MALKOLL_EXEMPEL", True),
            cache=_bool(env, "MALKOLL_CACHE", True),
            cache_katalog=s("MALKOLL_CACHE_DIR", "").strip(),
            redis_url=s("REDIS_URL", "").strip(),
            redis_prefix=s("MALKOLL_REDIS_PREFIX", "").strip(),
            standardplan=s("MALKOLL_STANDARDPLAN", "").strip(),
            standardperiod=s("MALKOLL_STANDARDPERIOD", "").strip(),
            plankatalog=s("MALKOLL_PLANKATALOG", "").strip() or str(DATA_DIR / "plan"),
            admin_losenord=s("MALKOLL_ADMIN_LOSENORD", ""),
            hemlighet=s("MALKOLL_HEMLIGHET", ""),
            https=_bool(env, "MALKOLL_HTTPS", False),
            proxy_antal=_int(env, "MALKOLL_PROXY_ANTAL", 0),
            adress=s("MALKOLL_ADRESS", "").strip().rstrip("/"),
            data_katalog=s("MALKOLL_DATA_DIR", "").strip() or _privat_katalog(),
            lager_mb=_int(env, "MALKOLL_LAGER_MB", 256),
            krav_inloggning=_bool(env, "MALKOLL_KRAV_INLOGGNING", False),
            nytt_losenord=s("MALKOLL_NYTT_LOSENORD", ""),
            oidc_utfardare=s("MALKOLL_OIDC_UTFARDARE", "").strip().rstrip("/"),
            oidc_klient=s("MALKOLL_OIDC_KLIENT", "").strip(),
            oidc_hemlighet=s("MALKOLL_OIDC_HEMLIGHET", ""),
            oidc_gruppansprak=s("MALKOLL_OIDC_GRUPPANSPRAK", "").strip() or "groups",
            oidc_grupper=s("MALKOLL_OIDC_GRUPPER", "").strip(),
            oidc_namn=s("MALKOLL_OIDC_NAMN", "").strip() or "organisationen",
            smtp_url=s("MALKOLL_SMTP_URL", "").strip(),
            smtp_starttls=_bool(env, "MALKOLL_SMTP_STARTTLS", True),
            smtp_anvandare=s("MALKOLL_SMTP_ANVANDARE", "").strip(),
            smtp_losenord=s("MALKOLL_SMTP_LOSENORD", ""),
            avsandare=s("MALKOLL_AVSANDARE", "").strip(),
            epost_omdirigera=s("MALKOLL_EPOST_OMDIRIGERA", "").strip(),
            bas_url=s("MALKOLL_BAS_URL", "").strip().rstrip("/"),
            paminnelse_dagar=_int(env, "MALKOLL_PAMINNELSE_DAGAR", 5),
            paminnelse_rytm=_rytm(env),
            debug=_bool(env, "MALKOLL_DEBUG", False),
            host=s("HOST", "").strip() or "127.0.0.1",
            port=_int(env, "PORT", 8050),
        )

    def med(self, **andringar) -> "Installningar":
        """En kopia med några fält ändrade (för tester och kommandon med --databas)."""
        if "databas_url" in andringar:
            andringar["databas_url"] = normalisera_databas_url(andringar["databas_url"])
        return dataclasses.replace(self, **andringar)


_aktuella: Installningar | None = None
_databas: str | None = None     # vald med anvand_databas (tester och verktyg), annars inställningarnas


def anvand(inst: Installningar) -> Installningar:
    """Gör `inst` till processens inställningar (startsteget anropar detta en gång)."""
    global _aktuella, _databas
    _aktuella = inst
    _databas = None
    return inst


def aktuella() -> Installningar:
    """Processens inställningar. Före startsteget (t.ex. i ett test som bara läser en fråga):
    läses de ur miljön vid varje anrop, så att inget fryses innan någon startat."""
    inst = _aktuella if _aktuella is not None else Installningar.fran_miljo()
    return inst if _databas is None or inst.databas_url == _databas else dataclasses.replace(inst, databas_url=_databas)


def anvand_databas(url: str | None) -> None:
    """Gör `url` till processens databas utan att frysa övriga inställningar (None: inställningarnas)."""
    global _databas
    _databas = normalisera_databas_url(url) if url else None


def glom() -> None:
    """För tester: glöm de valda inställningarna (nästa `aktuella()` läser miljön)."""
    global _aktuella, _databas
    _aktuella = None
    _databas = None
