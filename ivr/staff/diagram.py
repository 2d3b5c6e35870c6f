"""The phone tree drawn as a diagram: the language choice, the menus, the services they
connect or tell, and whether each service is open right now.

For viewers and admins (the draft: admins only). Server-rendered SVG (no
script, no CDN), laid out left to right by depth: the language choice, then
the menus as far from the first as a caller goes, then the services. Each
service shows its state at this moment (open, or closed with why and when it
opens, from ``connect.service_status``) in words and in colour. The page
gives the same as a nested list below the drawing, for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ivr import calllog
from ivr.call import connect, paths
from ivr.calllog.outcome import JAPAN
from ivr.phonetree.tree import Action, Hotline, Tree
from ivr.staff import auth, diagram_svg, layout, menutrees
from ivr.staff.diagram_svg import LANGUAGES_WIDTH, Column, Node
from ivr.staff.menutrees import NotFound

bp = Blueprint("staff_diagram", __name__, url_prefix="/staff/menus")
bp.before_request(auth.staff_only)
bp.register_error_handler(HTTPException, layout.error_page)

@dataclass(frozen=True)
class Service:
    """A service as the page tells it: its number and its state now."""

    id: str
    name: str
    number: str
    state: str
    words: str  # "Open now" / "Closed now: lunch break; opens 13:30"
    instead: tuple[str, ...]  # the services offered when it cannot be reached


@bp.get("/diagram")
def diagram() -> ResponseReturnValue:
    """The diagram of a version (default: the published one), in a language."""
    connection = calllog.connection()
    admin = current_user.is_admin
    value = menutrees.asked(request.args.get("version"))
    context = {"choices": menutrees.choices(connection, admin), "version": value,
               "editor": menutrees.EDITOR}
    try:
        chosen = menutrees.load(connection, value, admin)
    except NotFound as exc:
        return render_template("staff/diagram.html", missing=str(exc), **context), 404
    if chosen.tree is None:
        return render_template("staff/diagram.html", chosen=chosen, **context), 409
    tree = chosen.tree
    hotline = tree.hotlines.get(request.args.get("hotline", "")) or tree.default_hotline
    lang = request.args.get("lang", "")
    lang = lang if lang in hotline.languages else ("en" if "en" in hotline.languages
                                                   else hotline.languages[0])
    now = layout.now()
    columns, services = lay_out(tree, hotline, lang, now)
    return render_template("staff/diagram.html", chosen=chosen, tree=tree, hotline=hotline,
                           lang=lang, services=services,
                           outline=outline(tree, hotline, lang, services),
                           now=now.astimezone(JAPAN),
                           svg=diagram_svg.draw(columns, hotline.name, tree.languages[lang].name),
                           **context)


def lay_out(tree: Tree, hotline: Hotline, lang: str,
            now: datetime) -> tuple[list[Column], dict[str, Service]]:
    """The boxes by column: the language choice, the first menu, then what each key of the
    column before leads to (a menu, drawn once; a service, drawn beside each key)."""
    first = _menu_node(tree, hotline.start, lang)
    services = {sid: _service(tree, sid, lang, now)
                for sid in _services(tree, _menus_by_depth(tree, hotline))}
    columns: list[Column] = []
    if len(hotline.languages) > 1:
        columns.append(Column("Language choice", [Node(
            "languages", "Language choice", "the caller presses a key",
            [(str(n), tree.languages[code].name, first.id)
             for n, code in enumerate(hotline.languages, start=1)], width=LANGUAGES_WIDTH)]))
    placed, current = {first.id}, [first]
    while current:
        depth = len(columns) - (len(hotline.languages) > 1)
        columns.append(Column("First menu" if depth == 0 else
                              f"{depth} key{'s' if depth > 1 else ''} in", current))
        following = []
        for node in current:
            for _, _, target in node.rows:
                if target is None or target in placed:
                    continue
                placed.add(target)
                following.append(_menu_node(tree, target[5:], lang) if target.startswith(
                    "menu:") else _service_node(services[target[8:].split("@")[0]], target))
        current = following
    return columns, services


def _service_node(service: Service, node_id: str) -> Node:
    return Node(node_id, service.name, service.number, [("", service.words, None)],
                service.state)


@dataclass
class Item:
    """A line of the diagram's list, with the lines under it."""

    text: str
    state: str | None = None  # a service's state
    children: list[Item] = field(default_factory=list)


