"""Indikatordiagrammen i delårsrapporten som PNG, ritade med matplotlib (Agg) – utan webbläsare och
nätverk. Samma serier som sidornas plotly-diagram (data.uppfoljning.serier): nuvärde och planens mål
streckade i orange, utfallen i blått per ursprung, exempel i grått med kryss. Svenska tal på axeln och
vid punkterna. Samma data ger samma bild (inga tidsstämplar i filen).

Varför inte plotly + kaleido: kaleido startar Chromium och tog 0,35–0,5 s per figur på de här
maskinerna (60 diagram ≈ 20–30 s), långt över rapportens 5 s; matplotlib ritar en figur på några
hundradels sekunder i processen.

Tiden (issue 23, docs/benchmarks.md avsnitt 7): en figur per tråd återanvänds (axlarna och deras
streck skapas en gång), årsstrecken står på fasta positioner i stället för datumlokaliserare, målen
är en linje i stället för en per punkt – samma bild byte för byte, ungefär halva tiden. Bilden ritas
en gång per data: processens minne (LRU) och det delade lagret (data/lagring/delat.py, Redis eller
diskcache) under en hash av datan, så Word och PDF i olika arbetsprocesser delar bilderna. Inte
parallellt: ritandet är Python under GIL (trådar hjälper inte) och processer måste importera
matplotlib (≈ 0,5 s) på en maskin med två kärnor som andra också använder. Inte SVG till PDF:en:
WeasyPrint skulle då lägga ut och måla varje diagrams element i Python, och Word behöver PNG ändå."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import logging
import threading

import matplotlib
from PIL import Image

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from data.lagring import cache, delat
from data.uppfoljning import format as fmt

log = logging.getLogger(__name__)

ORANGE, BLA, GRA, TEXT = "#b35900", "#0060a0", "#595959", "#1a1a1a"
# ursprung → (förklaring, markör, fylld, linje, färg), som sidornas serier
SERIER = {
    "publicerat": ("Utfall (publicerat)", "o", True, "-", BLA),
    "publicerat (prognos)": ("Prognos (publicerad)", "o", False, ":", BLA),
    "rapporterat": ("Utfall (rapporterat)", "s", True, "-", BLA),
    "exempel": ("Exempel (påhittat)", "x", True, ":", GRA),
}
BREDD_CM, HOJD_CM, DPI = 16.0, 6.2, 120
RITNING = "2"                    # räkna upp när bilden ändras: nycklarna i det delade lagret byts då
LAGER_TTL = 7 * 24 * 60 * 60     # en bild i det delade lagret lever en vecka (lagret har också en storleksgräns)
PNG_SIGNATUR = b"\x89PNG\r\n\x1a\n"


def _ar_axel(ax, datum: list[dt.date]) -> None:
    """Streck vid årsskiftena, årtalet mitt över året (ett mål för 2020 står vid 2020-12-31: vid årets
    slut). Fasta positioner: datumlokaliserarna räknade om varje gång och kostade en femtedel av ritandet."""
    ar = sorted({d.year for d in datum}) or [dt.date.today().year]
    ax.set_xlim(date2num(dt.date(ar[0], 1, 1)), date2num(dt.date(ar[-1] + 1, 2, 15)))
    ax.set_xticks([date2num(dt.date(a, 1, 1)) for a in range(ar[0], ar[-1] + 2)], labels=[])
    ax.set_xticks([date2num(dt.date(a, 7, 1)) for a in range(ar[0], ar[-1] + 1)],
                  labels=[str(a) for a in range(ar[0], ar[-1] + 1)], minor=True)


def _y_axel(ax, varden: list[float]) -> None:
    lag, hog = min(varden + [0.0]), max(varden + [0.0])
    spann = (hog - lag) or abs(hog) or 1.0
    ax.set_ylim(lag - (0.2 * spann if lag < 0 else 0), hog + 0.25 * spann)


def _ny_ram() -> tuple[Figure, object, FigureCanvasAgg]:
    """Figuren med det som är lika i alla diagram (storlek, ram, rutnät, teckenstorlekar)."""
    fig = Figure(figsize=(BREDD_CM / 2.54, HOJD_CM / 2.54), dpi=DPI)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.tick_params(axis="x", which="major", length=5, color=GRA)
    ax.tick_params(axis="x", which="minor", length=0, labelsize=7, labelcolor=TEXT)
    ax.tick_params(labelsize=7, colors=TEXT)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.tal(round(v, 6))))
    ax.grid(axis="y", color="#e6e6e6", lw=0.6)
    for sida in ("top", "right"):
        ax.spines[sida].set_visible(False)
    fig.subplots_adjust(left=0.1, right=0.98, top=0.84, bottom=0.1)   # fast ram: tight_layout ritar om allt
    return fig, ax, canvas


_lokal = threading.local()


def _ram() -> tuple[Figure, object, FigureCanvasAgg]:
    """Trådens figur, tömd på förra diagrammets linjer, texter och förklaring. Att återanvända figuren
    sparar axlarna och deras streck (en ny figur per diagram var ≈ 40 % av ritandet); allt som skiljer
    diagrammen åt sätts på nytt i `_rita`, så bilden beror bara på datan (test_delarsrapport prövar det)."""
    ram = getattr(_lokal, "ram", None)
    if ram is None:
        ram = _lokal.ram = _ny_ram()
    ax = ram[1]
    for a in [*ax.lines, *ax.texts]:
        a.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()
    return ram


def png(serier: dict, enhet: str = "") -> bytes:
    """Diagrammet som PNG-bytes (serier från data.uppfoljning.serier.indikatorserier). Samma data ger
    samma bild, så de senaste bilderna återanvänds i processen (Word och sedan PDF ritar en gång) och i
    det delade lagret under en nyckel ur datan (en annan arbetsprocess, eller samma rapport senare)."""
    return _ritad(serier_tuple(serier), enhet)


def serier_tuple(serier: dict) -> tuple:
    """Serierna som oföränderliga värden (nyckel i cachen)."""
    return (serier["nuvarde"], tuple(serier["mal"]), tuple(serier["utfall"]))


def lagernyckel(serier_t: tuple, enhet: str) -> str:
    """Nyckeln i det delade lagret: en hash av datan, ritarens version och bildens mått (innehållsadresserad:
    ny data eller ny ritning ger en ny nyckel, så inget behöver glömmas)."""
    grund = repr((RITNING, matplotlib.__version__, BREDD_CM, HOJD_CM, DPI, serier_t, enhet))
    return "delarsrapport:diagram:" + hashlib.sha256(grund.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=256)
def _ritad(serier_t: tuple, enhet: str) -> bytes:
    nyckel = lagernyckel(serier_t, enhet)
    if not cache.avstangd():
        lagrad = delat.hamta_sakert(nyckel, cache.lager)
        if lagrad and lagrad.startswith(PNG_SIGNATUR):
            return lagrad
    bild = _rita_png(serier_t, enhet)
    if not cache.avstangd():
        delat.spara_sakert(nyckel, bild, LAGER_TTL, cache.lager)
    return bild


def _rita_png(serier_t: tuple, enhet: str) -> bytes:
    fig, ax, canvas = _ram()
    _rita(ax, serier_t, enhet)
    canvas.draw()
    # RGB utan alfakanal: PDF:en behöver då ingen mask per bild (WeasyPrint kodar annars om två gånger)
    bild = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    bild.convert("RGB").save(buf, format="PNG", compress_level=6)   # inga tidsstämplar i filen
    return buf.getvalue()


def _etikett(ax, p, dy: float, farg: str) -> None:
    ax.annotate(fmt.tal(p[1]), (date2num(p[0]), p[1]), textcoords="offset points", xytext=(0, dy),
                ha="center", fontsize=7, color=farg)


def _rita(ax, serier_t: tuple, enhet: str) -> None:
    nuv, mal, ut = serier_t[0], list(serier_t[1]), list(serier_t[2])
    malp = ([nuv] if nuv else []) + list(mal)
    datum, varden = [p[0] for p in malp + ut], [p[1] for p in malp + ut]
    if malp:
        ax.plot([p[0] for p in malp], [p[1] for p in malp], ls="--", color=ORANGE, lw=1.6, label="Nuvärde och mål",
                zorder=2)
        if nuv:     # nuvärdet som ofylld kvadrat, målen som fyllda romber (en linje per sort, inte per punkt)
            ax.plot([nuv[0]], [nuv[1]], ls="", marker="s", ms=6, color=ORANGE, mfc="white", zorder=3)
        if mal:
            ax.plot([p[0] for p in mal], [p[1] for p in mal], ls="", marker="D", ms=6, color=ORANGE, zorder=3)
        for p in malp:
            _etikett(ax, p, 7, ORANGE)
    for typ, (namn, markor, fylld, linje, farg) in SERIER.items():
        punkter = [p for p in ut if p[4] == typ]
        if not punkter:
            continue
        ax.plot([p[0] for p in punkter], [p[1] for p in punkter], ls=linje, marker=markor, ms=6, lw=1.6,
                color=farg, mfc=farg if fylld else "white", label=namn, zorder=4)
        for p in punkter:
            over = any(m[0] == p[0] and p[1] > m[1] for m in malp)
            _etikett(ax, p, 7 if over else -11, farg)
    _ar_axel(ax, datum)
    _y_axel(ax, varden)
    ax.set_ylabel("mnkr" if enhet == "mkr" else enhet, fontsize=7, color=TEXT)
    ax.legend(fontsize=7, frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3)
