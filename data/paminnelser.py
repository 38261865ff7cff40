"""Kommandot `python -m data.paminnelser`: rapportrundans påminnelser och besked med e-post
(koden: data.rapportering.paminnelser). Körs en gång om dagen från cron eller en systemd-timer
(docs/drift.md).

    python -m data.paminnelser skicka [--visa] [--datum ÅÅÅÅ-MM-DD]

Slutkod 0 klart (också när inget behövde skickas), 1 när e-post inte går att skicka (inställning
saknas, servern svarar inte – då sparas ingenting och nästa körning försöker igen), 2 felaktig
användning.
"""
from __future__ import annotations

import sys

from data.planen import kommando
from data.rapportering import paminnelser, runda


def tolkare() -> kommando.Parser:
    ap = kommando.Parser(prog="python -m data.paminnelser", description="Rapportrundans påminnelser med e-post.")
    sub = ap.add_subparsers(dest="kommando", required=True, parser_class=kommando.Parser)
    sk = sub.add_parser("skicka", help="skicka dagens påminnelser och besked (en gång om dagen)")
    sk.add_argument("--visa", action="store_true", help="visa bara vad som skulle skickas")
    sk.add_argument("--datum", type=runda.datum_argument, default=None,
                    help="räkna som om det vore ÅÅÅÅ-MM-DD (för att prova inställningarna)")
    return ap


def main(argv: list[str] | None = None) -> int:
    a = tolkare().parse_args(argv)

    def steg() -> int:
        kommando.starta()
        try:
            brev = paminnelser.planera(a.datum) if a.visa else paminnelser.skicka(a.datum)
        except paminnelser.Epostfel as e:
            print(f"Fel: {e}", file=sys.stderr)
            return 1
        for b in brev:
            if a.visa:
                print(f"Till {b.namn} <{b.adress}>: {b.amne}\n\n{b.text()}\n" + "-" * 60)
            else:
                print(f"Skickat till {b.adress}: {b.amne}")
        print(f"{len(brev)} brev {'skulle skickas' if a.visa else 'skickade'}.")
        return 0
    return kommando.kor(steg)


if __name__ == "__main__":
    sys.exit(main())
