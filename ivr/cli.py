"""Commands for staff and maintainers: check the menus, simulate a call.

Thin: each command parses its options, calls a plain function and turns its
result into output and an exit code.
"""

from __future__ import annotations

import os
import sys
import wave
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from mutagen import MutagenError
from mutagen.mp3 import MP3
from sqlalchemy.engine import Engine

from ivr.call import timing as call_timing
from ivr.menustore import versions
from ivr.phonetree import (
    loader,
    recordings,
    reviewimport,
    reviewpack,
    reviewtable,
    translations,
)
from ivr.phonetree.bundle import read_folder
from ivr.phonetree.hours import zone
from ivr.web import simulator

menus_cli = AppGroup("menus", help="Check, import and export the phone tree.")


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
    for line in translations.lines(translations.summary(tree)):
        click.echo(line)
    return 0


@menus_cli.command("recordings")
@click.argument("lang")
def recordings_command(lang: str) -> None:
    """List the recordings a language needs (audio/<lang>/<name>.wav) and what each says,
    marking the missing ones and the placeholders."""
    result = loader.load(*_dirs(None, None), require_recordings=False)
    tree = result.tree
    if lang not in tree.languages:
        raise click.ClickException(f"no language '{lang}' in the menus")
    voiceless = tree.languages[lang].voice.language is None
    names = recordings.needed(tree, lang) if voiceless else recordings.fixed_sentences(tree, lang)
    texts = recordings.texts(tree, lang)
    for name in names:
        mark = "missing"
        if (lang, name) in tree.recordings:
            mark = "placeholder" if (lang, name) in tree.placeholders else "ok"
        click.echo(f"{mark:<11} audio/{lang}/{name}.wav  \"{texts.get(name, '')}\"")
    if not voiceless:
        click.echo(f"('{lang}' has a Twilio voice: these recordings are optional)")


@menus_cli.command("export-texts")
@click.argument("lang")
@click.option("--output", "-o", help="File to write (default: texts-LANG.csv or .xlsx); - for "
              "standard output (CSV).")
@click.option("--format", "form", type=click.Choice(["csv", "xlsx"]), default=None,
              help="csv or xlsx (default: from the output's name, else csv).")
@click.option("--dir", "menus_dir", help="Menus folder (default: IVR_MENUS_DIR).")
def export_texts_command(lang: str, output: str | None, form: str | None,
                         menus_dir: str | None) -> None:
    """Write every text of LANG beside English, for a translator to review or complete."""
    folder = _dirs(menus_dir, None)[0]
    bundle = read_folder(folder, "")
    try:
        found = reviewpack.entries(bundle.files, lang)
    except reviewpack.PackError as exc:
        raise click.ClickException(str(exc)) from None
    form = form or ("xlsx" if (output or "").endswith(".xlsx") else "csv")
    output = output or f"texts-{lang}.{form}"
    table = reviewtable.rows(found, lang, bundle.root)
    if form == "xlsx":
        with open(output, "wb") as handle:
            handle.write(reviewtable.to_xlsx(table, lang))
    elif output == "-":
        click.echo(reviewtable.to_csv(table), nl=False)
        return
    else:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(reviewtable.to_csv(table))
    missing = sum(1 for e in found if e.text is None)
    click.echo(f"Wrote {len(found)} texts of '{lang}' to {output}"
               + (f" ({missing} not translated yet)" if missing else ""), err=True)


@menus_cli.command("import-texts")
@click.argument("lang")
@click.argument("table", type=click.Path(exists=True, dir_okay=False))
@click.option("--dir", "menus_dir", help="Menus folder (default: IVR_MENUS_DIR).")
def import_texts_command(lang: str, table: str, menus_dir: str | None) -> None:
    """Check a translator's table of LANG (CSV or XLSX) and write its texts into the menus."""
    folder, audio = _dirs(menus_dir, None)
    bundle = read_folder(folder, audio)
    with open(table, "rb") as handle:
        data = handle.read()
    rows = reviewtable.from_xlsx(data) if data[:2] == b"PK" else \
        reviewtable.from_csv(data.decode("utf-8-sig"))
    try:
        imported = reviewimport.apply(bundle.files, lang, rows, root=bundle.root)
    except reviewimport.TableError as exc:
        for problem in exc.problems:
            click.echo(f"{table}: {problem}", err=True)
        raise click.ClickException(f"nothing written: {len(exc.problems)} problem(s)") from None
    except reviewpack.PackError as exc:
        raise click.ClickException(str(exc)) from None
    for path, text in imported.files.items():
        if text != bundle.files[path]:
            with open(os.path.join(folder, *path.split("/")), "w", encoding="utf-8",
                      newline="") as handle:
                handle.write(text)
    files = sorted({e.file for e in imported.changed})
    click.echo(f"{len(imported.changed)} text(s) of '{lang}' changed"
               + (f" in {', '.join(f'{bundle.root}/{f}' for f in files)}" if files else ""))
    sys.exit(check(folder, audio))


