"""SQLAlchemy-modeller för Målkoll: planen (målområden, uppdrag, åtgärder, indikatorer,
budget) och det som rapporteras per period (status, utfall, bedömningar, budgetutfall).

Namn på svenska utan diakritiska tecken. Varje rapporterat värde bär vem/när/källa och
skrivs aldrig över: en ny rapport blir en ny rad, den senaste gäller.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import (JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer,
                        Numeric, String, Text, UniqueConstraint, func)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLLER = ("ansvarig", "i samverkan")


class Bas(DeclarativeBase):
    pass


class Rapporterat:
    """Gemensamma fält för allt som rapporteras: vem, när, varifrån."""
    rapporterad_av: Mapped[str] = mapped_column(String(200))
    rapporterad: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    kalla: Mapped[Optional[str]] = mapped_column(String(500))       # fil eller dokument
    kalla_url: Mapped[Optional[str]] = mapped_column(String(1000))  # publicerad källa
    exempel: Mapped[bool] = mapped_column(Boolean, default=False)   # exempeldata, inte kommunens


class Plan(Bas):
    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    kod: Mapped[str] = mapped_column(String(50), unique=True)      # planens kod (plan.yaml: kod)
    namn: Mapped[str] = mapped_column(String(300))
    namnd: Mapped[str] = mapped_column(String(200))                 # nämndens fullständiga namn
    namnd_kort: Mapped[Optional[str]] = mapped_column(String(10))   # kortform: egna initiativ och nivå
    namnd_genitiv: Mapped[Optional[str]] = mapped_column(String(200))  # i rubriker: "<nämndens> tolkning"
    kommun: Mapped[Optional[str]] = mapped_column(String(200))      # kommunens namn
    kommunkod: Mapped[Optional[str]] = mapped_column(String(10))    # kommunens Kolada-id
    texter: Mapped[Optional[dict]] = mapped_column(JSON)            # planens egna texter (plan.yaml: texter)
    ar: Mapped[int]
    malar: Mapped[Optional[list]] = mapped_column(JSON)             # år med resultatmål, t.ex. [2020, 2021, 2022]
    ambitionsar: Mapped[Optional[int]]                              # målområdenas ambitionsnivå gäller år …
    personalmal: Mapped[Optional[str]] = mapped_column(Text)        # arbetsgivarens övergripande personalmål
    standardperiod: Mapped[Optional[str]] = mapped_column(String(100))  # fastlåst standardperiod (plan.yaml)
    vision: Mapped[Optional[str]] = mapped_column(Text)
    kallhash: Mapped[Optional[str]] = mapped_column(String(64))     # källfilernas hash vid senaste inläsning
    syntetisk: Mapped[bool] = mapped_column(Boolean, default=False)  # bänkdata (bench/), aldrig kommunens
    kolada: Mapped[Optional[dict]] = mapped_column(JSON)  # plan.yaml kolada: kommun, riket, jämförelsegrupp
    varningar: Mapped[Optional[list]] = mapped_column(JSON)   # inläsningens varningar (fil, post, text)
    sammansatta: Mapped[Optional[dict]] = mapped_column(JSON)  # enheter.yaml: stavning → flera enhetskoder

    malomraden: Mapped[list["Malomrade"]] = relationship(back_populates="plan", order_by="Malomrade.nr")


class Period(Bas):
    """En rapportperiod i en plan (planen definierar sina perioder: delår, tertial, månad …)."""
    __tablename__ = "period"
    __table_args__ = (UniqueConstraint("plan_id", "namn", name="uq_period_plan_namn"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    namn: Mapped[str] = mapped_column(String(100))                  # "Delår 2 2020"
    ar: Mapped[int]
    typ: Mapped[str] = mapped_column(String(30))                    # delar1 / delar2 / arsredovisning
    slutdatum: Mapped[dt.date] = mapped_column(Date)
    last: Mapped[bool] = mapped_column(Boolean, default=False)
    syntetisk: Mapped[bool] = mapped_column(Boolean, default=False)  # bänkdatans månadsperioder


class Periodlas(Bas):
    """Logg över låsning och upplåsning av perioder."""
    __tablename__ = "periodlas"
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    handelse: Mapped[str] = mapped_column(String(20))               # låst / upplåst
    av: Mapped[str] = mapped_column(String(200))
    tid: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    motivering: Mapped[Optional[str]] = mapped_column(Text)


class Enhet(Bas):
    """En organisatorisk enhet i en plan (två kommuners "KSK" är två enheter)."""
    __tablename__ = "enhet"
    __table_args__ = (UniqueConstraint("plan_id", "kod", name="uq_enhet_plan_kod"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    kod: Mapped[str] = mapped_column(String(100))                   # "KSK/SHB/MEX"
    namn: Mapped[str] = mapped_column(String(300))
    foralder_id: Mapped[Optional[int]] = mapped_column(ForeignKey("enhet.id"))
    extern: Mapped[bool] = mapped_column(Boolean, default=False)    # utanför nämndens förvaltning
    ordning: Mapped[int] = mapped_column(Integer, default=0)
    alias: Mapped[Optional[list]] = mapped_column(JSON)             # enheter.yaml: stavningarna (som skrivna)

    foralder: Mapped[Optional["Enhet"]] = relationship(remote_side="Enhet.id")


class Malomrade(Bas):
    __tablename__ = "malomrade"
    __table_args__ = (UniqueConstraint("plan_id", "nr"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    nr: Mapped[int]
    titel: Mapped[str] = mapped_column(Text)
    beskrivning: Mapped[Optional[str]] = mapped_column(Text)
    ambitionsniva: Mapped[Optional[str]] = mapped_column(Text)      # ambitionsnivå för planens ambitionsår
    tolkning: Mapped[Optional[str]] = mapped_column(Text)
    uppfoljning: Mapped[Optional[str]] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="malomraden")
    inriktningsmal: Mapped[list["Inriktningsmal"]] = relationship(order_by="Inriktningsmal.ordning")
    uppdrag: Mapped[list["Uppdrag"]] = relationship(order_by="Uppdrag.ordning")


class Inriktningsmal(Bas):
    __tablename__ = "inriktningsmal"
    __table_args__ = (UniqueConstraint("malomrade_id", "nr"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    malomrade_id: Mapped[int] = mapped_column(ForeignKey("malomrade.id"))
    nr: Mapped[str] = mapped_column(String(10))                     # som tryckt, "1.1"
    titel: Mapped[str] = mapped_column(Text)
    beskrivning: Mapped[Optional[str]] = mapped_column(Text)
    ordning: Mapped[int] = mapped_column(Integer)


class Uppdrag(Bas):
    __tablename__ = "uppdrag"
    __table_args__ = (UniqueConstraint("plan_id", "kod"), Index("ix_uppdrag_malomrade", "malomrade_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    kod: Mapped[str] = mapped_column(String(20))                    # "1-U01"
    malomrade_id: Mapped[int] = mapped_column(ForeignKey("malomrade.id"))
    typ: Mapped[str] = mapped_column(String(20))                    # KF-uppdrag / <nämndens kortform>-initiativ
    titel: Mapped[str] = mapped_column(Text)
    tolkning: Mapped[Optional[str]] = mapped_column(Text)
    ordning: Mapped[int] = mapped_column(Integer)

    atgarder: Mapped[list["Atgard"]] = relationship(back_populates="uppdrag", order_by="Atgard.ordning")


class Atgard(Bas):
    __tablename__ = "atgard"
    __table_args__ = (UniqueConstraint("plan_id", "kod"), Index("ix_atgard_uppdrag", "uppdrag_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    kod: Mapped[str] = mapped_column(String(20))                    # "1-A01"
    uppdrag_id: Mapped[int] = mapped_column(ForeignKey("uppdrag.id"))
    text: Mapped[str] = mapped_column(Text)
    effekt: Mapped[Optional[str]] = mapped_column(Text)
    ansvar: Mapped[Optional[str]] = mapped_column(Text)             # som tryckt
    tidpunkt: Mapped[Optional[str]] = mapped_column(Text)           # som tryckt
    forfallodatum: Mapped[Optional[dt.date]] = mapped_column(Date)  # tolkat ur tidpunkt
    ordning: Mapped[int] = mapped_column(Integer)

    uppdrag: Mapped[Uppdrag] = relationship(back_populates="atgarder")
    enheter: Mapped[list["AtgardEnhet"]] = relationship(cascade="all, delete-orphan")


class AtgardEnhet(Bas):
    __tablename__ = "atgard_enhet"
    __table_args__ = (UniqueConstraint("atgard_id", "enhet_id", "roll"),
                      Index("ix_atgard_enhet_enhet", "enhet_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    atgard_id: Mapped[int] = mapped_column(ForeignKey("atgard.id"))
    enhet_id: Mapped[int] = mapped_column(ForeignKey("enhet.id"))
    roll: Mapped[str] = mapped_column(String(20))                   # ansvarig / i samverkan
    stavning: Mapped[str] = mapped_column(String(200))              # som tryckt


class Fokusomrade(Bas):
    __tablename__ = "fokusomrade"
    __table_args__ = (UniqueConstraint("plan_id", "nr"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    nr: Mapped[int]
    titel: Mapped[str] = mapped_column(Text)
    nyckelord: Mapped[Optional[str]] = mapped_column(Text)


class Indikator(Bas):
    __tablename__ = "indikator"
    __table_args__ = (UniqueConstraint("plan_id", "kod"), Index("ix_indikator_malomrade", "malomrade_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    kod: Mapped[str] = mapped_column(String(20))                    # "1-I01", "HR-I01"
    malomrade_id: Mapped[Optional[int]] = mapped_column(ForeignKey("malomrade.id"))
    fokusomrade_id: Mapped[Optional[int]] = mapped_column(ForeignKey("fokusomrade.id"))
    niva: Mapped[Optional[str]] = mapped_column(String(5))          # KF / nämndens kortform
    namn: Mapped[str] = mapped_column(Text)
    mattenhet: Mapped[Optional[str]] = mapped_column(String(50))    # måttenhet: mnkr, %, kr …
    riktning: Mapped[Optional[str]] = mapped_column(String(10))     # hogre / lagre
    nuvarde: Mapped[Optional[float]] = mapped_column(Float)
    nuvarde_text: Mapped[Optional[str]] = mapped_column(Text)
    nuvarde_ar: Mapped[Optional[int]]
    ansvarig: Mapped[Optional[str]] = mapped_column(Text)           # som tryckt
    kalla: Mapped[Optional[str]] = mapped_column(Text)
    matintervall: Mapped[Optional[str]] = mapped_column(Text)
    fotnot: Mapped[Optional[str]] = mapped_column(Text)
    kvalitativ: Mapped[bool] = mapped_column(Boolean, default=False)
    kvalitativa_mal: Mapped[Optional[dict]] = mapped_column(JSON)
    kolada_kpi: Mapped[Optional[str]] = mapped_column(String(200))  # Kolada-KPI-id:n, kommaseparerade
    ordning: Mapped[int] = mapped_column(Integer)


class IndikatorEnhet(Bas):
    """Enheter som kolumnen "Ansvarig avdelning" namnger."""
    __tablename__ = "indikator_enhet"
    __table_args__ = (UniqueConstraint("indikator_id", "enhet_id"),
                      Index("ix_indikator_enhet_enhet", "enhet_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    indikator_id: Mapped[int] = mapped_column(ForeignKey("indikator.id"))
    enhet_id: Mapped[int] = mapped_column(ForeignKey("enhet.id"))
    stavning: Mapped[str] = mapped_column(String(200))


class Malvarde(Bas):
    """Målvärde för ett år, med historik: planens värde är första raden; ändringar blir nya rader."""
    __tablename__ = "malvarde"
    __table_args__ = (Index("ix_malvarde_indikator", "indikator_id", "ar"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    indikator_id: Mapped[int] = mapped_column(ForeignKey("indikator.id"))
    ar: Mapped[int]
    varde: Mapped[Optional[float]] = mapped_column(Float)
    text: Mapped[Optional[str]] = mapped_column(Text)
    satt_av: Mapped[str] = mapped_column(String(200))
    satt: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    kalla: Mapped[Optional[str]] = mapped_column(String(500))
    fran_planen: Mapped[bool] = mapped_column(Boolean, default=False)


class SarskiltUppdrag(Bas):
    __tablename__ = "sarskilt_uppdrag"
    __table_args__ = (UniqueConstraint("plan_id", "kod"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    kod: Mapped[str] = mapped_column(String(20))
    titel: Mapped[str] = mapped_column(Text)
    beskrivning: Mapped[Optional[str]] = mapped_column(Text)
    inriktning: Mapped[Optional[str]] = mapped_column(Text)         # inriktning för planens år
    kommentar: Mapped[Optional[str]] = mapped_column(Text)
    ordning: Mapped[int] = mapped_column(Integer)


class Budgetrad(Bas):
    __tablename__ = "budgetrad"
    __table_args__ = (UniqueConstraint("plan_id", "tabell", "post"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    tabell: Mapped[str] = mapped_column(String(40))   # driftbudget / budgetforandringar / drift_per_verksamhet / investeringar
    grupp: Mapped[Optional[str]] = mapped_column(Text)
    post: Mapped[str] = mapped_column(String(300))
    typ: Mapped[str] = mapped_column(String(30))      # belopp / varav / summa / forandring_tkr / forandring_procent
    fotnot: Mapped[Optional[str]] = mapped_column(Text)
    forklaring: Mapped[Optional[str]] = mapped_column(Text)  # planens skäl till en budgetförändring
    ordning: Mapped[int] = mapped_column(Integer)

    belopp: Mapped[list["Budgetbelopp"]] = relationship(cascade="all, delete-orphan",
                                                       order_by="Budgetbelopp.ar")


class Cachegeneration(Bas):
    """Ett tal som räknas upp i samma transaktion som varje ändring av data (import, inläsning).
    Cachenycklar innehåller talet, så ingen arbetsprocess visar gamla värden efter en import."""
    __tablename__ = "cachegeneration"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40))          # databasens identitet (ny databas, nya nycklar)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    andrad: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)  # senaste ändringen (API:ts Last-Modified)


class Budgetbelopp(Bas):
    __tablename__ = "budgetbelopp"
    __table_args__ = (UniqueConstraint("rad_id", "kolumn"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rad_id: Mapped[int] = mapped_column(ForeignKey("budgetrad.id"))
    kolumn: Mapped[str] = mapped_column(String(40))   # som tryckt: "Budget 2020", "2021"
    slag: Mapped[Optional[str]] = mapped_column(String(20))  # Utfall / Budget / Plan
    ar: Mapped[int]
    varde: Mapped[float] = mapped_column(Numeric(16, 1))     # tkr (procent för forandring_procent)


# --- Det som rapporteras per period (fylls av importen, senare issues) ---

class Atgardsrapport(Rapporterat, Bas):
    __tablename__ = "atgardsrapport"
    __table_args__ = (Index("ix_atgardsrapport", "atgard_id", "period_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    atgard_id: Mapped[int] = mapped_column(ForeignKey("atgard.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    status: Mapped[str] = mapped_column(String(40))
    kommentar: Mapped[Optional[str]] = mapped_column(Text)


class Indikatorutfall(Rapporterat, Bas):
    __tablename__ = "indikatorutfall"
    __table_args__ = (Index("ix_indikatorutfall", "indikator_id", "period_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    indikator_id: Mapped[int] = mapped_column(ForeignKey("indikator.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    varde: Mapped[Optional[float]] = mapped_column(Float)
    text: Mapped[Optional[str]] = mapped_column(Text)        # kvalitativt utfall eller tryckt form
    kommentar: Mapped[Optional[str]] = mapped_column(Text)
    kan_inte_bedomas: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[Optional[str]] = mapped_column(String(40))  # rapporterad status för kvalitativa


class Malbedomning(Rapporterat, Bas):
    """Styrelsens bedömning av ett inriktningsmål per period."""
    __tablename__ = "malbedomning"
    __table_args__ = (Index("ix_malbedomning", "inriktningsmal_id", "period_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    inriktningsmal_id: Mapped[int] = mapped_column(ForeignKey("inriktningsmal.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    bedomning: Mapped[str] = mapped_column(String(40))
    motivering: Mapped[Optional[str]] = mapped_column(Text)


class Budgetutfall(Rapporterat, Bas):
    __tablename__ = "budgetutfall"
    __table_args__ = (Index("ix_budgetutfall", "budgetrad_id", "period_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    budgetrad_id: Mapped[int] = mapped_column(ForeignKey("budgetrad.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    utfall: Mapped[Optional[float]] = mapped_column(Numeric(16, 3))   # tkr, hittills under året (hela kronor)
    prognos: Mapped[Optional[float]] = mapped_column(Numeric(16, 3))  # tkr, helår
    avvikelse: Mapped[Optional[float]] = mapped_column(Numeric(16, 3))  # tkr, när bara avvikelsen är publicerad
    kommentar: Mapped[Optional[str]] = mapped_column(Text)


# --- Analystexter (issue 23): kontorets bedömning per period, versionerad ---

ANALYSNIVAER = ("plan", "malomrade", "inriktningsmal", "uppdrag", "diarienummer")


class Analystext(Bas):
    """En version av en analystext för en period: planens sammanfattning (niva="plan"), bedömningen
    per målområde (nyckel = målområdets nr), inriktningsmål (nr som tryckt), uppdrag (kod) eller
    rapportens diarienummer. Skrivs aldrig över: en ny sparning blir en ny rad, den senaste gäller."""
    __tablename__ = "analystext"
    __table_args__ = (Index("ix_analystext", "period_id", "niva", "nyckel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    niva: Mapped[str] = mapped_column(String(20))
    nyckel: Mapped[str] = mapped_column(String(20), default="")
    bedomning: Mapped[Optional[str]] = mapped_column(String(40))   # på planens skala, eller tomt
    text: Mapped[str] = mapped_column(Text, default="")
    skriven_av: Mapped[str] = mapped_column(String(200))
    skriven: Mapped[dt.datetime] = mapped_column(DateTime)


# --- Konton, roller och inloggningar (issue 15) ---

ROLLER_KONTO = ("administrator", "rapportor", "lasare", "granskare")


class Konto(Bas):
    """Ett konto: lokalt (Argon2-hash) eller från OpenID Connect (oidc_sub). Roll och enheter läses
    vid varje begäran, så en ändring gäller direkt."""
    __tablename__ = "konto"
    id: Mapped[int] = mapped_column(primary_key=True)
    namn: Mapped[str] = mapped_column(String(200), unique=True)     # användarnamn
    visningsnamn: Mapped[Optional[str]] = mapped_column(String(200))
    losenordshash: Mapped[Optional[str]] = mapped_column(String(300))
    oidc_sub: Mapped[Optional[str]] = mapped_column(String(300), unique=True)
    roll: Mapped[str] = mapped_column(String(20))                   # administrator / rapportor / lasare / granskare
    epost: Mapped[Optional[str]] = mapped_column(String(320))       # påminnelser och besked (rapportrundan)
    aktiv: Mapped[bool] = mapped_column(Boolean, default=True)
    skapad: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    andrad: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    ratter: Mapped[list["KontoRatt"]] = relationship(
        cascade="all, delete-orphan", order_by="KontoRatt.id")


class KontoRatt(Bas):
    """En enhet som en rapportör rapporterar för (en granskare granskar; kanonisk kod, underenheter ingår), i en organisation
    (planens kommun, `Plan.kommun`): i alla organisationens planer (plan_kod "") eller i en plan.
    En enhetskod betyder ingenting utan organisation – två kommuner kan ha samma koder."""
    __tablename__ = "konto_ratt"
    __table_args__ = (UniqueConstraint("konto_id", "organisation", "plan_kod", "enhet_kod", name="uq_konto_ratt"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    konto_id: Mapped[int] = mapped_column(ForeignKey("konto.id", ondelete="CASCADE"))
    organisation: Mapped[str] = mapped_column(String(200))
    plan_kod: Mapped[str] = mapped_column(String(50), default="", server_default="")   # "" = alla planer
    enhet_kod: Mapped[str] = mapped_column(String(100))


class Inloggning(Bas):
    """En inloggning på servern (kakan bär bara en slumpad nyckel; här ligger dess SHA-256).
    Utloggning tar bort raden, så en sparad kaka slutar gälla direkt."""
    __tablename__ = "inloggning"
    __table_args__ = (Index("ix_inloggning_konto", "konto_id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    konto_id: Mapped[Optional[int]] = mapped_column(ForeignKey("konto.id", ondelete="CASCADE"))  # None: startadmin
    satt: Mapped[str] = mapped_column(String(20))                   # losenord / oidc / start
    tagg: Mapped[Optional[str]] = mapped_column(String(64))         # startadmin: bunden till lösenordet
    skapad: Mapped[dt.datetime] = mapped_column(DateTime)
    utgar: Mapped[dt.datetime] = mapped_column(DateTime)
    adress: Mapped[Optional[str]] = mapped_column(String(100))


class Inloggningsforsok(Bas):
    """Misslyckade inloggningar per konto och per adress (för växande väntetid)."""
    __tablename__ = "inloggningsforsok"
    __table_args__ = (Index("ix_inloggningsforsok_senast", "senast"),)
    nyckel: Mapped[str] = mapped_column(String(300), primary_key=True)  # "konto:namn" / "adress:ip"
    antal: Mapped[int] = mapped_column(Integer, default=0)
    senast: Mapped[float] = mapped_column(Float, default=0.0)        # Unix-tid för senaste felet
    vanta_till: Mapped[float] = mapped_column(Float, default=0.0)    # Unix-tid då väntan slutar


# --- Kolada: jämförelsevärden (python -m data.kolada hamta), aldrig planens egna utfall ---

class KoladaKpi(Bas):
    """Ett Kolada-nyckeltal som planens indikatorer pekar på (titel och beskrivning som hämtade)."""
    __tablename__ = "kolada_kpi"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)    # "N03103"
    titel: Mapped[str] = mapped_column(Text)
    beskrivning: Mapped[Optional[str]] = mapped_column(Text)
    hamtad: Mapped[dt.datetime] = mapped_column(DateTime)
    kalla_url: Mapped[str] = mapped_column(String(1000))


class KoladaVarde(Bas):
    """Ett värde ur Kolada: nyckeltal × kommun (eller grupp, 0000 = riket) × år × kön."""
    __tablename__ = "kolada_varde"
    __table_args__ = (UniqueConstraint("kpi", "kommun", "ar", "kon"), Index("ix_kolada_varde_kpi", "kpi", "ar"))
    id: Mapped[int] = mapped_column(primary_key=True)
    kpi: Mapped[str] = mapped_column(String(20))
    kommun: Mapped[str] = mapped_column(String(20))           # Koladas id: kommun, "0000" (riket), "G123456"
    ar: Mapped[int]
    kon: Mapped[str] = mapped_column(String(1))               # T totalt, K kvinnor, M män
    varde: Mapped[Optional[float]] = mapped_column(Float)
    status: Mapped[Optional[str]] = mapped_column(String(40))
    antal: Mapped[Optional[int]]                              # antal kommuner bakom ett gruppvärde
    hamtad: Mapped[dt.datetime] = mapped_column(DateTime)
    kalla_url: Mapped[str] = mapped_column(String(1000))


# --- Rapportrundan (issue 22): öppnas per plan och period, följs per enhet, stängs med låsningen ---

class Rapportrunda(Bas):
    """En rapportrunda för en period: sista dag (och en tidigare sista dag för enheterna). Rundan är
    stängd när perioden är låst."""
    __tablename__ = "rapportrunda"
    __table_args__ = (UniqueConstraint("period_id", name="uq_rapportrunda_period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    sista_dag: Mapped[dt.date] = mapped_column(Date)
    sista_dag_enheter: Mapped[Optional[dt.date]] = mapped_column(Date)
    oppnad_av: Mapped[str] = mapped_column(String(200))
    oppnad: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class Rundahandelse(Bas):
    """En enhets del i rundan byter tillstånd (klar, godkänd, återsänd) – eller rundan öppnas/ändras.
    Den senaste händelsen per enhet är delens tillstånd; inget skrivs över."""
    __tablename__ = "rundahandelse"
    __table_args__ = (Index("ix_rundahandelse_runda", "runda_id", "enhet_kod"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    runda_id: Mapped[int] = mapped_column(ForeignKey("rapportrunda.id"))
    enhet_kod: Mapped[Optional[str]] = mapped_column(String(100))   # None: hela rundan
    handelse: Mapped[str] = mapped_column(String(20))               # öppnad / klar / godkänd / återsänd
    kommentar: Mapped[Optional[str]] = mapped_column(Text)
    av: Mapped[str] = mapped_column(String(200))
    tid: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class Utskick(Bas):
    """Ett skickat e-brev (påminnelse eller besked). Nyckeln är unik: samma påminnelse skickas aldrig två gånger."""
    __tablename__ = "utskick"
    __table_args__ = (Index("ix_utskick_runda", "runda_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    nyckel: Mapped[str] = mapped_column(String(300), unique=True)  # "paminnelse:RUNDA:KONTO:fore" …
    runda_id: Mapped[int] = mapped_column(ForeignKey("rapportrunda.id"))
    konto_id: Mapped[Optional[int]] = mapped_column(ForeignKey("konto.id", ondelete="SET NULL"))
    slag: Mapped[str] = mapped_column(String(30))                   # påminnelse / klar / återsänd
    till: Mapped[str] = mapped_column(String(320))                  # adressen brevet gick till
    avsedd: Mapped[str] = mapped_column(String(320))                # kontots adress (skiljer vid omdirigering)
    amne: Mapped[str] = mapped_column(String(300))
    skickad: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


# --- Sammanträden (issue 24): vad nämnden visades, fryst och oföränderligt ---

class Sammantrade(Bas):
    """Ett sammanträdes underlag: allt sidorna, exporten och delårsrapporten visade för planen, perioden
    och filtret när underlaget skapades (innehall: frågesvaren som JSON, data/lagring/kodning.py).
    Raden ändras och raderas aldrig (utlösare i databasen, migreringen 0012); en rättelse är en ny rad
    som pekar ut den den ersätter."""
    __tablename__ = "sammantrade"
    __table_args__ = (Index("ix_sammantrade_plan_datum", "plan_id", "datum"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    datum: Mapped[dt.date] = mapped_column(Date)
    organ: Mapped[str] = mapped_column(String(200))                  # nämnden som sammanträdde
    organ_kort: Mapped[Optional[str]] = mapped_column(String(50))    # nämndens kortform i etiketten
    diarienummer: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(100))
    urval: Mapped[Optional[dict]] = mapped_column(JSON)              # enhet, roll, status (tomt: hela planen)
    skapad: Mapped[dt.datetime] = mapped_column(DateTime)            # UTC
    skapad_av: Mapped[str] = mapped_column(String(200))
    ersatter_id: Mapped[Optional[int]] = mapped_column(ForeignKey("sammantrade.id"))
    innehall: Mapped[str] = mapped_column(Text)
    kontrollsumma: Mapped[str] = mapped_column(String(64))          # sha256 av innehall (UTF-8)
