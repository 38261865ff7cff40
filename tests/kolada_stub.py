"""En lokal stubbe för Koladas API (v3-formatet, se data/kolada.py): svarar på /kpi/<id> och
/data/kpi/<id>/year/<år> och /data/kpi/<id>/municipality/<id:n>/year/<år> med syntetiska värden,
delade i sidor med next_url. Inget nätverk: bara 127.0.0.1. Värdena är påhittade testdata."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KOMMUNER = ["0000", "0188"] + [f"{i:04d}" for i in range(114, 2600, 9) if i != 188][:289]


def varde(kpi: str, kommun: str, ar: int) -> float:
    """Deterministiskt syntetiskt värde: 0188 ligger i övre mitten, riket i mitten."""
    if kommun == "0000":
        return 50.0 + (ar - 2015)
    if kommun == "0188":
        return 60.0 + 2 * (ar - 2015)
    return float((int(kommun) * 37 + ar * 11) % 100)


class Stubbe:
    def __init__(self, sidstorlek: int = 200, fel_forst: int = 0):
        self.sidstorlek, self.fel_kvar, self.anrop = sidstorlek, fel_forst, []
        stubbe = self

        class Hanterare(BaseHTTPRequestHandler):
            def log_message(self, *a):  # tyst
                pass

            def do_GET(self):
                stubbe.anrop.append(self.path)
                if stubbe.fel_kvar > 0:
                    stubbe.fel_kvar -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                svar = stubbe.svar(self.path, f"http://127.0.0.1:{self.server.server_address[1]}")
                if svar is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(svar).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Hanterare)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v3"
        self.trad = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.trad.start()
        return self

    def __exit__(self, *a):
        self.server.shutdown()
        self.server.server_close()

    def svar(self, sokvag: str, bas: str):
        vag, _, fraga = sokvag.partition("?")
        sida = int(fraga.split("page=")[1]) if "page=" in fraga else 1
        d = vag.removeprefix("/v3/").strip("/").split("/")
        if d[0] == "kpi" and len(d) == 2:
            return {"values": [{"id": d[1], "title": f"Syntetiskt nyckeltal {d[1]}", "description": "Stubbe",
                                "is_divided_by_gender": False}], "next_url": None}
        if d[0] != "data" or d[1] != "kpi":
            return None
        kpi, rest = d[2], d[3:]
        kommuner = rest[1].split(",") if rest[0] == "municipality" else KOMMUNER
        ar = [int(a) for a in rest[-1].split(",")]
        poster = [{"kpi": kpi, "period": a, "municipality": k,
                   "values": [{"gender": "T", "value": varde(kpi, k, a), "status": "", "count": 1, "isdeleted": False}]
                   + ([{"gender": "K", "value": varde(kpi, k, a) + 1, "status": "", "count": 1, "isdeleted": False},
                       {"gender": "M", "value": None, "status": "Saknas", "count": 1, "isdeleted": False}]
                      if k == "0188" else [])}
                  for a in ar for k in kommuner if k in KOMMUNER or k.startswith("G")]
        bit = poster[(sida - 1) * self.sidstorlek: sida * self.sidstorlek]
        nasta = f"{bas}{vag}?page={sida + 1}" if sida * self.sidstorlek < len(poster) else None
        return {"values": bit, "count": len(bit), "next_url": nasta}
