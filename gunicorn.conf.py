"""Gunicorn settings for the hotline, sized for a 2-core machine.

Webhooks are small CPU-bound requests that never wait on the database (the
call log is written by a background thread), so a few worker processes with
a few threads each keep every answer far below Twilio's 15 s limit, and one
stuck request cannot block the others.
"""

import multiprocessing
import os
import random

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count(), 4)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 20           # a request running this long is stuck: restart the worker
graceful_timeout = 20  # let in-flight webhooks finish on deploy
keepalive = 5          # Twilio and proxies reuse connections
max_requests = 5000    # recycle workers now and then (see post_fork: staggered)
max_requests_jitter = 0  # post_fork spreads the limits instead, in proportion
limit_request_line = 8190
accesslog = "-"
errorlog = "-"
# The path without the query string: a GET webhook's query could hold a caller's number.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def post_fork(server, worker):
    """Stagger recycling: each worker's limit is drawn between max_requests and twice that.

    Workers share the load evenly, so with one limit (or a jitter that is small
    beside it) they all reach it within seconds of each other, and while they
    are being replaced nobody answers. Drawn from [N, 2N), the limits of 4
    workers are N/5 apart on average, so their replacements (under 1 s each)
    rarely overlap, and never all at once. It follows ``--max-requests`` too.
    """
    limit = server.cfg.max_requests
    if limit > 0:
        worker.max_requests = limit + random.randrange(limit)
