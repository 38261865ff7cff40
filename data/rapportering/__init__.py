"""Rapportering: mallen, importen, filgränserna, behörigheten och formuläret."""
