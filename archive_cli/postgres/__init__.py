"""The PostgreSQL engine and server archive (issue 21): see :mod:`.archive`."""