@menus_cli.command("timing")
@click.option("--slower", type=float, default=0.8, show_default=True,
              help="Also show the times with voices this much slower than typical.")
@click.option("--lines", "show_lines", is_flag=True, help="Show every sentence and its time.")
def timing_command(slower: float, show_lines: bool) -> None:
    """When each language's caller hears their key: words x a typical speaking rate."""
    folder, audio = _dirs(None, None)
    tree = loader.load(folder, audio).tree
    durations = _durations(audio, tree)
    if show_lines:
        for hotline in tree.hotlines.values():
            for more in (False, True) if hotline.more_keys else (False,):
                click.echo(f"hotline '{hotline.id}', {'after 9' if more else 'the opening'}:")
                for line in call_timing.lines(tree, hotline, durations, more):
                    how = ("recording" if line.unit == "recording" else
                           f"{line.count} {line.unit} / {line.rate:.2f} a second")
                    click.echo(f"  {line.ends:5.1f} s  [{line.lang}] {how} = "
                               f"{line.seconds:.1f} s: {line.text}")
    click.echo(f"Seconds from the first word of a call until a caller hears the key of their "
               f"language (typical rates; at {slower:g} of them; recordings by their length):")
    for hotline in tree.hotlines.values():
        click.echo(f"hotline '{hotline.id}':")
        slow = {r.code: r for r in call_timing.reach(tree, hotline, durations, slower)}
        for found in call_timing.reach(tree, hotline, durations):
            click.echo(f"  {found.code:<4} press {found.key:<10} {found.seconds:5.1f} s "
                       f"{slow[found.code].seconds:7.1f} s")


def _durations(audio: str, tree) -> dict[tuple[str, str], float]:
    """The length in seconds of each recording of the folder (wav or mp3)."""
    found = {}
    for key, file in tree.recordings.items():
        path = os.path.join(audio, *file.split("/"))
        try:
            if path.endswith(".wav"):
                with wave.open(path) as sound:
                    found[key] = sound.getnframes() / sound.getframerate()
            else:
                found[key] = MP3(path).info.length
        except (OSError, EOFError, wave.Error, MutagenError):
            continue  # uploaded to the database, or unreadable: estimated from its words
    return found


@menus_cli.command("import")
@click.option("--dir", "menus_dir", help="Menus folder (default: IVR_MENUS_DIR).")
@click.option("--note", default="Imported from the menus folder", show_default=True,
              help="Why: shown in the history of versions.")
@click.option("--if-changed", is_flag=True,
              help="Do nothing when the folder is what the newest version already holds.")
def import_command(menus_dir: str | None, note: str, if_changed: bool) -> None:
    """Publish the menus folder as a new version (only if it passes every check)."""
    folder, audio = _dirs(menus_dir, None)
    bundle = read_folder(folder, audio)
    if check(folder, audio):
        raise click.ClickException("not imported: fix the errors above first")
    with _engine().begin() as connection:
        latest = versions.latest(connection)
        if if_changed and latest and latest.digest == versions.digest(bundle.root, bundle.files):
            click.echo(f"Unchanged: version {latest.number} already holds these files.")
            return
        made = versions.add(connection, bundle.files, bundle.root, kind="import", note=note,
                            author="command line", now=datetime.now(UTC))
    click.echo(f"Published version {made.number}: every instance serves it within "
               f"{current_app.config['IVR_MENU_RELOAD_SECONDS']:g} s.")


@menus_cli.command("export")
@click.argument("target", type=click.Path(file_okay=False))
@click.option("--version", "number", type=int, help="Version number (default: the newest).")
def export_command(target: str, number: int | None) -> None:
    """Write a published version's files into TARGET, exactly as they were published."""
    with _engine().connect() as connection:
        version = versions.get(connection, number) if number else versions.latest(connection)
    if version is None:
        raise click.ClickException(f"no version {number}" if number else "no version yet")
    for path, text in sorted(version.files.items()):
        file = os.path.join(target, *path.split("/"))
        os.makedirs(os.path.dirname(file), exist_ok=True)
        with open(file, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    click.echo(f"Wrote version {version.number} ({len(version.files)} files) to {target}")


@menus_cli.command("versions")
@click.option("--limit", default=20, show_default=True)
def versions_command(limit: int) -> None:
    """List the published versions, newest first (the first one serves calls)."""
    with _engine().connect() as connection:
        found = versions.history(connection, limit)
    for version in found:
        click.echo(f"{version.number:>4}  {version.created_at:%Y-%m-%d %H:%M} UTC  "
                   f"{version.kind:<8} {version.author}: {version.note}")
    if not found:
        click.echo("No version yet: the first start publishes the menus folder.")


def _engine() -> Engine:
    return current_app.extensions["ivr.menus_engine"]()


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
