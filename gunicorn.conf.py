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

On SIGTERM (a deploy, a platform stopping the instance) a worker first takes
the connections the kernel has already queued for it, then closes its copy of
the port, and finishes every request it took (``DrainingThreadWorker``): a
webhook that reached the port is answered, and one sent after it closed is
refused at once, where Twilio falls back, instead of hanging until the
workers exit and then being reset.

The app's own log lines (INFO and up, ``IVR_LOG_LEVEL``) go to gunicorn's
error log, as its own lines do (``Logger``).

The objects of the app loaded in the master (the modules, the menus tree) are frozen
(``gc.freeze``) before the workers are forked: a worker's garbage collector then never
goes through them again (in-process, that was about a tenth of a webhook's CPU), and does
not write to their pages, which the workers keep sharing with the master.

Staff logins check one password at a time per worker (ivr.staff.slots), so
hashing never takes every thread. Behind a proxy (IVR_PROXY_HOPS), the app
believes X-Forwarded-For: the port must be reachable through the proxy only,
and ``when_ready`` warns at start when gunicorn listens beyond loopback.
"""

import atexit
import errno
import gc
import ipaddress
import logging
import multiprocessing
import os
import secrets
import sys

from gunicorn import glogging
from gunicorn.workers import gthread


class DrainingThreadWorker(gthread.ThreadWorker):
    """gunicorn's gthread worker that, told to stop, serves what is queued and closes the port.

    gunicorn's own worker stops polling the port on SIGTERM but keeps it open
    until its last request is done: the kernel goes on completing new
    connections, and when the last process closes the port every one of
    them is reset, after waiting up to the graceful timeout. This worker
    accepts what is queued (those requests are answered like the others)
    and closes its copy of the port at once; the master closed its own
    before signalling, so once every worker has, connecting is refused.
    A worker recycled by ``max_requests`` keeps the usual way: the others
    still serve the port.
    """

    told_to_stop = False

    def handle_exit(self, sig, frame):
        self.told_to_stop = True
        super().handle_exit(sig, frame)

    def set_accept_enabled(self, enabled):
        if not enabled and self.told_to_stop and self._accepting:
            for listener in self.sockets:
                self._take_queued(listener)
        super().set_accept_enabled(enabled)
        if not enabled and self.told_to_stop:
            for listener in self.sockets:
                listener.close()

    def _take_queued(self, listener) -> None:
        while True:
            try:
                client, address = listener.accept()
            except OSError as exc:
                if exc.errno == errno.ECONNABORTED:
                    continue  # that one gave up; others may wait behind it
                return  # EAGAIN: none left (or the port is unusable: nothing to take)
            self.nr_conns += 1
            client.setblocking(True)
            self.enqueue_req(gthread.TConn(self.cfg, client, address, listener.getsockname()))


class Logger(glogging.Logger):
    """gunicorn's logger, whose error log takes the app's own lines too (``ivr.logs``).

    It is set up in the master before the app is loaded (``preload_app``: the
    menus are loaded, and logged, there), and again when gunicorn reloads its
    settings; the workers inherit it. ``IVR_LOG_LEVEL`` sets the app's level.
    """

    def setup(self, cfg):
        super().setup(cfg)
        from ivr import config, logs

        logs.to_gunicorn(self.error_log, config.read("IVR_LOG_LEVEL"))


bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count(), 4)))
worker_class = DrainingThreadWorker  # gthread, closing the port at once on SIGTERM
logger_class = Logger  # the app's lines in the error log too
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 20           # a request running this long is stuck: restart the worker
graceful_timeout = 20  # let in-flight webhooks finish on deploy
keepalive = 5          # Twilio and proxies reuse connections
preload_app = True     # load once, fork fast: a recycled worker is replaced at once
max_requests = 5000    # recycle workers now and then (each between N and 2N: post_fork)
max_requests_jitter = 0  # post_fork spreads the limits instead, in proportion to N
limit_request_line = 8190
STOP_FLUSH_SECONDS = 5  # a stopping worker's wait for the database (worker_exit)
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


def post_worker_init(worker):
    """Start the worker's call log writer at once: the spool files of workers that left are
    taken up even when no call comes to this one (all its peers may be fresh too). And look
    at the menus now, starting the worker's watcher: its first caller does not wait for that
    look (a query, or a whole tree to load when it changed since the master loaded it)."""
    extensions = getattr(getattr(worker, "wsgi", None), "extensions", {})
    calllog = extensions.get("calllog")
    if calllog is not None:
        calllog.start()
    menus = extensions.get("ivr.menus")
    if menus is not None:
        menus.get()


def worker_exit(server, worker):
    """A worker that ends normally leaves now: atexit handlers, logs flushed, no teardown.

    gunicorn starts a worker's replacement only once it has exited, and
    tearing down a whole interpreter (collecting every object of the app)
    took 1 to 2 s under load. By now its requests are answered; the atexit
    handlers release the call log's spool file. A worker ending with an error
    takes the normal way, so that gunicorn sees its exit code.

    A worker told to stop (SIGTERM: a deploy, the platform stopping the
    instance) first stores what its spool holds, for ``STOP_FLUSH_SECONDS``
    at most, and no longer than one try when the database is down: the next
    start may be on a fresh disk (a new dyno, a new container), where the
    spool files of this one are gone. A worker recycled by ``max_requests``
    does not wait: the others take up its spool.
    """
    error = sys.exc_info()[1]  # the SystemExit the worker is leaving with
    in_worker = worker.pid == os.getpid()  # the master calls this hook too
    if in_worker and isinstance(error, SystemExit) and error.code in (0, None):
        if getattr(worker, "told_to_stop", False):
            store_spool(worker)
        atexit._run_exitfuncs()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def store_spool(worker) -> None:
    """Write this worker's spooled call events to the database before it stops, if it can."""
    calllog = getattr(getattr(worker, "wsgi", None), "extensions", {}).get("calllog")
    if calllog is not None and not calllog.flush(STOP_FLUSH_SECONDS, once=True):
        worker.log.warning("call log: the database did not take every event (down, or not "
                           "within %d s); the rest stay in the spool for the next start",
                           STOP_FLUSH_SECONDS)


def pre_fork(server, worker):
    """Freeze what the master holds, so that the worker's collector leaves it alone."""
    gc.freeze()


def when_ready(server) -> None:
    """Collect the loading's garbage once and freeze the app's objects (before the first
    fork); warn when the proxy's headers are trusted but the port is reachable without it."""
    gc.collect()
    gc.freeze()
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
