"""The webhooks' lane through Flask: their request hooks called directly, the app's others left out.

For every request Flask walks the app's and the blueprint's hook lists, asks
each hook whether it is a coroutine, and works out the request's blueprints
twice. A webhook (the ``voice`` blueprint) would go through three app-wide
hooks that do nothing for it: the host check (``origin._known_host``: the
webhooks take any Host), Flask-WTF's CSRF check (the blueprint is exempt: Twilio
signs its requests instead) and the staff pages' headers (``layout._secured``:
only for paths under /staff). ``Lane`` calls the other hooks, in Flask's
order, and the view, the error handlers, the session and the signals as
Flask's ``full_dispatch_request`` does.

The lane is planned when the app is made, and only taken while the app's
hook lists are the very ones it was planned from: a hook added later, or any
other blueprint's request, goes Flask's way (``App.full_dispatch_request``).

And a webhook's URL is matched once (``Routed``): werkzeug's matcher walks its
rules for every request, though a webhook's path and method, and so its rule
and the values the rule takes from the path, are the same from call to call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, request_finished, request_started
from flask.ctx import RequestContext

BLUEPRINT = "voice"
MAX_ROUTES, MAX_PATH = 256, 256  # webhook URLs matched once (the client's: a few are real)


@dataclass(frozen=True)
class Lane:
    """The hooks a webhook needs, and the lists they were planned from."""

    before: tuple[Callable[[], Any], ...]  # in Flask's order: the app's, then the blueprint's
    after: tuple[Callable[[Any], Any], ...]  # the blueprint's, then the app's, each reversed
    planned: list[list[Any] | None]  # copies of the hook lists it was planned from

    def fits(self, app: Flask, ctx: Any) -> bool:
        """Whether this request may take the lane: a webhook, the app's hooks unchanged
        (Flask refuses new hooks after the first request; changing its lists in place is
        still seen here)."""
        return ctx.request.blueprint == BLUEPRINT and _lists(app) == self.planned

    def dispatch(self, app: Flask, ctx: Any) -> Response:
        """Flask's ``full_dispatch_request``, with the hooks called directly."""
        app._got_first_request = True
        try:
            request_started.send(app, _async_wrapper=app.ensure_sync)
            rv = None
            for before in self.before:
                rv = before()
                if rv is not None:
                    break
            if rv is None:
                rv = app.dispatch_request()
        except Exception as exc:
            rv = app.handle_user_exception(exc)
        response = app.make_response(rv)  # as finalize_request: hooks' errors propagate
        for after in ctx._after_request_functions:  # a view's after_this_request
            response = app.ensure_sync(after)(response)
        for after in self.after:
            response = after(response)
        sessions = app.session_interface
        if not sessions.is_null_session(ctx._session):
            sessions.save_session(app, ctx._session, response)
        request_finished.send(app, _async_wrapper=app.ensure_sync, response=response)
        return response


def _lists(app: Flask) -> list[list[Any] | None]:
    """The hook lists a webhook's request goes through (None: none, or an empty list)."""
    return [app.url_value_preprocessors.get(None) or None,
            app.url_value_preprocessors.get(BLUEPRINT) or None,
            app.before_request_funcs.get(None) or None,
            app.before_request_funcs.get(BLUEPRINT) or None,
            app.after_request_funcs.get(BLUEPRINT) or None,
            app.after_request_funcs.get(None) or None]


def plan(app: Flask, quiet: set[Any]) -> Lane | None:
    """The webhooks' lane, leaving out the app-wide hooks in ``quiet`` (each known to do
    nothing for a webhook); None (Flask's way) if any hook is a coroutine, or if URL value
    preprocessors would have to run."""
    lists = [None if found is None else list(found) for found in _lists(app)]
    app_values, bp_values, app_before, bp_before, bp_after, app_after = (
        found or [] for found in lists)
    if app_values or bp_values or BLUEPRINT not in app.blueprints:
        return None
    before = (*(f for f in app_before if f not in quiet), *bp_before)
    after = (*reversed(bp_after), *(f for f in reversed(app_after) if f not in quiet))
    if any(app.ensure_sync(f) is not f for f in (*before, *after)):
        return None
    return Lane(before, after, lists)


class Routed(RequestContext):
    """Flask's request context, its URL matched once per path and method for a webhook.

    A match depends on the map's rules (Flask refuses new ones once the app has
    served), the host or subdomain, the path, the method and whether it is a
    websocket: those make the key. Only a webhook's match that raised nothing
    is kept (a redirect or an error is werkzeug's each time); each request gets
    its own copy of the values."""

    def match_request(self) -> None:
        adapter = self.url_adapter
        routes = getattr(self.app, "webhook_routes", None)
        if adapter is None or routes is None:
            return super().match_request()
        key = (adapter.server_name, adapter.subdomain, adapter.path_info,
               adapter.default_method, adapter.websocket)
        found = routes.get(key)
        if found is None:
            super().match_request()
            rule = self.request.url_rule
            if (rule is None or not rule.endpoint.startswith(BLUEPRINT + ".")
                    or len(routes) >= MAX_ROUTES or len(adapter.path_info) > MAX_PATH):
                return
            found = routes[key] = (rule, dict(self.request.view_args or {}))
        self.request.url_rule, self.request.view_args = found[0], dict(found[1])