def outline(tree: Tree, hotline: Hotline, lang: str,
            services: dict[str, Service]) -> list[Item]:
    """The diagram as a nested list: each menu under the key that leads to it first."""
    seen: set[str] = set()

    def menu(menu_id: str) -> Item:
        seen.add(menu_id)
        found = tree.menus[menu_id]
        item = Item(f"the menu '{menu_id}': \u201c{found.prompt[lang]}\u201d")
        for key, option in found.options.items():
            said = f"Key {key}, \u201c{option.label[lang]}\u201d"
            if option.action is Action.MENU and option.target not in seen:
                child = menu(option.target)
                child.text = f"{said}: {child.text}"
                item.children.append(child)
            elif option.action is Action.MENU:
                item.children.append(Item(f"{said}: the menu '{option.target}' (above)"))
            elif option.action in (Action.CONNECT, Action.TELL):
                service = services[option.target]
                verb = "connects" if option.action is Action.CONNECT else "tells the number of"
                item.children.append(Item(f"{said}: {verb} {service.name} ({service.number}). "
                                          f"{service.words}.", service.state))
            else:
                item.children.append(Item(f"{said}: " + (
                    "says goodbye and ends the call" if option.action is Action.GOODBYE
                    else "goes back to the language choice")))
        return item

    first = menu(hotline.start)
    if len(hotline.languages) < 2:
        first.text = first.text[0].upper() + first.text[1:]
        return [first]
    keys = ", ".join(f"{n} {tree.languages[c].name}"
                     for n, c in enumerate(hotline.languages, start=1))
    first.text = f"Then {first.text}"
    return [Item(f"The language choice: {keys}.", children=[first])]


def _menus_by_depth(tree: Tree, hotline: Hotline) -> dict[str, int]:
    """Each menu a caller can reach, with the fewest keys it takes (breadth first)."""
    depth, queue = {hotline.start: 0}, [hotline.start]
    while queue:
        menu_id = queue.pop(0)
        for option in tree.menus[menu_id].options.values():
            if option.action is Action.MENU and option.target not in depth:
                depth[option.target] = depth[menu_id] + 1
                queue.append(option.target)
    return depth


def _services(tree: Tree, menus: dict[str, int]) -> list[str]:
    """The services the menus connect or tell, then those offered instead, in order met."""
    found = [o.target for m in menus for o in tree.menus[m].options.values()
             if o.action in (Action.CONNECT, Action.TELL)]
    for sid in found:  # grows while it is read: the alternatives of alternatives
        found += [a for a in tree.services[sid].alternatives if a not in found]
    return list(dict.fromkeys(found))


def _menu_node(tree: Tree, menu_id: str, lang: str) -> Node:
    menu = tree.menus[menu_id]
    rows = []
    for key, option in menu.options.items():
        target = {Action.MENU: f"menu:{option.target}",
                  Action.CONNECT: f"service:{option.target}@{menu_id}:{key}",
                  Action.TELL: f"service:{option.target}@{menu_id}:{key}"}.get(option.action)
        what = {Action.TELL: " (told)", Action.GOODBYE: " (says goodbye)",
                Action.LANGUAGE: " (the language choice)"}.get(option.action, "")
        rows.append((key, option.label[lang] + what, target))
    return Node(f"menu:{menu_id}", f"Menu '{menu_id}'", menu.prompt[lang], rows)


def _service(tree: Tree, sid: str, lang: str, now: datetime) -> Service:
    service = tree.services[sid]
    status = connect.service_status(service, now)
    if status.open:
        state, words = "open", "Open now"
    else:
        state = "unknown" if status.why and status.why.value == "unknown" else "closed"
        opens = f"; opens {status.next_open.astimezone(JAPAN):%a %d %b %H:%M}" \
            if status.next_open else ""
        words = f"Closed now: {paths.reason(status)}{opens}"
    number = f"dials {paths.shown_number(service.dial)}" if service.dial else \
        f"told, not dialled: {service.number}"
    names = tuple(tree.services[a].name.get(lang, a) for a in service.alternatives)
    return Service(sid, service.name.get(lang, sid), number, state, words, names)
