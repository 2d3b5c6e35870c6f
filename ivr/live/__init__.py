"""The live tree: the phone tree this process serves now, and keeping it good.

Loads the tree at start, looks for edits at most every few seconds, keeps
the last good tree when an edit is rejected. It may import ``ivr.phonetree``;
no Flask, Werkzeug, SQLAlchemy or twilio (the app factory hands it what it
needs), so the web adapter and the staff app can both read it.
"""
