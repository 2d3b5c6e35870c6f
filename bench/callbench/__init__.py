"""The call log scale benchmark (``bench/calls.py``): synthetic calls, bulk loading, timings.

``synthetic`` makes a year of calls as the voice views would have logged
them, ``loading`` writes them fast (executemany on SQLite, COPY on
PostgreSQL) through the store's own row builders, and ``timing`` times the
staff pages and the store queries under them.
"""
