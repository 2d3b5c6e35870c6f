"""The menus in the database: published versions, the draft, notices, recordings, audit.

Every instance serves the newest published version (``versions``); staff
edit one shared draft (``drafts``) and publish it; notices close or open
services for a while (``notices``); uploaded recordings live here too
(``recordings``); every change is written to the audit log (``audit``).
``source`` is what the live tree reads. May import SQLAlchemy, ``ivr.db``,
``ivr.phonetree`` and ``ivr.config``; never Flask, twilio, the web adapter,
the call log or the staff app.
"""
