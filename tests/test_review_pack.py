"""The review pack: every text of a language beside English, out to a translator and back.

`flask --app ivr menus export-texts LANG` and `import-texts LANG FILE`, on a
copy of the fixture of the eleven languages. An export imported unchanged
leaves every file byte for byte; a changed cell changes that text alone, where
it is written; each problem is reported by row and column and nothing is
written while there is one.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from languages_support import LANGUAGES, audio

from ivr.phonetree import reviewimport, reviewpack, reviewtable
from ivr.phonetree.bundle import read_folder


@pytest.fixture
def menus(tmp_path) -> Path:
    folder = tmp_path / "menus"
    shutil.copytree(LANGUAGES, folder)
    audio(tmp_path / "audio", folder)
    return folder


@pytest.fixture
def cli(make_app, menus, tmp_path):
    app = make_app(IVR_MENUS_DIR=str(menus), IVR_AUDIO_DIR=str(tmp_path / "audio"))
    return lambda *args: app.test_cli_runner().invoke(args=list(args))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}


def table(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def write(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(reviewtable.BOM + out.getvalue(), encoding="utf-8", newline="")


def test_the_export_lists_every_text_beside_english(cli, tmp_path):
    result = cli("menus", "export-texts", "pt", "-o", str(tmp_path / "pt.csv"))
    assert result.exit_code == 0, result.output
    rows = table(tmp_path / "pt.csv")
    assert rows[0] == ["id", "english", "pt", "placeholders", "where", "note"]
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["phrase.offer_service"] == [
        "phrase.offer_service", "To call {service}, which is open now, press {key}.",
        "Para ligar para: {service}, que está atendendo agora, tecle {key}.", "{service} {key}",
        "menus/languages/pt.yaml:70", ""]
    assert by_id["digit.6"][1:3] == ["six", "meia"]
    assert by_id["menu.main.option.4"][1:3] == [
        "help if someone forces you to work, or does not let you leave",
        "ajuda se alguém obriga você a trabalhar, ou não deixa você ir embora"]
    assert by_id["service.iom.name"][1:3] == ["IOM Tokyo", "OIM Tóquio"]
    assert len(rows) == 1 + 118
    assert result.stderr == f"Wrote 118 texts of 'pt' to {tmp_path / 'pt.csv'}\n"


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_an_unchanged_export_imports_byte_for_byte(cli, menus, tmp_path, form):
    before = snapshot(menus)
    target = tmp_path / f"vi.{form}"
    assert cli("menus", "export-texts", "vi", "-o", str(target)).exit_code == 0
    result = cli("menus", "import-texts", "vi", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "0 text(s) of 'vi' changed"
    assert snapshot(menus) == before
    again = tmp_path / f"again.{form}"
    assert cli("menus", "export-texts", "vi", "-o", str(again)).exit_code == 0
    if form == "csv":
        assert again.read_bytes() == target.read_bytes()


def test_a_changed_cell_changes_that_text_alone_where_it_is_written(cli, menus, tmp_path):
    before = snapshot(menus)
    assert cli("menus", "export-texts", "vi", "-o", str(tmp_path / "vi.csv")).exit_code == 0
    rows = table(tmp_path / "vi.csv")
    edits = {"phrase.greeting": "Xin chào: đây là đường dây hỗ trợ.",  # a folded text, now quoted
             "language_name.ja": "tiếng Nhật Bản",  # in a {flow: mapping}
             "weekday.sun": "ngày Chủ nhật",  # in a [flow, list]
             "menu.info.option.4": "IOM ở Tokyo"}
    for row in rows:
        row[2] = edits.get(row[0], row[2])
    write(tmp_path / "vi.csv", rows)
    result = cli("menus", "import-texts", "vi", str(tmp_path / "vi.csv"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ("4 text(s) of 'vi' changed in "
                                             "menus/languages/vi.yaml, menus/main.yaml")
    after = snapshot(menus)
    assert {name for name in after if after[name] != before[name]} == {
        "languages/vi.yaml", "main.yaml"}
    vi = after["languages/vi.yaml"].decode()
    assert '      greeting: "Xin chào: đây là đường dây hỗ trợ."\n' in vi
    assert "ja: tiếng Nhật Bản, tl: tiếng Tagalog" in vi
    assert "thứ Bảy, ngày Chủ nhật]" in vi
    assert before["main.yaml"].decode().replace("          vi: IOM Tokyo\n          zh: 国际",
                                                "          vi: IOM ở Tokyo\n          zh: 国际") \
        == after["main.yaml"].decode()
    assert cli("menus", "export-texts", "vi", "-o", str(tmp_path / "again.csv")).exit_code == 0
    texts = [row[:3] for row in rows]  # the places ("where") of the texts after a shorter one move
    assert [row[:3] for row in table(tmp_path / "again.csv")] == texts


def test_every_problem_is_reported_by_row_and_column_and_nothing_is_written(cli, menus,
                                                                              tmp_path):
    before = snapshot(menus)
    assert cli("menus", "export-texts", "zh", "-o", str(tmp_path / "zh.csv")).exit_code == 0
    rows = [r for r in table(tmp_path / "zh.csv") if r[0] != "phrase.goodbye"]
    row = {r[0]: n + 1 for n, r in enumerate(rows)}  # as a spreadsheet numbers them
    rows[row["phrase.busy"] - 1][2] = "现在占线。"  # {service} dropped
    rows[row["phrase.closed"] - 1][2] = "  "
    rows[row["phrase.offer_number"] - 1][2] = "如需听{servce}的电话号码，请按{key}。"
    rows[row["weekday.mon"] - 1][0] = "weekday.monday"
    rows.append(list(rows[row["month.1"] - 1]))
    write(tmp_path / "zh.csv", rows)
    result = cli("menus", "import-texts", "zh", str(tmp_path / "zh.csv"))
    assert result.exit_code == 1
    name = tmp_path / "zh.csv"
    assert result.stderr.splitlines() == [
        f"{name}: row {row['phrase.busy']}, column C (zh): '{{service}}' is missing: keep "
        "every placeholder of the English ({service})",
        f"{name}: row {row['phrase.closed']}, column C (zh): empty: 'phrase.closed' needs a text "
        "(the English: '{service} is closed now.')",
        f"{name}: row {row['phrase.offer_number']}, column C (zh): '{{service}}' is missing: keep "
        "every placeholder of the English ({service}, {key})",
        f"{name}: row {row['phrase.offer_number']}, column C (zh): '{{servce}}' is not a "
        "placeholder of 'phrase.offer_number' (did you mean 'service'?)",
        f"{name}: row {row['weekday.mon']}, column A (id): 'weekday.monday' is not a text of the "
        "menus (did you mean 'weekday.mon'?)",
        f"{name}: row {len(rows)}, column A (id): 'month.1' again (first on row "
        f"{row['month.1']})",
        f"{name}: no row for 'phrase.goodbye' (menus/languages/zh.yaml:44): every text of the "
        "export must come back",
        f"{name}: no row for 'weekday.mon' (menus/languages/zh.yaml:15): every text of the "
        "export must come back",
        "Error: nothing written: 8 problem(s)"]
    assert snapshot(menus) == before


def test_a_table_without_the_languages_column(cli, tmp_path):
    write(tmp_path / "x.csv", [["id", "english", "vi"], ["name", "English", "Tiếng Việt"]])
    result = cli("menus", "import-texts", "th", str(tmp_path / "x.csv"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{tmp_path / 'x.csv'}: row 1: no column 'th' (the header names the columns; the texts "
        "are in the column 'th')")


def test_a_half_translated_language_exports_empty_cells_and_is_completed_by_the_import(
        cli, menus, tmp_path):
    main = menus / "main.yaml"
    main.write_text(main.read_text(encoding="utf-8").replace(
        "          th: ไอโอเอ็ม โตเกียว\n", ""), encoding="utf-8")
    th = menus / "languages" / "th.yaml"
    th.write_text(th.read_text(encoding="utf-8").replace(
        "      closed_break: ขณะนี้เป็นเวลาพักกลางวัน\n", ""), encoding="utf-8")
    assert cli("menus", "check").exit_code == 1  # the completeness check refuses it
    result = cli("menus", "export-texts", "th", "-o", str(tmp_path / "th.csv"))
    assert result.stderr == f"Wrote 118 texts of 'th' to {tmp_path / 'th.csv'} (2 not " \
                            "translated yet)\n"
    rows = table(tmp_path / "th.csv")
    empty = {r[0]: r for r in rows if r[2] == ""}
    assert sorted(empty) == ["menu.info.option.4", "phrase.closed_break"]
    empty["menu.info.option.4"][2] = "ไอโอเอ็ม โตเกียว"
    empty["phrase.closed_break"][2] = "ขณะนี้เป็นเวลาพักกลางวัน"
    write(tmp_path / "th.csv", rows)
    result = cli("menus", "import-texts", "th", str(tmp_path / "th.csv"))
    assert result.exit_code == 0, result.output
    assert "          ko: 국제이주기구 도쿄 사무소\n          th: ไอโอเอ็ม โตเกียว\n" in \
        main.read_text(encoding="utf-8")


def test_the_english_placeholders_a_translation_must_keep(tmp_path):
    files = read_folder(str(LANGUAGES), "").files
    entries = {e.id: e for e in reviewpack.entries(files, "ko")}
    assert entries["phrase.number"].slots == ("service", "number")
    assert entries["phrase.time"].slots == ("minute",)  # the hour: 24 h or 12 h with a period
    assert reviewpack.problems(entries["phrase.time"], "{minute}분") == [
        "a time needs its hour: '{hour}' (0-23) or '{hour12}' (1-12, with '{period}')"]
    assert reviewpack.problems(entries["phrase.time"], "{hour}시 {minute}분") == []
    assert reviewimport.column_name(0) == "A" and reviewimport.column_name(27) == "AB"


@pytest.mark.parametrize("lang", ["en", "ja", "tl", "vi", "zh", "th", "id", "ne", "pt", "es",
                                  "ko"])
def test_every_language_keeps_every_placeholder_of_english(lang):
    files = read_folder(str(LANGUAGES), "").files
    found = {e.id: reviewpack.problems(e, e.text or "") for e in reviewpack.entries(files, lang)}
    assert {text_id: p for text_id, p in found.items() if p} == {}
