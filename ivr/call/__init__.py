"""The call: given a tree, a place in the call, a key and ``now``, the next step.

Pure core: the engine and its service connections (``engine``, ``connect``),
the values they pass (``steps``), the call's place as written into webhook
URLs (``state``) and the events each step emits for the call log
(``events``). It may import ``ivr.phonetree`` and nothing else of ``ivr``;
no Flask, Werkzeug, SQLAlchemy or twilio, no clock, no I/O.
"""
