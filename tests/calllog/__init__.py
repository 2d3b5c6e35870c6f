"""Tests of the call log (ivr.calllog), on SQLite and PostgreSQL."""
