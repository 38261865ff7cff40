"""Bänkskript för Målkoll (körs för hand, aldrig i testerna): se docs/benchmarks.md.

    .venv/bin/python -m bench.syntetisk --help
    .venv/bin/python -m bench.sidladdning --help
    .venv/bin/python -m bench.callbacks --help
    .venv/bin/python -m bench.import_export --help
"""
