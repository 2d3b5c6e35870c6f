"""Gunicorn settings for the hotline, sized for a 2-core machine.

Webhooks are small CPU-bound requests that never wait on the database (the
call log is written by a background thread), so a few worker processes with
a few threads each keep every answer far below Twilio's 15 s limit, and one
stuck request cannot block the others.

Workers are recycled now and then (``max_requests``); a caller must never
notice. So the app is loaded once in the master and forked (a new worker
answers within milliseconds instead of importing and loading everything for
seconds), the workers' limits are spread so that they are not replaced all
at once (``post_fork``), and a worker that has finished its requests leaves
without waiting for Python's teardown (``worker_exit``). Its unwritten call
events stay in its spool file, which another worker's call log takes up.
"""

import atexit
import logging
import multiprocessing
import os
import secrets
import sys

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count(), 4)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 20           # a request running this long is stuck: restart the worker
graceful_timeout = 20  # let in-flight webhooks finish on deploy
keepalive = 5          # Twilio and proxies reuse connections
preload_app = True     # load once, fork fast: a recycled worker is replaced at once
max_requests = 5000    # recycle workers now and then (each between N and 2N: post_fork)
max_requests_jitter = 0  # post_fork spreads the limits instead, in proportion to N
limit_request_line = 8190
accesslog = "-"
errorlog = "-"
# The path without the query string: a GET webhook's query could hold a caller's number.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def post_fork(server, worker):
    """Stagger recycling: each worker's limit is drawn between max_requests and twice that.

    Workers share the load evenly, so with one limit (or a jitter small beside
    it) they all reach it within seconds of each other. Drawn from [N, 2N),
    the limits of 4 workers are N/5 apart on average, and a replacement takes
    well under a second, so the others keep answering. ``--max-requests``
    is followed too.
    """
    limit = server.cfg.max_requests
    if limit > 0:
        worker.max_requests = limit + secrets.randbelow(limit)


def worker_exit(server, worker):
    """A worker that ends normally leaves now: atexit handlers, logs flushed, no teardown.

    gunicorn starts a worker's replacement only once it has exited, and
    tearing down a whole interpreter (collecting every object of the app)
    took 1 to 2 s under load. By now its requests are answered; the atexit
    handlers release the call log's spool file. A worker ending with an error
    takes the normal way, so that gunicorn sees its exit code.
    """
    error = sys.exc_info()[1]  # the SystemExit the worker is leaving with
    in_worker = worker.pid == os.getpid()  # the master calls this hook too
    if in_worker and isinstance(error, SystemExit) and error.code in (0, None):
        atexit._run_exitfuncs()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
