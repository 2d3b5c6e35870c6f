"""The path diff: which caller paths change between two versions of the menus.

Admins only. By default the published version against the draft (without a
draft: the published version against the one before it); any two versions
by the query (``old``, ``new``). Both trees are walked with the real engine
(``ivr.call.changes``) at the reference moments - the next weekday 10:00 and
12:45, Saturday 22:00, national holiday 10:00 - and at a date and time staff
choose, per language; a language and moment without change says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.engine import Connection
from werkzeug.exceptions import HTTPException

from ivr import calllog
from ivr.call import changes, moments
from ivr.call.changes import Change
from ivr.call.moments import Moment
from ivr.menustore import drafts, versions
from ivr.phonetree.tree import Tree
from ivr.staff import auth, layout, menutrees
from ivr.staff.menutrees import DRAFT, PUBLISHED, Chosen, NotFound

bp = Blueprint("staff_pathdiff", __name__, url_prefix="/staff/menus")
bp.before_request(auth.admins_only)
bp.register_error_handler(HTTPException, layout.error_page)


@dataclass(frozen=True)
class Section:
    """The changes of one language at one moment (none: "no change")."""

    moment: Moment
    changes: list[Change]


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    sections: list[Section]


@bp.get("/paths")
def paths() -> ResponseReturnValue:
    """The path diff of two versions (the query's, or the defaults) at the moments."""
    connection = calllog.connection()
    old_value, new_value = _defaults(connection)
    chosen, problem = menutrees.japan_moment(request.args.get("date", ""),
                                             request.args.get("time", ""))
    context = {"choices": menutrees.choices(connection, admin=True), "old_value": old_value,
               "new_value": new_value, "problem": problem, "editor": menutrees.EDITOR,
               "versions_on": menutrees.versions_on()}
    if not context["versions_on"]:
        return render_template("staff/paths.html", **context)
    try:
        old = menutrees.load(connection, old_value, admin=True)
        new = menutrees.load(connection, new_value, admin=True)
    except NotFound as exc:
        return render_template("staff/paths.html", missing=str(exc), **context), 404
    context.update(old=old, new=new)
    if old.tree is None or new.tree is None:
        return render_template("staff/paths.html", **context), 409
    hotline = _hotline(old.tree, new.tree)
    at = moments.reference(layout.now(), (old.tree, new.tree), chosen)
    languages = grouped(old.tree, new.tree, hotline, at)
    total = sum(len(section.changes) for language in languages for section in language.sections)
    page = render_template("staff/paths.html", hotline=hotline, moments=at, total=total,
                           hotlines=_hotlines(old, new), same=old.tree.version == new.tree.version,
                           languages=languages, **context)
    return page, 400 if problem else 200


def grouped(old: Tree, new: Tree, hotline: str, at: tuple[Moment, ...]) -> list[Language]:
    """The changes per language (in the new tree's order), then per moment."""
    found = changes.diff(old, new, hotline, at)
    return [Language(code, (new.languages.get(code) or old.languages[code]).name,
                     [Section(moment, [c for c in found if (c.lang, c.moment) == (code, moment)])
                      for moment in at])
            for code in changes.languages(old, new, hotline)]


def _defaults(connection: Connection) -> tuple[str, str]:
    """The query's versions; else the published one and the draft, or, without a draft,
    the version before the published one and the published one."""
    old, new = request.args.get("old", "").strip(), request.args.get("new", "").strip()
    if not new:
        new = DRAFT if drafts.get(connection) is not None else PUBLISHED
    if not old:
        latest = versions.latest_number(connection) or 0
        old = PUBLISHED if new != PUBLISHED or latest < 2 else str(latest - 1)
    return old[:12], new[:12]


def _hotline(old: Tree, new: Tree) -> str:
    asked = request.args.get("hotline", "")
    if asked in new.hotlines or asked in old.hotlines:
        return asked
    return new.default_hotline.id


def _hotlines(old: Chosen, new: Chosen) -> list[tuple[str, str]]:
    found = {**{h.id: h.name for h in old.tree.hotlines.values()},
             **{h.id: h.name for h in new.tree.hotlines.values()}}
    return sorted(found.items())
