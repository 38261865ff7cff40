"""Planen: källfilerna, inläsningen, nästa års plan, publicerade utfall, exempel och init-db."""
