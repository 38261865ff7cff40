"""Läsbarhet i sammanträdesläget: textstorleken för all synlig text på en sida (HTML och diagrammens
SVG-text; hovringsrutor räknas inte) och krockar mellan diagramförklaringar och värdeetiketter.

    python -m tools.lasbarhet URL [BREDD HÖJD]     # min, median och andelen under 20 px, de minsta texterna

Används av webbläsartesterna (tests/test_lasbarhet.py)."""
from __future__ import annotations

import logging
import statistics
import sys
from dataclasses import dataclass

log = logging.getLogger(__name__)

# Varje synlig textnod: storleken (px), antalet tecken, texten och var den står. Dolt räknas inte:
# display/visibility, ihopfällda <details>, .visually-hidden (klippt till 1 px), utanför sidan,
# diagrammens hovringslager.
TEXTER_JS = r"""
const ut = [];
const gomd = new Map();
function dold(e) {
  if (gomd.has(e)) return gomd.get(e);
  let svar = false;
  if (!e || e === document.documentElement) svar = false;
  else if (e.closest('.hoverlayer, .modebar-container, #js-plotly-tester, script, style, noscript, title')) svar = true;
  else if (typeof e.checkVisibility === 'function' && !e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) svar = true;
  else {
    const s = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    if (s.overflow !== 'visible' && (r.width <= 1 || r.height <= 1)) svar = true;
    else if (s.clip && s.clip.startsWith('rect(0')) svar = true;
    else svar = e.parentElement ? dold(e.parentElement) : false;
  }
  gomd.set(e, svar);
  return svar;
}
function var_(e) {
  const delar = [];
  for (let x = e; x && x.id !== '_pages_content' && delar.length < 3; x = x.parentElement) {
    const k = (x.getAttribute && (x.getAttribute('class') || '')).toString().trim().split(/\s+/)[0];
    delar.unshift(x.tagName.toLowerCase() + (k ? '.' + k : ''));
  }
  return delar.join(' > ');
}
const bredd = document.documentElement.scrollWidth;
const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = w.nextNode(); n; n = w.nextNode()) {
  const t = n.textContent.replace(/\s+/g, ' ').trim();
  if (!t) continue;
  const e = n.parentElement;
  if (!e || dold(e)) continue;
  const rg = document.createRange();
  rg.selectNodeContents(n);
  const rr = Array.from(rg.getClientRects()).filter(r => r.width > 0.5 && r.height > 0.5);
  if (!rr.length) continue;
  if (rr.every(r => r.right + window.scrollX < 0 || r.left + window.scrollX > bredd)) continue;
  ut.push([parseFloat(getComputedStyle(e).fontSize), t.length, t.slice(0, 60), var_(e)]);
}
return ut;
"""

# Diagramförklaringar (legend): i ritytan (.nsewdrag) eller över en värdeetikett – rutor som överlappar.
KROCKAR_JS = r"""
const ut = [];
function over(a, b) { return a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5; }
document.querySelectorAll('.js-plotly-plot').forEach(g => {
  const namn = g.id || (g.closest('[id]') || {}).id || '?';
  const etiketter = Array.from(g.querySelectorAll('.cartesianlayer .textpoint text, .cartesianlayer text.bartext'))
    .filter(t => t.textContent.trim());
  const ytor = Array.from(g.querySelectorAll('.draglayer .nsewdrag')).map(r => r.getBoundingClientRect());
  g.querySelectorAll('.legend .traces').forEach(l => {
    const a = l.getBoundingClientRect();
    if (!a.width) return;
    if (ytor.some(b => b.width && over(a, b))) ut.push(namn + ': förklaringen "' + l.textContent.trim() + '" i ritytan');
    etiketter.forEach(t => {
      const b = t.getBoundingClientRect();
      if (b.width && over(a, b)) ut.push(namn + ': förklaringen "' + l.textContent.trim() + '" över "' + t.textContent.trim() + '"');
    });
  });
});
return ut;
"""


@dataclass(frozen=True)
class Matt:
    """Textstorlekarna på en sida: min, median (per tecken) och andelen tecken under 20 px."""
    minst: float
    median: float
    under_20: float
    antal: int
    minsta: list

    def __str__(self) -> str:
        return (f"min {self.minst:g} px, median {self.median:g} px, {self.under_20:.0%} av texten under 20 px "
                f"({self.antal} texter)")


def texter(d) -> list[tuple[float, int, str, str]]:
    """(storlek px, tecken, text, var) för varje synlig textnod på sidan i webbläsaren d."""
    return [tuple(r) for r in d.execute_script(TEXTER_JS)]


def matt(rader: list[tuple[float, int, str, str]]) -> Matt:
    """Min och median viktade per tecken (en lång mening väger mer än ett ensamt tal)."""
    if not rader:
        return Matt(0, 0, 0, 0, [])
    tecken = sum(r[1] for r in rader)
    per_tecken = sorted(s for s, n, *_ in rader for _ in range(n))
    under = sum(n for s, n, *_ in rader if s < 20) / tecken
    minsta = sorted(rader)[:8]
    return Matt(min(r[0] for r in rader), statistics.median(per_tecken), under, len(rader), minsta)


def krockar(d) -> list[str]:
    """Diagramförklaringar i ritytan eller över en värdeetikett (tom lista = inga)."""
    return d.execute_script(KROCKAR_JS)


if __name__ == "__main__":
    from tools.skarmbild import chrome, vanta_pa_dash
    url = sys.argv[1]
    tal = [int(a) for a in sys.argv[2:] if a.isdigit()]
    b, h = (tal[0], tal[1]) if len(tal) > 1 else (1280, 720)
    d = chrome(b, h)
    try:
        d.get(url)
        vanta_pa_dash(d)
        m = matt(texter(d))
        print(m)
        for r in m.minsta:
            print("  ", r)
        for k in krockar(d):
            print("KROCK:", k)
    finally:
        d.quit()
