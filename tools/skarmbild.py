"""Skärmbilder av sidor i headless Chromium: python -m tools.skarmbild URL UT.png [BREDD HÖJD] [--hel] [--steg].

--steg: sammanträdesläget bild för bild – trycker PageDown och sparar UT-01.png, UT-02.png … tills
sidan byts (URL:en bör ha ?visning=mote)."""
from __future__ import annotations

import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def chrome(bredd: int = 1920, hojd: int = 1080) -> webdriver.Chrome:
    opt = webdriver.ChromeOptions()
    opt.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", f"--window-size={bredd},{hojd}", "--lang=sv-SE"):
        opt.add_argument(a)
    opt.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opt)
    satt_storlek(d, bredd, hojd)
    return d


def satt_storlek(d, bredd: int, hojd: int) -> None:
    """Exakt visningsyta (fönsterramen räknas inte), t.ex. 1920×1080."""
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": bredd, "height": hojd, "deviceScaleFactor": 1, "mobile": False})


def vanta_pa_dash(d, timeout: float = 60) -> None:
    """Vänta tills Dash har ritat sidan klart (inga pågående callbacks, innehåll finns)."""
    slut = time.time() + timeout
    while time.time() < slut:
        klar = d.execute_script(
            "const c = document.querySelector('#_pages_content');"
            "if (!c || !c.children.length || document.querySelector('[data-dash-is-loading=\"true\"]')) return false;"
            "const g = document.querySelectorAll('.js-plotly-plot');"
            "return Array.from(g).every(e => e.querySelector('.main-svg'));")
        if klar:
            time.sleep(0.3)
            return
        time.sleep(0.1)
    raise TimeoutError("Sidan blev inte klar")


def logga_in(d, url: str, namn: str, losen: str) -> None:
    """Logga in via /logga-in på samma server som `url` (för skärmbilder av inloggade vyer)."""
    from urllib.parse import urlsplit

    from selenium.webdriver.common.by import By
    u = urlsplit(url)
    d.get(f"{u.scheme}://{u.netloc}/logga-in")
    vanta_pa_dash(d)
    d.find_element(By.ID, "inlogg-anvandarnamn").send_keys(namn)
    d.find_element(By.ID, "inlogg-losenord").send_keys(losen)
    d.find_element(By.ID, "inlogg-knapp").click()
    vanta_pa_dash(d)


def steg(d, ut: str, max_steg: int = 120) -> list[str]:
    """PageDown tills sidan byts; en skärmbild per läge (UT-01.png …). Väntar på att läget ändras."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    bas = ut.removesuffix(".png")
    filer, sokvag = [], d.execute_script("return location.pathname")
    for i in range(1, max_steg + 1):
        fil = f"{bas}-{i:02d}.png"
        d.save_screenshot(fil)
        filer.append(fil)
        y = d.execute_script("return window.scrollY")
        d.find_element(By.TAG_NAME, "body").send_keys(Keys.PAGE_DOWN)
        slut = time.time() + 30
        while time.time() < slut:
            if d.execute_script("return location.pathname") != sokvag:
                return filer
            if d.execute_script("return window.scrollY") != y:
                break
            time.sleep(0.05)
        else:
            if d.execute_script("return window.scrollY >= document.documentElement.scrollHeight - window.innerHeight - 1"):
                return filer  # sista sidan: slutet nått
            raise TimeoutError(f"PageDown flyttade inget från y={y}")
    return filer


if __name__ == "__main__":
    url, ut = sys.argv[1], sys.argv[2]
    tal = [a for a in sys.argv[3:] if a.isdigit()]
    b, h = (int(tal[0]), int(tal[1])) if len(tal) > 1 else (1920, 1080)
    d = chrome(b, h)
    try:
        if "--logga-in" in sys.argv:   # --logga-in NAMN, lösenordet i MALKOLL_SKARMBILD_LOSENORD
            logga_in(d, url, sys.argv[sys.argv.index("--logga-in") + 1], os.environ["MALKOLL_SKARMBILD_LOSENORD"])
        d.get(url)
        vanta_pa_dash(d)
        time.sleep(1.0)
        if "--hel" in sys.argv:
            hoj = d.execute_script("return document.documentElement.scrollHeight")
            satt_storlek(d, b, min(hoj, 16000))
            time.sleep(0.8)
        if "--steg" in sys.argv:
            print("\n".join(steg(d, ut)))
        else:
            d.save_screenshot(ut)
        for rad in d.get_log("browser"):
            print("KONSOL:", rad["level"], rad["message"][:300])
    finally:
        d.quit()
