"""Gunicorn settings for the hotline, sized for a 2-core machine.

Webhooks are small CPU-bound requests that never wait on the database (the
call log is written by a background thread), so a few worker processes with
a few threads each keep every answer far below Twilio's 15 s limit, and one
stuck request cannot block the others. Staff logins check one password at a
time per worker (ivr.staff.slots), so hashing never takes every thread.

Behind a proxy (IVR_PROXY_HOPS), the app believes X-Forwarded-For: the port
must be reachable through the proxy only, and ``when_ready`` warns at start
when gunicorn listens beyond loopback.
"""

import ipaddress
import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count(), 4)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 20           # a request running this long is stuck: restart the worker
graceful_timeout = 20  # let in-flight webhooks finish on deploy
keepalive = 5          # Twilio and proxies reuse connections
max_requests = 5000    # recycle workers now and then
max_requests_jitter = 500
limit_request_line = 8190
accesslog = "-"
errorlog = "-"
# The path without the query string: a GET webhook's query could hold a caller's number.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def when_ready(server) -> None:
    """Warn at start when the proxy's headers are trusted but the port is reachable without it."""
    hops = os.environ.get("IVR_PROXY_HOPS", "")
    for address in exposed_to_spoofing(hops, server.cfg.address):
        server.log.warning(
            "IVR_PROXY_HOPS=%s: gunicorn listens on %s, which may be reachable without the "
            "proxy. Anyone who reaches it directly can claim any address in X-Forwarded-For "
            "and get past the staff login throttle: let only the proxy reach this port (a "
            "loopback or private bind, or a firewall; a platform router that is the only way "
            "in, as on Heroku, is enough).", hops.strip(), address)


def exposed_to_spoofing(hops: str, addresses: list) -> list[str]:
    """Return the listening addresses beyond loopback, when proxy headers are trusted.

    ``addresses`` are gunicorn's parsed binds: (host, port) pairs, or a unix
    socket's path (reachable from this machine only, like loopback).
    """
    if hops.strip() in ("", "0"):
        return []
    exposed = []
    for address in addresses:
        if isinstance(address, tuple) and not _loopback(address[0]):
            host, port = address
            exposed.append(f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
    return exposed


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may be reachable from anywhere
        return False
