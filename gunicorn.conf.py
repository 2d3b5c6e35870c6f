"""Gunicorn settings for the hotline, sized for a 2-core machine.

Webhooks are small CPU-bound requests that never wait on the database (the
call log is written by a background thread), so a few worker processes with
a few threads each keep every answer far below Twilio's 15 s limit, and one
stuck request cannot block the others.
"""

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
