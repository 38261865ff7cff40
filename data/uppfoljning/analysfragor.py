"""Analystexterna som DataFrames: den gällande versionen per text och hela historiken.

En analystext är kontorets skrivna bedömning för en period: planens sammanfattning (niva "plan"),
bedömningen per målområde ("malomrade", nyckel = målområdets nr), per inriktningsmål
("inriktningsmal", nr som tryckt) och per uppdrag ("uppdrag", kod), och rapportens diarienummer.
Varje sparning är en ny rad (data.rapportering.analys skriver); den senaste gäller.
Skalan för bedömningen följer planens statusord (data.uppfoljning.status)."""
from __future__ import annotations

import logging

import pandas as pd
from sqlalchemy import select

from data.lagring import db
from data.lagring.cache import frysbar
from data.lagring.models import Analystext, Period
from data.uppfoljning import fragor, status, ursprung
from data.uppfoljning.plankontext import Plankontext

log = logging.getLogger(__name__)

NIVAER = ("plan", "malomrade", "inriktningsmal", "uppdrag", "diarienummer")
KOLUMNER = ["niva", "nyckel", "bedomning", "text", "skriven_av", "skriven", "version", "id"]
# Bedömningens skala per nivå: målområdet som målområdesstatusen, inriktningsmålet som styrelsens
# bedömning av inriktningsmål; planens sammanfattning, uppdrag och diarienummer har ingen.
SKALOR: dict[str, tuple[str, ...]] = {
    "malomrade": status.MALOMRADESSTATUS,
    "inriktningsmal": status.BEDOMNINGAR,
}


def skala(niva: str) -> tuple[str, ...]:
    """Bedömningens tillåtna ord för nivån (tom: ingen bedömning, bara text)."""
    return SKALOR.get(niva, ())


def _genitiv(namn: str) -> str:
    namn = namn.strip()
    return namn if namn[-1:].lower() in ("s", "x", "z") else namn + "s"


def bedomningsrubrik(plan: dict) -> str:
    """Rubriken över målområdets bedömning med planens egen nämnd: "<Nämnd>s bedömning av framsteg"
    (planens ord: "en kvalitativ bedömning av framsteg vid rapporteringstillfällena")."""
    return f"{_genitiv(str(plan.get('namnd') or 'Nämnden'))} bedömning av framsteg"


def historik_fraga(plan: Plankontext, period: str):
    """SQL-frågan bakom historiken."""
    return (select(Analystext.id, Analystext.niva, Analystext.nyckel, Analystext.bedomning, Analystext.text,
                   Analystext.skriven_av, Analystext.skriven)
            .join(Period, Period.id == Analystext.period_id)
            .where(Period.plan_id == plan.id, Period.namn == period).order_by(Analystext.id))


def historik_ur(df: pd.DataFrame) -> pd.DataFrame:
    """Frågans rader → alla versioner, nyast först, med versionsnummer per text (1 = första). Ren."""
    if df.empty:
        return pd.DataFrame(columns=KOLUMNER)
    df = df.copy()
    df["nyckel"] = df.nyckel.fillna("").astype(str)
    df = df.sort_values("id")
    df["version"] = df.groupby(["niva", "nyckel"]).cumcount() + 1
    df["skriven"] = pd.to_datetime(df.skriven)
    return df.iloc[::-1][KOLUMNER].reset_index(drop=True)


def gallande_ur(historik_df: pd.DataFrame) -> pd.DataFrame:
    """Den gällande (senaste) versionen per text; en tömd text (tom text och ingen bedömning) räknas
    som ingen text. Ren."""
    df = historik_df
    if df.empty:
        return df
    df = df.sort_values("id").groupby(["niva", "nyckel"]).tail(1)
    df = df[(df.text.fillna("").str.strip() != "") | df.bedomning.notna()]
    return df.sort_values(["niva", "nyckel"]).reset_index(drop=True)


def historik(plan: Plankontext, period: str, niva: str | None = None, nyckel: str | None = None) -> pd.DataFrame:
    """Alla versioner för perioden (nyast först), med versionsnummer per text."""
    with db.motor().connect() as conn:
        df = historik_ur(pd.read_sql_query(historik_fraga(plan, period), conn))
    if not df.empty:   # vem som skrev: visningsnamn, aldrig inloggningsnamn (export, API, delårsrapport)
        namn = fragor.kontonamn()
        df["skriven_av"] = [ursprung.offentligt_namn(v, namn) for v in df.skriven_av]
    if niva is not None:
        df = df[df.niva == niva]
    if nyckel is not None:
        df = df[df.nyckel == str(nyckel)]
    return df.reset_index(drop=True)


@frysbar
def gallande(plan: Plankontext, period: str) -> pd.DataFrame:
    """Den gällande versionen per text för perioden (fryses i ett sammanträdes underlag)."""
    return gallande_ur(historik(plan, period))


def som_karta(df: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """(niva, nyckel) → {"bedomning", "text", "skriven_av", "skriven", "version"} för dokumentet."""
    return {(r.niva, str(r.nyckel)): {"bedomning": r.bedomning if isinstance(r.bedomning, str) else None,
                                      "text": r.text or "", "skriven_av": r.skriven_av,
                                      "skriven": r.skriven, "version": int(r.version)}
            for r in df.itertuples()}
