"""Frågefunktioner: det sidorna behöver, som pandas DataFrames.

Varje funktion gör ett fåtal frågor oavsett antal rader (inga frågor per rad). Status
beräknas med de rena reglerna i data.uppfoljning.regler.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from typing import Iterable

import pandas as pd
from sqlalchemy import func, literal, select, union_all

from data.lagring import db, installningar
from data.uppfoljning import jamforelse, namnd as namnd_, regler, tidigare as tidigare_, urval, ursprung as ursprung_
from data.lagring.cache import cachad, per_begaran
from data.uppfoljning.plankontext import Plankontext
from data.uppfoljning.urval import Urval
from data.lagring.models import (Atgard, AtgardEnhet, Atgardsrapport, Budgetbelopp, Budgetrad,
                         Budgetutfall, Enhet, Fokusomrade, Indikator, IndikatorEnhet,
                         Indikatorutfall, Inriktningsmal, KoladaKpi, KoladaVarde, Konto, KontoRatt, Malbedomning,
                         Malomrade, Malvarde, Period, Plan, SarskiltUppdrag, Uppdrag)

def _offentliga_namn(df: pd.DataFrame) -> pd.DataFrame:
    """Kolumnen rapporterad_av som sidor, export och API visar den: kontots visningsnamn eller enheter,
    aldrig inloggningsnamnet (ursprung.offentligt_namn). Ändringsloggen för administratörer läser själv."""
    if "rapporterad_av" not in df.columns:
        return df
    namn = kontonamn()
    df["rapporterad_av"] = [ursprung_.offentligt_namn(v, namn) for v in df.rapporterad_av]
    return df


@per_begaran
def kontonamn() -> dict[str, str]:
    """Inloggningsnamn → namnet som visas offentligt: visningsnamnet, annars kontots enheter."""
    konton = _df(select(Konto.namn, Konto.visningsnamn, Konto.roll))
    ratter = _df(select(Konto.namn, KontoRatt.enhet_kod).join(KontoRatt, KontoRatt.konto_id == Konto.id))
    enheter = ratter.groupby("namn").enhet_kod.agg(lambda x: ", ".join(dict.fromkeys(x))).to_dict()
    namn = {k.namn: (k.visningsnamn if isinstance(k.visningsnamn, str) and k.visningsnamn.strip()
                     and k.visningsnamn != k.namn else enheter.get(k.namn) or
                     ("administratör" if k.roll == "administrator" else "rapportör"))
            for k in konton.itertuples()}
    namn.setdefault("admin", "Startadministratör")   # data.konton.anvandare.STARTNAMN, innan något konto finns
    return namn


def _df(stmt) -> pd.DataFrame:
    with db.motor().connect() as conn:
        return pd.read_sql_query(stmt, conn)


def standardplan() -> str:
    """Planen som visas utan ?plan=: MALKOLL_STANDARDPLAN, annars den först inlästa riktiga planen."""
    df = planer()
    if df.empty:
        raise LookupError("Ingen plan finns i databasen")
    vald = installningar.aktuella().standardplan
    if vald and vald in set(df.kod):
        return vald
    riktiga = df[~df.syntetisk.astype(bool)].sort_values("id")
    return str((riktiga if not riktiga.empty else df.sort_values("id")).kod.iloc[0])


def los_plan(kod: "str | Plankontext | None" = None, sammantrade: int | None = None) -> Plankontext:
    """Kantens enda steg: planvalet (en kod, eller None för standardplanen) som en Plankontext.
    LookupError för en plan som inte finns."""
    if isinstance(kod, Plankontext):
        return kod
    kod = kod or standardplan()
    df = planer()
    rad = df[df.kod == kod]
    if rad.empty:
        raise LookupError(f"Planen {kod!r} finns inte")
    pid = int(rad.id.iloc[0])
    info = _plan_info_id(pid)
    per = _periodnamn(pid)
    return Plankontext(kod=kod, id=pid, namn=str(info["namn"]), ar=int(info["ar"]),
                       namnd=namnd_.fran_info(info), malar=tuple(info["malar"]), perioder=tuple(per),
                       standardperiod=info.get("standardperiod") or None,
                       syntetisk=bool(rad.syntetisk.iloc[0]), sammantrade=sammantrade)


@cachad
def _periodrader(pid: int) -> pd.DataFrame:
    """Planens perioder i tidsordning (en fråga, som los_plan och perioder delar inom en förfrågan)."""
    return _df(select(Period.id, Period.namn, Period.ar, Period.typ, Period.slutdatum, Period.last)
               .where(Period.plan_id == pid).order_by(Period.slutdatum))


def _periodnamn(pid: int) -> list[str]:
    """Planens perioders namn i tidsordning."""
    return list(_periodrader(pid).namn)


def plan_info(plan: Plankontext) -> dict:
    """Planens rad: kod, namn, nämnd, kommun, år, vision, målår, texter, Kolada-inställning."""
    return _plan_info_id(plan.id)


@cachad
def _plan_info_id(pid: int) -> dict:
    df = _df(select(Plan.kod, Plan.namn, Plan.namnd, Plan.namnd_kort, Plan.namnd_genitiv, Plan.kommun,
                    Plan.kommunkod, Plan.texter, Plan.ar, Plan.vision, Plan.malar, Plan.ambitionsar,
                    Plan.personalmal, Plan.standardperiod, Plan.kolada).where(Plan.id == pid))
    info = df.iloc[0].to_dict()
    malar, texter = info.get("malar"), info.get("texter")
    kolada = info.get("kolada")
    info["kolada"] = dict((json.loads(kolada) if isinstance(kolada, str) else kolada) or {})
    info["malar"] = [int(a) for a in (json.loads(malar) if isinstance(malar, str) else malar or [])]
    info["texter"] = (json.loads(texter) if isinstance(texter, str) else texter) or {}
    return info


def namnden(plan: Plankontext) -> namnd_.Namnd:
    """Planens nämnd och kommun med deras ord (rubriker, uppdragstyper, nivåer)."""
    return plan.namnd


@cachad
def planens_delar(plan: Plankontext) -> dict[str, bool]:
    """Vilka delar planen har (sidor och menyval visas bara för dem): arbetsgivare (HR), särskilda
    uppdrag, budget (och därmed skattepengar) och kolada (kommunens Kolada-id och nyckeltal)."""
    pid = plan.id
    antal = {namn: _df(select(func.count()).select_from(modell).where(modell.plan_id == pid)).iloc[0, 0]
             for namn, modell in (("arbetsgivare", Fokusomrade), ("sarskilda", SarskiltUppdrag),
                                  ("budget", Budgetrad))}
    kpi = _df(select(func.count()).select_from(Indikator).where(
        Indikator.plan_id == pid, Indikator.kolada_kpi.is_not(None))).iloc[0, 0]
    delar, inst = {k: bool(v) for k, v in antal.items()}, kolada_installning(plan)
    return {**delar, "skattepengar": delar["budget"],
            "kolada": bool(kpi or inst.get("nyckeltal")) and bool(inst.get("kommun"))}


def inlasningsvarningar(plan: Plankontext) -> list[str]:
    """Varningarna från planens senaste inläsning (fil, post, text), t.ex. tidpunkter utan datum.
    Ocachad: bara administratörens ändringslogg läser dem."""
    pid = plan.id
    with db.session() as s:
        return list(s.scalar(select(Plan.varningar).where(Plan.id == pid)) or [])


@cachad
def planer() -> pd.DataFrame:
    return _df(select(Plan.id, Plan.kod, Plan.namn, Plan.namnd, Plan.kommun, Plan.ar, Plan.syntetisk)
               .order_by(Plan.syntetisk, Plan.ar, Plan.namnd, Plan.kod))


# --- Urvalet ---

def _jamforform(s: str) -> str:
    """Jämförelseform: gemener, enkla mellanslag, inga mellanslag kring '/'."""
    return urval.normalisera_stavning(s)


@cachad
def enhetsstavningar(plan: Plankontext) -> dict[str, list[str]]:
    """Jämförelseform → kanoniska koder: koden, namnet och planens stavningar (enheter.yaml:s
    alias och sammansatta stavningar, så som de står i AtgardEnhet/IndikatorEnhet)."""
    pid = plan.id
    enh = enheter(plan)
    ut: dict[str, list[str]] = {}
    for kod, namn in zip(enh.kod, enh.namn):
        ut.setdefault(_jamforform(kod), [kod])
        ut.setdefault(_jamforform(namn), [kod])
    for tabell in (AtgardEnhet, IndikatorEnhet):
        df = _df(select(tabell.stavning, Enhet.kod).join(Enhet, Enhet.id == tabell.enhet_id)
                 .where(Enhet.plan_id == pid).distinct())
        for stavning, g in df.groupby("stavning"):
            nyckel = _jamforform(stavning)
            if nyckel not in ut or len(ut[nyckel]) < g.kod.nunique():
                ut[nyckel] = sorted(set(g.kod))
    return ut


def _sla_upp(varde: str | None, kanda: Iterable[str]) -> str | None:
    """Det kända värde som `varde` är (utan hänsyn till versaler och mellanslag), annars `varde`."""
    if not varde:
        return varde
    per_form = {_jamforform(k): k for k in kanda}
    return per_form.get(_jamforform(varde), varde)


def normalisera_urval(u: Urval) -> Urval:
    """Urvalet med planens egna stavningar: enhetskoder oavsett versaler och via planens alias
    (enheter.yaml), period, status och plan oavsett versaler. Okända värden lämnas kvar så att
    kontrollera_urval kan säga vad som är fel (inget vidgas tyst)."""
    plan = _sla_upp(u.plan, planer().kod)
    if plan and plan not in set(planer().kod):
        return u
    kp = los_plan(plan)   # urvalet bär koden (URL:ens tillstånd); frågorna får den upplösta planen
    period = _sla_upp(u.period, perioder(kp).namn)
    kanda = set(enheter(kp).kod)
    stav = enhetsstavningar(kp) if any(e not in kanda for e in u.enhet) else {}
    enhet: list[str] = []
    for e in u.enhet:
        enhet.extend([e] if e in kanda else stav.get(_jamforform(e), [e]))
    status = [_sla_upp(s, regler.ATGARDSSTATUS_ALLA) for s in u.status]
    return u.med(plan=plan, period=period, enhet=list(dict.fromkeys(enhet)), status=status)


def kontrollera_urval(u: Urval) -> list[str]:
    """Svenska felmeddelanden för värden i urvalet som planen inte känner (plan, period, enhet,
    status, målområde); tom lista när allt är känt. Sidor, export och API visar dem i stället
    för att tyst visa allt."""
    koder = list(planer().kod)
    if u.plan and u.plan not in koder:
        return [f"okänd plan ”{u.plan}”; välj bland: {', '.join(koder)}"]
    kp = los_plan(u.plan)
    fel = []
    if u.period:
        namn = list(perioder(kp).namn)
        if u.period not in namn:
            fel.append(f"okänd period ”{u.period}”; välj bland: {', '.join(namn)}")
    if u.enhet:
        kanda = set(enheter(kp).kod)
        okanda = [e for e in u.enhet if e not in kanda]
        if okanda:
            fel.append(f"okänd enhet ”{', '.join(okanda)}”; välj bland: {', '.join(sorted(kanda))} "
                       "(versaler spelar ingen roll, planens stavningar i enheter.yaml går också)")
    okanda = [s for s in u.status if s not in regler.ATGARDSSTATUS_ALLA]
    if okanda:
        fel.append(f"okänd status ”{', '.join(okanda)}”; välj bland: {', '.join(regler.ATGARDSSTATUS_ALLA)}")
    if u.vy == "malomrade":
        nr = list(malomraden(kp).nr)
        if u.malomrade not in nr:
            fel.append(f"okänt målområde ”{u.malomrade}”; planen har målområde {', '.join(map(str, nr))}")
    return fel


# --- Perioder och enheter ---

@cachad
def perioder(plan: Plankontext) -> pd.DataFrame:
    """Planens rapportperioder i tidsordning med flagga för om något är rapporterat i dem."""
    pid = plan.id
    df = _periodrader(pid).copy()
    # En fråga (UNION ALL) i stället för fyra: slag 0 = åtgärdsrapporter, 1–3 = övriga rapporter
    rapporterat = union_all(
        select(literal(0).label("slag"), Atgardsrapport.period_id).join(Atgard, Atgard.id == Atgardsrapport.atgard_id)
        .where(Atgard.plan_id == pid).distinct(),
        select(literal(1).label("slag"), Indikatorutfall.period_id)
        .join(Indikator, Indikator.id == Indikatorutfall.indikator_id).where(Indikator.plan_id == pid).distinct(),
        select(literal(2).label("slag"), Malbedomning.period_id)
        .join(Inriktningsmal, Inriktningsmal.id == Malbedomning.inriktningsmal_id)
        .join(Malomrade, Malomrade.id == Inriktningsmal.malomrade_id).where(Malomrade.plan_id == pid).distinct(),
        select(literal(3).label("slag"), Budgetutfall.period_id)
        .join(Budgetrad, Budgetrad.id == Budgetutfall.budgetrad_id).where(Budgetrad.plan_id == pid).distinct(),
    )
    rader = _df(rapporterat)
    med = set(rader.period_id)
    atg = set(rader.period_id[rader.slag == 0])
    df["har_rapporter"] = df.id.isin(med)
    df["har_atgardsrapporter"] = df.id.isin(atg)
    df["slutdatum"] = pd.to_datetime(df.slutdatum).dt.date
    return df


@cachad
def vald_period(namn: str | None = None, *, plan: Plankontext) -> pd.Series:
    """Perioden med namnet `namn`, annars den fastlåsta (plan.yaml: standardperiod, eller
    MALKOLL_STANDARDPERIOD), annars enligt regler.standardperiod (senaste period med rapporterade
    åtgärder …). Fältet `valgrund` säger varför perioden visas."""
    df = perioder(plan)
    for kandidat, skal in ((namn, regler.SKAL_VALD),
                           (plan_info(plan).get("standardperiod"), regler.SKAL_PLAN),
                           (installningar.aktuella().standardperiod, regler.SKAL_MILJO)):
        rad = df[df.namn == kandidat] if kandidat else df.iloc[0:0]
        if not rad.empty:
            return rad.iloc[0].copy().pipe(_med_grund, skal)
    std, skal = regler.standardperiod(list(zip(df.namn, df.har_atgardsrapporter, df.har_rapporter)))
    return df[df.namn == std].iloc[0].copy().pipe(_med_grund, skal)


@cachad
def senaste_bedombara_period(plan: Plankontext) -> str | None:
    """Den senaste perioden där något målområde har en bedömd status (inte Kan inte bedömas, REGEL_MALOMRADE;
    hela planen, inget filter), eller None."""
    df = perioder(plan)
    for namn in reversed(list(df[df.har_rapporter.astype(bool)].namn)):
        atg, ind = atgarder(period=namn, plan=plan), indikatorer(period=namn, plan=plan)
        for nr in sorted(set(atg.malomrade) | set(ind.malomrade.dropna())):
            a, i = atg[atg.malomrade == nr], ind[ind.malomrade == nr]
            sam = regler.malomradesstatus([regler.atgard_for_sammanfattning(st, isinstance(r, str))
                                           for st, r in zip(a.status, a.rapporterad_status)], i.status)
            if sam.status != regler.KAN_INTE:
                return str(namn)
    return None


def _med_grund(rad: pd.Series, skal: str) -> pd.Series:
    rad["valgrund"] = skal
    return rad


def foregaende_period(per: pd.Series, plan: Plankontext) -> pd.Series | None:
    """Föregående sammanträdes period: den senaste perioden före `per` (en rad ur vald_period) som har
    rapporter."""
    df = perioder(plan)
    fore = df[(df.slutdatum < per.slutdatum) & df.har_rapporter]
    return fore.iloc[-1] if not fore.empty else None


def forandringar(atg: pd.DataFrame, ind: pd.DataFrame, per: pd.Series, plan: Plankontext) -> tuple[pd.DataFrame, pd.Series | None]:
    """Åtgärder och indikatorer (sidans egna, redan hämtade vid perioden `per`) vars status har ändrats
    sedan föregående period, och den perioden (None om ingen finns). Statusen jämförs bara med en status
    av samma slag då (tidigare.statusandring: ett exempel jämförs aldrig med kommunens rapportering).
    Kolumner: typ, malomrade, kod, text, fore (status då), fore_exempel (fore är ett exempel, bara
    nämnt), status (nu), exempel (nu), forandring, skal. Status då räknas med samma regler ur periodens
    rapporter, med och utan exempel – fyra frågor, inte sidans alla frågor en gång till."""
    kol = ["typ", "malomrade", "kod", "text", "fore", "fore_exempel", "status", "exempel", "forandring", "skal"]
    fore = foregaende_period(per, plan)
    if fore is None:
        return pd.DataFrame(columns=kol), None
    per = per.namn
    pid = plan.id
    delar = []  # båda delarna körs också när en är tom: lika många frågor oavsett antal rader
    rapkol = ["rapporterad_status", "kommentar", "rapporterad_av", "rapporterad", "kalla", "kalla_url",
              "exempel", "rapportperiod", "status", "status_skal", "period"]
    bas = atg.drop(columns=[k for k in rapkol if k in atg])
    da = [_visad_atgardsstatus(bas.copy(), pid, fore, utan_exempel=u) for u in (False, True)]
    delar.append(_jamfor(atg.assign(nu_rapporterad=atg.rapportperiod == per), da, fore.namn, "Åtgärd", "text",
                         ("kalla_url", "rapporterad_av")))
    ind = ind[ind.malomrade.notna()]
    statisk = ind[[k for k in ind.columns if not k.startswith(("utfall_", "foregaende_", "trend"))
                   and k not in ("status", "status_skal", "exempel", "period")]]
    ut = utfall(ind.id.tolist())
    da = [_utfall_och_status(statisk.copy(), u, fore, plan_info(plan)["malar"])
          for u in (ut, ut[~ut.exempel.astype(bool)] if not ut.empty else ut)]
    delar.append(_jamfor(ind.assign(nu_rapporterad=True), da, fore.namn, "Indikator", "namn",
                         ("utfall_kalla_url", "utfall_rapporterad_av")))
    ut = pd.concat(delar, ignore_index=True)[kol]
    ut["malomrade"] = ut.malomrade.astype(int)
    return ut.reset_index(drop=True), fore


def _jamfor(nu: pd.DataFrame, da: list[pd.DataFrame], fore: str, typ: str, textkol: str,
            proveniens: tuple[str, str]) -> pd.DataFrame:
    """Nu mot då (da: [med exempel, utan exempel]) enligt tidigare.statusandring."""
    def historik(kod) -> list[tidigare_.Tidigare]:
        med, utan = (d.get(kod) for d in dan)
        if med is None:
            return []
        ut = [tidigare_.Tidigare(fore, med[0], med[1])]
        return ([tidigare_.Tidigare(fore, utan[0], utan[1])] + ut) if tidigare_.ar_exempel(med[1]) and utan else ut

    dan = [{r.kod: (r.status, ursprung_.ursprung(r.exempel, getattr(r, proveniens[0]), getattr(r, proveniens[1])))
            for r in d.itertuples()} for d in da]
    rader = []
    for r in nu.itertuples():
        urs = ursprung_.ursprung(r.exempel, getattr(r, proveniens[0]), getattr(r, proveniens[1]))
        a = tidigare_.statusandring(r.status, urs, bool(r.nu_rapporterad), historik(r.kod))
        if a.forandring != regler.OFORANDRAD:
            rader.append({"typ": typ, "malomrade": r.malomrade, "kod": r.kod, "text": getattr(r, textkol),
                          "fore": a.fore, "fore_exempel": a.fore_exempel, "status": r.status,
                          "exempel": tidigare_.ar_exempel(urs), "forandring": a.forandring, "skal": r.status_skal})
    return pd.DataFrame(rader, columns=["typ", "malomrade", "kod", "text", "fore", "fore_exempel", "status",
                                        "exempel", "forandring", "skal"])


@cachad
def enheter(plan: Plankontext) -> pd.DataFrame:
    """Planens enheter med förälder, djup och sökväg för gruppering (KSK → SHB → MEX)."""
    pid = plan.id
    df = _df(select(Enhet.id, Enhet.kod, Enhet.namn, Enhet.foralder_id, Enhet.extern, Enhet.ordning)
             .where(Enhet.plan_id == pid).order_by(Enhet.ordning))
    kod_for_id = dict(zip(df.id, df.kod))
    df["foralder"] = df.foralder_id.map(lambda x: kod_for_id.get(x) if pd.notna(x) else None)
    df["djup"] = df.kod.str.count("/")
    return df


def med_underenheter(koder: Iterable[str], plan: Plankontext) -> set[str]:
    """Koderna och alla deras underenheter i planen (en förälder omfattar sina barn)."""
    valda = {k for k in koder if k}
    if not valda:
        return set()
    alla = enheter(plan).kod
    return {k for k in alla if any(k == v or k.startswith(v + "/") for v in valda)}


# --- Målområden ---

@cachad
def malomraden(plan: Plankontext) -> pd.DataFrame:
    pid = plan.id
    return _df(select(Malomrade.id, Malomrade.nr, Malomrade.titel, Malomrade.beskrivning,
                      Malomrade.ambitionsniva, Malomrade.tolkning, Malomrade.uppfoljning)
               .where(Malomrade.plan_id == pid).order_by(Malomrade.nr))


@cachad
def inriktningsmal(nr: int | None = None, period: str | None = None, *, plan: Plankontext) -> pd.DataFrame:
    """Inriktningsmål med styrelsens senaste bedömning i perioden (bedömningar görs per rapport och
    förs inte vidare till senare perioder)."""
    pid = plan.id
    stmt = (select(Inriktningsmal.id, Malomrade.nr.label("malomrade"), Inriktningsmal.nr,
                   Inriktningsmal.titel, Inriktningsmal.beskrivning, Inriktningsmal.ordning)
            .join(Malomrade, Malomrade.id == Inriktningsmal.malomrade_id)
            .where(Malomrade.plan_id == pid).order_by(Malomrade.nr, Inriktningsmal.ordning))
    if nr is not None:
        stmt = stmt.where(Malomrade.nr == nr)
    df = _df(stmt)
    per = vald_period(period, plan=plan)
    bed = _df(select(Malbedomning.inriktningsmal_id, Malbedomning.bedomning, Malbedomning.motivering,
                     Malbedomning.rapporterad_av, Malbedomning.rapporterad, Malbedomning.exempel,
                     Malbedomning.kalla_url, Malbedomning.id.label("rid"), Period.namn.label("period"),
                     Period.slutdatum)
              .join(Period, Period.id == Malbedomning.period_id)
              .join(Inriktningsmal, Inriktningsmal.id == Malbedomning.inriktningsmal_id)
              .join(Malomrade, Malomrade.id == Inriktningsmal.malomrade_id)
              .where(Period.id == int(per.id), Malomrade.plan_id == pid))
    bed = _offentliga_namn(bed)
    if not bed.empty:
        bed = bed.sort_values(["slutdatum", "rapporterad", "rid"]).groupby("inriktningsmal_id").tail(1)
        df = df.merge(bed.drop(columns=["rid", "slutdatum"]), left_on="id", right_on="inriktningsmal_id",
                      how="left").drop(columns=["inriktningsmal_id"])
    else:
        for k in ("bedomning", "motivering", "rapporterad_av", "rapporterad", "exempel", "kalla_url", "period"):
            df[k] = None
    df["bedomning"] = df.bedomning.fillna("Ej rapporterad")
    return df


# --- Uppdrag ---

@cachad
def uppdrag(nr: int | None = None, *, plan: Plankontext) -> pd.DataFrame:
    """Uppdragen (KF-uppdrag och nämndens egna initiativ) i planens ordning, med målområdets nummer."""
    pid = plan.id
    stmt = (select(Uppdrag.kod, Malomrade.nr.label("malomrade"), Uppdrag.typ, Uppdrag.titel,
                   Uppdrag.tolkning, Uppdrag.ordning)
            .join(Malomrade, Malomrade.id == Uppdrag.malomrade_id).where(Uppdrag.plan_id == pid))
    if nr is not None:
        stmt = stmt.where(Malomrade.nr == nr)
    df = _df(stmt)
    return (df.assign(_t=(df.typ != namnd_.KF_UPPDRAG).astype(int)).sort_values(["malomrade", "_t", "ordning"])
            .drop(columns=["_t", "ordning"]).reset_index(drop=True))


# --- Åtgärder ---

@cachad
def atgardsrapporter_till(pid: int, slutdatum) -> pd.DataFrame:
    """Planens åtgärdsrapporter i perioder som slutar senast `slutdatum` (rapportören med offentligt namn)."""
    return _offentliga_namn(_df(select(Atgardsrapport.atgard_id, Atgardsrapport.status.label("rapporterad_status"),
                      Atgardsrapport.kommentar, Atgardsrapport.rapporterad_av, Atgardsrapport.rapporterad,
                      Atgardsrapport.kalla, Atgardsrapport.kalla_url, Atgardsrapport.exempel,
                      Atgardsrapport.id.label("rid"), Period.namn.label("rapportperiod"), Period.slutdatum)
               .join(Period, Period.id == Atgardsrapport.period_id)
               .join(Atgard, Atgard.id == Atgardsrapport.atgard_id)
               .where(Atgard.plan_id == pid, Period.slutdatum <= slutdatum)))


def _visad_atgardsstatus(df: pd.DataFrame, pid: int, per: pd.Series, utan_exempel: bool = False) -> pd.DataFrame:
    """Åtgärdernas rapport vid perioden (periodens egen, annars en tidigare avslutande) och visad status;
    utan_exempel: som om exemplen inte fanns (kommunens egen rapportering)."""
    rap = atgardsrapporter_till(pid, per.slutdatum)
    if utan_exempel and not rap.empty:
        rap = rap[~rap.exempel.fillna(False).astype(bool)].copy()
    if not rap.empty:
        rap["slutdatum"] = pd.to_datetime(rap.slutdatum).dt.date
        rap = rap.sort_values(["slutdatum", "rapporterad", "rid"])
        # Periodens egen rapport; annars en tidigare avslutande (Genomförd/Struken)
        i_per = rap[rap.slutdatum == per.slutdatum].groupby("atgard_id").tail(1)
        avsl = rap[rap.rapporterad_status.isin(regler.AVSLUTADE)].groupby("atgard_id").tail(1)
        senaste = pd.concat([avsl[~avsl.atgard_id.isin(i_per.atgard_id)], i_per])
        df = df.merge(senaste.drop(columns=["rid", "slutdatum"]), left_on="id", right_on="atgard_id",
                      how="left").drop(columns=["atgard_id"])
    else:
        for k in ("rapporterad_status", "kommentar", "rapporterad_av", "rapporterad", "kalla", "kalla_url",
                  "exempel", "rapportperiod"):
            df[k] = None
    df["forfallodatum"] = [None if pd.isna(x) else pd.Timestamp(x).date() for x in df.forfallodatum]
    visad = [regler.atgardsstatus(rs if isinstance(rs, str) else None, fd, per.slutdatum, tp or "")
             for rs, fd, tp in zip(df.rapporterad_status, df.forfallodatum, df.tidpunkt)]
    df["status"] = [v.status for v in visad]
    df["status_skal"] = [v.skal for v in visad]
    df["period"] = per.namn
    df["exempel"] = df.exempel.fillna(False).astype(bool)
    return df


@cachad
def atgarder(nr: int | None = None, enhet: Iterable[str] | None = None, roll: str | None = None,
             period: str | None = None, status: Iterable[str] | None = None,
             *, plan: Plankontext) -> pd.DataFrame:
    """Åtgärder med uppdrag, enheter och status vid perioden.

    enhet: kanoniska koder; en förälder omfattar sina underenheter. roll="ansvarig" begränsar
    till enheter som är ansvariga (annars även i samverkan). status: visad status att behålla.
    """
    pid = plan.id
    stmt = (select(Atgard.id, Atgard.kod, Malomrade.nr.label("malomrade"), Uppdrag.kod.label("uppdrag_kod"),
                   Uppdrag.typ.label("uppdragstyp"), Uppdrag.titel.label("uppdrag"),
                   Uppdrag.tolkning.label("uppdrag_tolkning"), Uppdrag.ordning.label("uppdrag_ordning"),
                   Atgard.text, Atgard.effekt, Atgard.ansvar, Atgard.tidpunkt, Atgard.forfallodatum,
                   Atgard.ordning)
            .join(Uppdrag, Uppdrag.id == Atgard.uppdrag_id)
            .join(Malomrade, Malomrade.id == Uppdrag.malomrade_id)
            .where(Atgard.plan_id == pid))
    if nr is not None:
        stmt = stmt.where(Malomrade.nr == nr)
    df = _df(stmt)
    lankar = _df(select(AtgardEnhet.atgard_id, AtgardEnhet.roll, Enhet.kod)
                 .join(Enhet, Enhet.id == AtgardEnhet.enhet_id)
                 .join(Atgard, Atgard.id == AtgardEnhet.atgard_id).where(Atgard.plan_id == pid))
    lankar = lankar.sort_values(["atgard_id", "roll", "kod"])
    ansv = lankar[lankar.roll == "ansvarig"].groupby("atgard_id").kod.apply(list)
    samv = lankar[lankar.roll == "i samverkan"].groupby("atgard_id").kod.apply(list)
    df["ansvariga"] = df.id.map(ansv).apply(lambda x: x if isinstance(x, list) else [])
    df["i_samverkan"] = df.id.map(samv).apply(lambda x: x if isinstance(x, list) else [])
    df["enheter"] = [", ".join(dict.fromkeys(a + b)) for a, b in zip(df.ansvariga, df.i_samverkan)]

    valda = med_underenheter(enhet or [], plan)
    if valda:
        rel = lankar if roll != "ansvarig" else lankar[lankar.roll == "ansvarig"]
        traffar = set(rel[rel.kod.isin(valda)].atgard_id)
        df = df[df.id.isin(traffar)]

    per = vald_period(period, plan=plan)
    df = _visad_atgardsstatus(df, pid, per)
    if status:
        df = df[df.status.isin(list(status))]
    df = df.assign(_t=(df.uppdragstyp != namnd_.KF_UPPDRAG).astype(int)).sort_values(
        ["malomrade", "_t", "uppdrag_ordning", "ordning"]).drop(columns="_t")
    return df.reset_index(drop=True)


# --- Indikatorer ---

def _malvarden(pid: int) -> pd.DataFrame:
    """Gällande målvärde per indikator och år: den senast satta raden."""
    mv = _df(select(Malvarde.indikator_id, Malvarde.ar, Malvarde.varde, Malvarde.text, Malvarde.satt,
                    Malvarde.id, Malvarde.fran_planen, Malvarde.kalla)
             .join(Indikator, Indikator.id == Malvarde.indikator_id).where(Indikator.plan_id == pid))
    return mv.sort_values(["satt", "id"]).groupby(["indikator_id", "ar"]).tail(1)


def _utfall_och_status(df: pd.DataFrame, ut: pd.DataFrame, per: pd.Series, malar: list[int]) -> pd.DataFrame:
    """Indikatorernas utfall vid perioden, föregående värde, status och trend (regler.indikatorstatus)."""
    ut_per = ut[ut.slutdatum <= per.slutdatum]
    senaste = ut_per[ut_per.period == per.namn].groupby("indikator_id").tail(1).set_index("indikator_id")
    historik: dict[int, list[tidigare_.Tidigare]] = {}
    for r in ut_per[(ut_per.period != per.namn) & ut_per.varde.notna()].itertuples():
        historik.setdefault(r.indikator_id, []).append(tidigare_.Tidigare(
            r.period, float(r.varde), ursprung_.ursprung(r.exempel, r.kalla_url, r.rapporterad_av)))
    for k in ("varde", "text", "kommentar", "kan_inte_bedomas", "status", "kalla", "kalla_url", "exempel",
              "rapporterad_av", "rapporterad"):
        df[f"utfall_{k}" if k not in ("exempel",) else k] = df.id.map(senaste[k]) if not senaste.empty else None
    df["period"] = per.namn
    ar = int(per.ar)
    statusar, skal, trender = [], [], []
    for r in df.itertuples():
        utv = getattr(r, "utfall_varde")
        utv = None if utv is None or pd.isna(utv) else float(utv)
        mal = getattr(r, f"mal_{ar}", None) if ar in malar else None
        mal = None if mal is None or pd.isna(mal) else float(mal)
        maltext = getattr(r, f"mal_{ar}_text", None) if ar in malar else None
        kib = bool(r.utfall_kan_inte_bedomas) if pd.notna(r.utfall_kan_inte_bedomas) else False
        if r.kvalitativ and not kib:
            rapp = r.utfall_status if isinstance(r.utfall_status, str) else None
            has = isinstance(r.utfall_text, str) or rapp
            st = regler.Status(rapp or (regler.EJ_RAPPORTERAD if not has else regler.KAN_INTE),
                               "Kvalitativ indikator: status enligt rapporten." if has
                               else "Inget utfall rapporterat för perioden.")
        else:
            st = regler.indikatorstatus(utv, mal, r.riktning, None if pd.isna(r.nuvarde) else r.nuvarde,
                                        maltext if isinstance(maltext, str) else None, kib,
                                        r.utfall_kommentar if isinstance(r.utfall_kommentar, str) else "")
        statusar.append(st.status)
        skal.append(st.skal)
        trender.append(tidigare_.trend(utv, ursprung_.ursprung(r.exempel, r.utfall_kalla_url, r.utfall_rapporterad_av),
                                       r.riktning, historik.get(r.id, [])))
    df["status"], df["status_skal"] = statusar, skal
    df["trend"] = [t.trend for t in trender]
    df["trend_rorelse"] = [t.rorelse for t in trender]
    df["foregaende_varde"] = [t.fore.varde if t.fore else None for t in trender]
    df["foregaende_period"] = [t.fore.period if t.fore else None for t in trender]
    df["foregaende_exempel_varde"] = [t.exempel.varde if t.exempel else None for t in trender]
    df["foregaende_exempel_period"] = [t.exempel.period if t.exempel else None for t in trender]
    return df


@cachad
def indikatorer(nr: int | None = None, arbetsgivare: bool = False, enhet: Iterable[str] | None = None,
                period: str | None = None, *, plan: Plankontext) -> pd.DataFrame:
    """Indikatorer med nuvärde, gällande mål 2020–2022, utfall vid perioden och status.

    nr: målområde; arbetsgivare=True: HR-indikatorerna (fokusområden). enhet: behåll indikatorer
    vars ansvariga avdelning matchar (underenheter ingår).
    """
    pid = plan.id
    stmt = (select(Indikator.id, Indikator.kod, Malomrade.nr.label("malomrade"),
                   Fokusomrade.nr.label("fokusomrade"), Fokusomrade.titel.label("fokusomrade_titel"),
                   Indikator.niva, Indikator.namn, Indikator.mattenhet, Indikator.riktning, Indikator.nuvarde,
                   Indikator.nuvarde_text, Indikator.nuvarde_ar, Indikator.ansvarig, Indikator.kalla,
                   Indikator.matintervall, Indikator.fotnot, Indikator.kvalitativ, Indikator.kvalitativa_mal,
                   Indikator.ordning)
            .outerjoin(Malomrade, Malomrade.id == Indikator.malomrade_id)
            .outerjoin(Fokusomrade, Fokusomrade.id == Indikator.fokusomrade_id)
            .where(Indikator.plan_id == pid))
    if arbetsgivare:
        stmt = stmt.where(Indikator.fokusomrade_id.is_not(None))
    elif nr is not None:
        stmt = stmt.where(Malomrade.nr == nr)
    df = _df(stmt.order_by(Malomrade.nr.nulls_last(), Fokusomrade.nr, Indikator.ordning))
    valda = med_underenheter(enhet or [], plan)
    if valda:
        lank = _df(select(IndikatorEnhet.indikator_id, Enhet.kod).join(Enhet, Enhet.id == IndikatorEnhet.enhet_id)
                   .join(Indikator, Indikator.id == IndikatorEnhet.indikator_id).where(Indikator.plan_id == pid))
        df = df[df.id.isin(set(lank[lank.kod.isin(valda)].indikator_id))]
    mv = _malvarden(pid)
    malar = plan_info(plan)["malar"]
    for ar in malar:
        m = mv[mv.ar == ar].set_index("indikator_id")
        df[f"mal_{ar}"] = df.id.map(m.varde)
        df[f"mal_{ar}_text"] = df.id.map(m.text)
        df[f"mal_{ar}_fran_planen"] = df.id.map(m.fran_planen)
    per = vald_period(period, plan=plan)
    df = _utfall_och_status(df, utfall(df.id.tolist()), per, malar)
    df["exempel"] = df.exempel.fillna(False).astype(bool) if "exempel" in df else False
    return df.reset_index(drop=True)


@cachad
def utfall(indikator_ids: list[int] | None = None) -> pd.DataFrame:
    """Alla rapporterade utfall (historik), den senaste per indikator och period sist."""
    stmt = (select(Indikatorutfall.indikator_id, Indikatorutfall.varde, Indikatorutfall.text,
                   Indikatorutfall.kommentar, Indikatorutfall.kan_inte_bedomas, Indikatorutfall.status,
                   Indikatorutfall.kalla, Indikatorutfall.kalla_url, Indikatorutfall.exempel,
                   Indikatorutfall.rapporterad_av, Indikatorutfall.rapporterad, Indikatorutfall.id.label("rid"),
                   Period.namn.label("period"), Period.slutdatum)
            .join(Period, Period.id == Indikatorutfall.period_id))
    if indikator_ids is not None:
        stmt = stmt.where(Indikatorutfall.indikator_id.in_(indikator_ids or [-1]))
    df = _offentliga_namn(_df(stmt))
    df["slutdatum"] = pd.to_datetime(df.slutdatum).dt.date
    # Publicerade värden går före exempeldata i samma period
    df["_prio"] = (~df.exempel.astype(bool)).astype(int)
    return df.sort_values(["slutdatum", "_prio", "rapporterad", "rid"]).drop(columns="_prio").reset_index(drop=True)


@cachad
def atgardsrapporter(period: str | None = None, *, plan: Plankontext) -> pd.DataFrame:
    """Alla rapporterade åtgärdsstatusar (historik) för planen, i tidsordning; `period` begränsar."""
    pid = plan.id
    stmt = (select(Atgard.kod.label("atgard"), Period.namn.label("period"), Period.slutdatum,
                   Atgardsrapport.status, Atgardsrapport.kommentar, Atgardsrapport.kalla,
                   Atgardsrapport.kalla_url, Atgardsrapport.exempel, Atgardsrapport.rapporterad,
                   Atgardsrapport.id.label("rid"))
            .join(Period, Period.id == Atgardsrapport.period_id)
            .join(Atgard, Atgard.id == Atgardsrapport.atgard_id).where(Atgard.plan_id == pid))
    if period:
        stmt = stmt.where(Period.namn == period)
    df = _df(stmt)
    df["slutdatum"] = pd.to_datetime(df.slutdatum).dt.date
    return df.sort_values(["slutdatum", "atgard", "rapporterad", "rid"]).drop(columns="rid").reset_index(drop=True)


@cachad
def malvarden(plan: Plankontext) -> pd.DataFrame:
    """Gällande målvärde per indikator och år (ett ändrat mål ersätter planens), långt format."""
    pid = plan.id
    mv = _malvarden(pid)
    kod = _df(select(Indikator.id.label("iid"), Indikator.kod, Indikator.ordning).where(Indikator.plan_id == pid))
    df = mv.merge(kod, left_on="indikator_id", right_on="iid")
    return (df.sort_values(["ordning", "kod", "ar"])[["kod", "ar", "varde", "text", "fran_planen", "kalla", "satt"]]
            .reset_index(drop=True))


# --- Arbetsgivare, särskilda uppdrag ---

@cachad
def fokusomraden(plan: Plankontext) -> pd.DataFrame:
    pid = plan.id
    return _df(select(Fokusomrade.nr, Fokusomrade.titel, Fokusomrade.nyckelord)
               .where(Fokusomrade.plan_id == pid).order_by(Fokusomrade.nr))


@cachad
def sarskilda_uppdrag(plan: Plankontext) -> pd.DataFrame:
    pid = plan.id
    return _df(select(SarskiltUppdrag.kod, SarskiltUppdrag.titel, SarskiltUppdrag.beskrivning,
                      SarskiltUppdrag.inriktning, SarskiltUppdrag.kommentar)
               .where(SarskiltUppdrag.plan_id == pid).order_by(SarskiltUppdrag.ordning))


# --- Budget ---

@cachad
def budget(tabell: str | None = None, *, plan: Plankontext) -> pd.DataFrame:
    """Budgetrader i långt format: en rad per post och kolumn (belopp i tkr)."""
    pid = plan.id
    stmt = (select(Budgetrad.id.label("rad_id"), Budgetrad.tabell, Budgetrad.grupp, Budgetrad.post,
                   Budgetrad.typ, Budgetrad.fotnot, Budgetrad.forklaring, Budgetrad.ordning, Budgetbelopp.kolumn,
                   Budgetbelopp.slag, Budgetbelopp.ar, Budgetbelopp.varde)
            .outerjoin(Budgetbelopp, Budgetbelopp.rad_id == Budgetrad.id)
            .where(Budgetrad.plan_id == pid).order_by(Budgetrad.tabell, Budgetrad.ordning, Budgetbelopp.ar))
    if tabell:
        stmt = stmt.where(Budgetrad.tabell == tabell)
    df = _df(stmt)
    df["varde"] = df.varde.astype(float)
    return df


@cachad
def budget_bred(tabell: str, plan: Plankontext) -> pd.DataFrame:
    """En budgettabell som i planen: en rad per post, en kolumn per år/kolumnrubrik."""
    df = budget(tabell, plan=plan)
    rader = df.drop_duplicates("rad_id")[["rad_id", "grupp", "post", "typ", "fotnot", "ordning"]]
    kolumner = list(dict.fromkeys(df.dropna(subset=["kolumn"]).sort_values("ar").kolumn))
    bred = df.dropna(subset=["kolumn"]).pivot(index="rad_id", columns="kolumn", values="varde")
    ut = rader.merge(bred, left_on="rad_id", right_index=True, how="left").sort_values("ordning")
    return ut[["rad_id", "grupp", "post", "typ", "fotnot"] + kolumner].reset_index(drop=True)


@cachad
def budgetutfall(period: str | None = None, *, plan: Plankontext) -> pd.DataFrame:
    """Senaste budgetutfall och prognos per budgetrad för perioden (tom om inget rapporterats)."""
    pid = plan.id
    per = vald_period(period, plan=plan)
    df = _df(select(Budgetutfall.budgetrad_id.label("rad_id"), Budgetrad.tabell, Budgetrad.post,
                    Budgetutfall.utfall, Budgetutfall.prognos, Budgetutfall.avvikelse, Budgetutfall.kommentar,
                    Budgetutfall.kalla,
                    Budgetutfall.kalla_url, Budgetutfall.exempel, Budgetutfall.rapporterad,
                    Budgetutfall.rapporterad_av, Budgetutfall.id.label("rid"))
             .join(Budgetrad, Budgetrad.id == Budgetutfall.budgetrad_id)
             .join(Period, Period.id == Budgetutfall.period_id)
             .where(Budgetrad.plan_id == pid, Period.id == int(per.id)))
    df = _offentliga_namn(df)
    df = df.sort_values(["rapporterad", "rid"]).groupby("rad_id").tail(1).drop(columns="rid")
    for k in ("utfall", "prognos", "avvikelse"):
        df[k] = df[k].astype(float)
    df["period"] = per.namn
    return df.reset_index(drop=True)


# --- Kolada (jämförelser; aldrig planens egna utfall) ---

@cachad
def kolada_installning(plan: Plankontext) -> dict:
    """plan.yaml `kolada`: kommunens id, rikets id och jämförelsegruppen (tomt om planen inte anger något)."""
    # Ur plan_info (samma rad i plan, som sidan redan läst): en fråga mindre per sida med Kolada-rader
    return dict(plan_info(plan)["kolada"])


@cachad
def kolada_indikatorer(plan: Plankontext) -> pd.DataFrame:
    """Planens indikatorer med deras Kolada-KPI-id:n (lista, tom om inga) och KPI-titlar när de hämtats."""
    pid = plan.id
    df = _df(select(Indikator.id, Indikator.kod, Indikator.namn, Indikator.mattenhet, Indikator.riktning,
                    Indikator.kolada_kpi, Malomrade.nr.label("malomrade"), Indikator.ordning)
             .outerjoin(Malomrade, Malomrade.id == Indikator.malomrade_id)
             .where(Indikator.plan_id == pid).order_by(Malomrade.nr.nulls_last(), Indikator.ordning))
    df["kpi"] = [[x for x in (v or "").split(",") if x] if isinstance(v, str) else [] for v in df.kolada_kpi]
    titlar = _df(select(KoladaKpi.id, KoladaKpi.titel, KoladaKpi.beskrivning, KoladaKpi.hamtad))
    df["kpi_titlar"] = [{k: titlar.set_index("id").titel.get(k) for k in kpi} for kpi in df.kpi]
    return df.drop(columns=["kolada_kpi"])


@cachad
def kolada_varden(kpi: list[str] | None = None) -> pd.DataFrame:
    """Hämtade Kolada-värden (alla kommuner, riket, grupper) för nyckeltalen, med hämtningstid och källa."""
    stmt = select(KoladaVarde.kpi, KoladaVarde.kommun, KoladaVarde.ar, KoladaVarde.kon, KoladaVarde.varde,
                  KoladaVarde.status, KoladaVarde.antal, KoladaVarde.hamtad, KoladaVarde.kalla_url)
    if kpi is not None:
        stmt = stmt.where(KoladaVarde.kpi.in_(kpi or ["-"]))
    return _df(stmt.order_by(KoladaVarde.kpi, KoladaVarde.ar, KoladaVarde.kommun, KoladaVarde.kon))


@dataclass
class Jamforelse:
    """Planens Kolada-jämförelse: inställningen, nyckeltalen och värdena (data.uppfoljning.jamforelse)."""
    inst: dict
    nyckeltal: list
    varden: pd.DataFrame
    kommunnamn: str


def kolada_jamforelse(plan: Plankontext) -> Jamforelse:
    """Kommunen mot jämförelsegruppen, gruppens medel och riket för planens Kolada-nyckeltal."""
    inst = kolada_installning(plan)
    kommunnamn = inst.get("namn") or (plan_info(plan).get("kommun") or "Kommunen").removesuffix(" kommun")
    nt = jamforelse.nyckeltal(inst, kolada_indikatorer(plan))
    df = kolada_varden([n.id for n in nt]) if nt else None
    return Jamforelse(inst, nt, jamforelse.varden(inst, df, kommunnamn), kommunnamn)
