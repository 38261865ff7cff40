"""axe-core (tests/vendor/axe.min.js) i headless Chromium: python -m tools.axe URL [URL ...]."""
from __future__ import annotations

import sys
from pathlib import Path

AXE = Path(__file__).resolve().parent.parent / "tests" / "vendor" / "axe.min.js"


def kor_axe(d) -> list[dict]:
    """Kör axe på sidan som är öppen i drivern d; returnerar överträdelser (WCAG 2.1 A/AA)."""
    d.execute_script(AXE.read_text(encoding="utf-8"))
    d.set_script_timeout(60)
    res = d.execute_async_script(
        "var klar = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        ".then(function(r) { klar(r.violations.map(function(v) { return {id: v.id, impact: v.impact, "
        "help: v.help, noder: v.nodes.slice(0, 5).map(function(n) { return n.target.join(' ') + ' :: ' + "
        "(n.failureSummary || '').slice(0, 300); })}; })); })"
        ".catch(function(e) { klar([{id: 'axe-fel', help: String(e), noder: []}]); });")
    return res


if __name__ == "__main__":
    from tools.skarmbild import chrome, vanta_pa_dash
    d = chrome()
    try:
        for url in sys.argv[1:]:
            d.get(url)
            vanta_pa_dash(d)
            for v in kor_axe(d):
                print(url, v["id"], v.get("impact"), v["help"])
                for n in v["noder"]:
                    print("    ", n)
    finally:
        d.quit()
