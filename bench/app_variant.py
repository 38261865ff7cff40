"""Målkoll för bänken, med eller utan det partiella plotly-paketet i assets/ – utan att ändra app.py.

    MALKOLL_BENCH_PLOTLY=full gunicorn bench.app_variant:server ...

`full` tar bort <script>-taggen för assets/plotly-partial.min.js ur sidans HTML, så att dcc.Graph
laddar hela plotly.min.js som utan filen ("före"). Annat värde (eller inget): appen som den är.
"""
from __future__ import annotations

import os
import re

from app import app, server  # noqa: F401  (gunicorn bench.app_variant:server)

_TAGG = re.compile(r'<script src="[^"]*/assets/plotly-partial\.min\.js[^"]*"></script>\s*')

if os.environ.get("MALKOLL_BENCH_PLOTLY", "").strip().lower() == "full":
    @server.after_request
    def _utan_partiellt_paket(svar):
        if svar.mimetype == "text/html" and not svar.direct_passthrough:
            text = svar.get_data(as_text=True)
            ny = _TAGG.sub("", text)
            if ny != text:
                svar.set_data(ny)
        return svar
