"""The phone tree as data: YAML menu files in, a frozen, checked ``Tree`` out.

Pure core: the typed model (``tree``), schedules and calendars (``hours``),
how each language speaks (``speech``, ``voices``), and the loader with its
schema, field parsers and cross-checks, which report every problem with file
and line (``report``). It imports no other package of ``ivr``, and neither
Flask, Werkzeug, SQLAlchemy nor twilio; it reads no clock (``now`` is an
argument) and no I/O but the loader reading the menu files and recordings.
"""
