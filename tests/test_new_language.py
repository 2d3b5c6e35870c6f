"""Adding a language is a matter of YAML (and recordings), never of code."""

from __future__ import annotations

import re

from conftest import post, says, twiml

from ivr.phonetree import loader, recordings


def add_language(menus, code: str, say: str) -> None:
    """Copy the English texts as ``code`` everywhere (a translator would translate them)."""
    english = (menus / "languages" / "en.yaml").read_text(encoding="utf-8")
    english = english.replace("  en:\n    name: English", f"  {code}:\n    name: {code.upper()}")
    english = re.sub(r"    say:\n(      .*\n)+", say, english)
    (menus / "languages" / f"{code}.yaml").write_text(english, encoding="utf-8")
    for name in ("main.yaml", "services.yaml"):
        path = menus / name
        text = re.sub(r"^( +)en: (.*)$", rf"\1en: \2\n\1{code}: \2", path.read_text("utf-8"),
                      flags=re.MULTILINE)
        path.write_text(text, encoding="utf-8")
    hotline = menus / "hotline.yaml"
    hotline.write_text(hotline.read_text("utf-8").replace("[en, ja, tl]", f"[en, ja, tl, {code}]"),
                       encoding="utf-8")


def test_vietnamese_with_a_twilio_voice_needs_only_yaml(make_app, menus_copy):
    menus = menus_copy
    add_language(menus, "vi",
                 "    say:\n      language: vi-VN\n      voice: Google.vi-VN-Standard-A\n")
    client = make_app(IVR_MENUS_DIR=str(menus)).test_client()
    root = twiml(post(client, "/voice"))
    assert says(root)[-1] == ("vi-VN", "For English, press 4.")
    menu = twiml(post(client, "/voice/language?h=main&t=language", Digits="4"))
    assert menu.find("Gather").get("action") == "/voice/menu?h=main&l=vi&t=main&n=1"
    assert {say.get("voice") for say in menu.iter("Say")} == {"Google.vi-VN-Standard-A"}


def test_nepali_without_a_voice_needs_its_recordings(make_app, menus_copy, tmp_path):
    menus, audio = menus_copy, tmp_path / "audio"
    add_language(menus, "ne", "    say: none\n")
    try:
        loader.load(str(menus), str(audio))
    except loader.LoadError as exc:
        errors = [str(p) for p in exc.problems if p.level == "error"]
    assert len(errors) == 1
    assert errors[0].startswith("menus/languages/ne.yaml:")
    assert ("language 'ne' has no Twilio voice, so it needs recordings; missing in audio/ne/: "
            "greeting.wav, emergency.wav,") in errors[0]

    spoken = menus / "languages" / "ne.yaml"
    spoken.write_text(spoken.read_text("utf-8").replace(
        "    say: none\n", "    say:\n      language: en-US\n"), encoding="utf-8")
    needed = recordings.needed(loader.load(str(menus), str(audio)).tree, "ne")
    spoken.write_text(spoken.read_text("utf-8").replace(
        "    say:\n      language: en-US\n", "    say: none\n"), encoding="utf-8")
    (audio / "ne").mkdir(parents=True)
    for name in needed:
        (audio / "ne" / f"{name}.wav").write_bytes(b"RIFF")
    assert loader.load(str(menus), str(audio)).warnings == ()

    client = make_app(IVR_MENUS_DIR=str(menus), IVR_AUDIO_DIR=str(audio)).test_client()
    root = twiml(post(client, "/voice/menu?h=main&l=ne&t=main&s=4"))
    assert [child.tag for child in root] == ["Play", "Play", "Hangup"]
    assert [play.text for play in root.iter("Play")] == [
        "http://localhost/audio/ne/emergency.wav", "http://localhost/audio/ne/goodbye.wav"]
    offer = twiml(post(client, "/voice/dialled?h=main&l=ne&t=police&o=main",
                       DialCallStatus="busy")).find("Gather")
    assert [child.tag for child in offer] == ["Play"] * len(list(offer))
    assert offer[0].text == "http://localhost/audio/ne/service.police.wav"
