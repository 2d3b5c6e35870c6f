"""Commands for staff and maintainers: check the menus, simulate a call.

Thin: each command parses its options, calls a plain function and turns its
result into output and an exit code.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from ivr.phonetree import loader, recordings
from ivr.phonetree.hours import zone
from ivr.web import simulator

menus_cli = AppGroup("menus", help="Check the phone tree in the menus folder.")


@menus_cli.command("check")
@click.option("--dir", "menus_dir", help="Menus folder (default: IVR_MENUS_DIR).")
@click.option("--audio", "audio_dir", help="Recordings folder (default: IVR_AUDIO_DIR).")
def check_command(menus_dir: str | None, audio_dir: str | None) -> None:
    """Load the menus as the hotline would; list every problem; exit 1 on errors."""
    sys.exit(check(*_dirs(menus_dir, audio_dir)))


def check(menus_dir: str, audio_dir: str) -> int:
    """Print the problems of the menus in ``menus_dir``; 0 when they can be served."""
    try:
        result = loader.load(menus_dir, audio_dir)
    except loader.LoadError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        errors = sum(1 for p in exc.problems if p.level == "error")
        click.echo(f"{errors} error(s): these menus would be refused; the hotline keeps "
                   "serving the last good ones.", err=True)
        return 1
    for problem in result.warnings:
        click.echo(str(problem), err=True)
    tree = result.tree
    click.echo(f"OK: {len(tree.hotlines)} hotline(s), {len(tree.languages)} language(s), "
               f"{len(tree.menus)} menu(s), {len(tree.services)} service(s), "
               f"{len(result.warnings)} warning(s).")
    return 0


@menus_cli.command("recordings")
@click.argument("lang")
def recordings_command(lang: str) -> None:
    """List the recordings a language needs (audio/<lang>/<name>.wav), marking missing ones."""
    result = loader.load(*_dirs(None, None))
    tree = result.tree
    if lang not in tree.languages:
        raise click.ClickException(f"no language '{lang}' in the menus")
    voiceless = tree.languages[lang].voice.language is None
    names = recordings.needed(tree, lang) if voiceless else recordings.fixed_sentences(tree)
    for name in names:
        mark = "ok     " if (lang, name) in tree.recordings else "missing"
        click.echo(f"{mark} audio/{lang}/{name}.wav")
    if not voiceless:
        click.echo(f"('{lang}' has a Twilio voice: these recordings are optional)")


@click.command("call")
@with_appcontext
@click.option("--at", "at", required=True, help='Japan time of the call, "YYYY-MM-DD HH:MM".')
@click.option("--keys", default="", help='Keys pressed in turn, e.g. "1,4"; "-" waits silently.')
@click.option("--dial", default="completed",
              help="How each <Dial> ends, in turn: completed, busy, no-answer, failed.")
@click.option("--to", default="+815000000000", help="The dialled number (selects the hotline).")
@click.option("--log/--no-log", "keep_log", default=False,
              help="Write the simulated call to the call log (off: staff never see it).")
def call_command(at: str, keys: str, dial: str, to: str, keep_log: bool) -> None:
    """Simulate a call through the real app and print what the caller hears."""
    try:
        moment = datetime.strptime(at, "%Y-%m-%d %H:%M").replace(tzinfo=zone("Asia/Tokyo"))
    except ValueError:
        raise click.BadParameter(f"'{at}' is not YYYY-MM-DD HH:MM", param_hint="--at") from None
    app = current_app._get_current_object()
    if not keep_log:  # a rehearsal on a live server must not show up among real calls
        app.extensions.pop("calllog").close()
    if not app.config["TWILIO_AUTH_TOKEN"]:
        app.config["IVR_ALLOW_UNSIGNED"] = True  # in-process only: nothing leaves this command
    call = simulator.Call(at=moment, keys=[k.strip() for k in keys.split(",") if k.strip()],
                          dial=[d.strip() for d in dial.split(",") if d.strip()], to=to)
    click.echo(f"Call to {to} on {moment:%a %Y-%m-%d %H:%M} (Japan), keys: {keys or 'none'}")
    for line in simulator.run(app, call):
        click.echo("  " + line)


def _dirs(menus_dir: str | None, audio_dir: str | None) -> tuple[str, str]:
    config = current_app.config
    return (os.path.abspath(menus_dir or config["IVR_MENUS_DIR"]),
            os.path.abspath(audio_dir or config["IVR_AUDIO_DIR"]))


def init_app(app: Flask) -> None:
    app.cli.add_command(menus_cli)
    app.cli.add_command(call_command)
