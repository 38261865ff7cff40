"""Kommandot `python -m data.runda`: rapportrundor (koden: data.rapportering.runda).

    python -m data.runda oppna [--plan KOD] --period PERIOD --sista-dag ÅÅÅÅ-MM-DD [--sista-dag-enheter ÅÅÅÅ-MM-DD]
    python -m data.runda status [--plan KOD] [--period PERIOD]

`oppna` öppnar rundan för planens period (eller ändrar sista dagarna i en öppen runda); `status` visar
enheternas delar. Slutkod 0 klart, 1 vägrat (t.ex. perioden är låst), 2 felaktig användning (okänd
plan eller period, datum som inte är ÅÅÅÅ-MM-DD) – alltid en svensk rad.
"""
from __future__ import annotations

import sys

from data.planen import kommando
from data.planen.kommando import Kommandofel
from data.rapportering import runda
from data.rapportering.rapport import Anvandningsfel, Importfel
from data.uppfoljning.plankontext import Plankontext


def tolkare() -> kommando.Parser:
    ap = kommando.Parser(prog="python -m data.runda", description="Rapportrundor: sista dag, enheternas delar.")
    sub = ap.add_subparsers(dest="kommando", required=True, parser_class=kommando.Parser)
    o = sub.add_parser("oppna", help="öppna en runda (eller ändra dess sista dagar)")
    o.add_argument("--period", required=True, help="periodens namn som i planen")
    o.add_argument("--sista-dag", required=True, type=runda.datum_argument, help="rundans sista dag, ÅÅÅÅ-MM-DD")
    o.add_argument("--sista-dag-enheter", type=runda.datum_argument, default=None,
                   help="en tidigare sista dag för enheterna (standard: samma)")
    st = sub.add_parser("status", help="visa rundan per enhet")
    st.add_argument("--period", default=None, help="standard: den öppna rundan")
    for p in (o, st):
        kommando.plan_argument(p)
    return ap


def _status(plan: Plankontext, period: str | None) -> int:
    r = runda.hamta(plan, period)
    if r is None:
        print(f"Ingen rapportrunda för {period or 'någon period'} i {plan}.")
        return 1
    df = runda.delar(r)
    print(f"{r.period} ({r.plan}), sista dag {r.sista_dag:%Y-%m-%d}{' – stängd' if r.stangd else ''}: "
          f"{runda.sammanfattning(df)}")
    for d in df.itertuples():
        print(f"  {d.enhet:<24} {d.tillstand:<12} {d.rapporterade} av {d.forvantade} rapporterade"
              f"{'  SEN' if d.sen else ''}")
    return 0


def main(argv: list[str] | None = None) -> int:
    a = tolkare().parse_args(argv)

    def steg() -> int:
        kommando.starta()
        plan = kommando.los_plan(a.plan)
        try:
            if a.kommando == "status":
                return _status(plan, a.period)
            r = runda.oppna(runda.kommandoradens_administrator(), plan, a.period, a.sista_dag, a.sista_dag_enheter)
        except Anvandningsfel as e:
            raise Kommandofel(" ".join(e.fel)) from None
        except Importfel as e:
            for f in e.fel:
                print(f"Fel: {f}", file=sys.stderr)
            return 1
        enheter = f", för enheterna {r.sista_dag_enheter:%Y-%m-%d}" if r.sista_dag_enheter != r.sista_dag else ""
        print(f"Rapportrundan för {r.period} ({r.plan}) är öppen: sista dag {r.sista_dag:%Y-%m-%d}{enheter}.")
        return 0
    return kommando.kor(steg)


if __name__ == "__main__":
    sys.exit(main())
