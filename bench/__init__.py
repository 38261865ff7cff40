"""Bänkskript för Målkoll (körs för hand, aldrig i testerna): se docs/benchmarks.md.

    .venv/bin/python -m bench.syntetisk --help       # syntetisk stor kommun
    .venv/bin/python -m bench.sidladdning --help     # sidladdning mot golvet (bench/golv_app.py)
    .venv/bin/python -m bench.callbacks --help       # filterändring under last, SQL-frågor per sida
    .venv/bin/python -m bench.fragetid --help        # frågefunktionerna, liten mot stor databas
    .venv/bin/python -m bench.import_export --help   # export och import: tid och minne
"""
