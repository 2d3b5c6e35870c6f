"""The Twilio web adapter: the webhooks Twilio calls, and what they answer.

The voice blueprint (``voice``), TwiML rendering (``twiml``), request
signatures (``signature``), the static fallback answer (``fallback``),
recordings (``audio``), the health check (``health``), and for development
the browser phone and the simulated Twilio that drives the webhooks
(``devphone``, ``simulator``). It may import Flask, Werkzeug and twilio, and
``ivr.live``, ``ivr.call``, ``ivr.phonetree`` and ``ivr.config``; never
SQLAlchemy, the call log or the staff app (it hands events to whatever call
log the app factory put in ``app.extensions``).
"""
