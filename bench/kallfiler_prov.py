"""Prov på källfilerna (issue 20: "ingen indata ger en traceback"): varje värde i varje YAML-fil i
en plan byts i tur och ordning mot fel sorts värde (ingenting, text, tal, sanningsvärde, lista,
post, ett datum som inte finns, tom text), och hela filen mot en sådan. Läsningen
(`data.planen.kallor.las_plan`) ska då svara med KallfilFel – fil och post – och aldrig med något
annat undantag. Slutkod 1 och en rad per ny sorts krasch (undantag, rad, funktion) annars.

    python -m bench.kallfiler_prov [--katalog tests/data/plan_testkoping]   # ~3 600 fall, ~1 min ledig maskin

Körs för hand (tar för lång tid för CI); resultatet står i docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import copy
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

import yaml

ROT = Path(__file__).resolve().parent.parent
if str(ROT) not in sys.path:
    sys.path.insert(0, str(ROT))

from data.planen.kallor import KallfilFel, las_plan  # noqa: E402

VARDEN = [None, "text", 7, -1, 2.5, True, [], {}, ["a"], {"a": 1}, "2025-04-31", "", "  "]


def _vagar(d, fore=()):
    if isinstance(d, dict):
        for k, v in d.items():
            yield fore + (k,)
            yield from _vagar(v, fore + (k,))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            yield fore + (i,)
            yield from _vagar(v, fore + (i,))


def _satt(d, vag, v):
    for k in vag[:-1]:
        d = d[k]
    d[vag[-1]] = v


def prova(katalog: Path) -> tuple[int, dict]:
    """(antal fall, krascher per (undantag, rad, funktion) → första fallet)."""
    krascher: dict = {}
    antal = 0
    with tempfile.TemporaryDirectory(prefix="malkoll_kallprov_") as tmp:
        kopia = Path(tmp) / "plan"
        for fil in sorted(katalog.glob("*.yaml")):
            orig = yaml.safe_load(fil.read_text(encoding="utf-8"))
            for vag in [(), *_vagar(orig)]:
                for v in VARDEN:
                    data = v if vag == () else copy.deepcopy(orig)
                    if vag:
                        _satt(data, vag, v)
                    if kopia.exists():
                        shutil.rmtree(kopia)
                    shutil.copytree(katalog, kopia)
                    (kopia / fil.name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
                    antal += 1
                    try:
                        las_plan(kopia)
                    except KallfilFel:
                        pass
                    except Exception as e:  # noqa: BLE001 – just det provet letar efter
                        sista = traceback.extract_tb(e.__traceback__)[-1]
                        krascher.setdefault((type(e).__name__, sista.lineno, sista.name),
                                            (fil.name, vag, v, str(e)[:120]))
    return antal, krascher


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.kallfiler_prov", description=__doc__.splitlines()[0])
    ap.add_argument("--katalog", type=Path, default=ROT / "tests" / "data" / "plan_testkoping")
    a = ap.parse_args(argv)
    antal, krascher = prova(a.katalog)
    print(f"{antal} fall i {a.katalog}: {len(krascher)} sorters krascher")
    for nyckel, fall in krascher.items():
        print(f"  {nyckel}: {fall}")
    return 1 if krascher else 0


if __name__ == "__main__":
    sys.exit(main())
