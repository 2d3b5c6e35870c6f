"""The menu files as text, wherever they come from, and the content hash that names them.

A ``Bundle`` is what the loader reads: every YAML file of the menus folder
(by its path inside the folder) and the list of recordings. It is read from
the folder here, or rebuilt from a snapshot or a stored version, so the same
loader checks a tree whatever its source, and the same content always gets
the same version (a SHA-256 of the texts and recording names), on every
worker of every instance.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ivr.phonetree.notices import Notice
from ivr.phonetree.tree import frozen_map

AUDIO_TYPES = (".wav", ".mp3")  # wav first: it plays without transcoding delay
# In a language's recordings folder: the files a speech synthesiser made to stand in until a
# person records them, one "<sha256>  <file>" line each (``sha256sum`` checks them). A file
# replaced since (another hash) is no longer a placeholder.
PLACEHOLDERS = "placeholders.sha256"


@dataclass(frozen=True)
class Bundle:
    """The menu files' texts by path (``main.yaml``, ``languages/en.yaml``) and the recordings.

    ``root`` is how staff name the folder in messages ("menus"); ``unreadable``
    maps the files that could not be read as text to why; ``notices`` are the
    staff notices in force or to come (kept in the database, not in the files).
    """

    root: str
    files: Mapping[str, str]
    recordings: Mapping[tuple[str, str], str] = field(default_factory=frozen_map)
    unreadable: Mapping[str, str] = field(default_factory=frozen_map)
    notices: tuple[Notice, ...] = ()
    placeholders: frozenset[tuple[str, str]] = frozenset()  # (language, recording name)

    def name(self, path: str) -> str:
        """A file as staff know it: 'menus/services.yaml'."""
        return f"{self.root}/{path}"

    @property
    def version(self) -> str:
        """The content hash: the same texts, recordings and notices give the same version."""
        return hashlib.sha256(json.dumps(self.to_data(), sort_keys=True,
                                         ensure_ascii=False).encode()).hexdigest()

    def to_data(self) -> dict[str, Any]:
        """The bundle as JSON-ready data (for snapshots and stored versions)."""
        data = {"root": self.root, "files": dict(self.files),
                "recordings": sorted([lang, key, file]
                                     for (lang, key), file in self.recordings.items()),
                "unreadable": dict(self.unreadable),
                "notices": [notice.to_data() for notice in self.notices]}
        if self.placeholders:  # absent otherwise: versions of bundles without any stay as they were
            data["placeholders"] = sorted([lang, key] for lang, key in self.placeholders)
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Bundle:
        """The bundle ``to_data`` wrote; ValueError (or KeyError, TypeError) when damaged."""
        files = {str(k): str(v) for k, v in data["files"].items()}
        recordings = {(str(lang), str(key)): str(file) for lang, key, file in data["recordings"]}
        unreadable = {str(k): str(v) for k, v in data.get("unreadable", {}).items()}
        notices = tuple(Notice.from_data(n) for n in data.get("notices", ()))
        placeholders = frozenset((str(lang), str(key))
                                 for lang, key in data.get("placeholders", ()))
        return cls(str(data["root"]), frozen_map(files), frozen_map(recordings),
                   frozen_map(unreadable), notices, placeholders)

    def with_files(self, files: Mapping[str, str]) -> Bundle:
        """The same recordings and notices with other files (a draft, an older version)."""
        return Bundle(self.root, frozen_map(dict(files)), self.recordings, frozen_map(),
                      self.notices, self.placeholders)


def read_folder(menus_dir: str, audio_dir: str) -> Bundle:
    """Read every YAML file of ``menus_dir`` and list the recordings of ``audio_dir``."""
    files: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    for path in yaml_files(menus_dir):
        rel = os.path.relpath(path, menus_dir).replace(os.sep, "/")
        try:
            with open(path, encoding="utf-8") as handle:
                files[rel] = handle.read()
        except UnicodeDecodeError:
            unreadable[rel] = "the file is not UTF-8 text: save it as UTF-8"
        except OSError as exc:  # removed while being read, or not readable by the app
            unreadable[rel] = f"the file cannot be read ({exc.strerror or exc})"
    root = os.path.basename(os.path.normpath(menus_dir))
    recordings = scan_recordings(audio_dir)
    return Bundle(root, frozen_map(files), frozen_map(recordings), frozen_map(unreadable),
                  placeholders=scan_placeholders(audio_dir, recordings))


def yaml_files(menus_dir: str) -> list[str]:
    """The YAML files under ``menus_dir``, in a stable order, hidden ones left out."""
    found = []
    for root, dirs, files in os.walk(menus_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(root, f) for f in sorted(files)
                  if f.endswith((".yaml", ".yml")) and not f.startswith(".")]
    return found


def scan_recordings(audio_dir: str) -> dict[tuple[str, str], str]:
    """Map (language, recording name) to its file under ``audio_dir``, wav before mp3."""
    found: dict[tuple[str, str], str] = {}
    if not os.path.isdir(audio_dir):
        return found
    for lang in sorted(os.listdir(audio_dir)):
        folder = os.path.join(audio_dir, lang)
        if not os.path.isdir(folder):
            continue
        for file in sorted(os.listdir(folder), key=lambda f: (os.path.splitext(f)[1] != ".wav", f)):
            key, ext = os.path.splitext(file)
            if ext.lower() in AUDIO_TYPES and (lang, key) not in found:
                found[(lang, key)] = f"{lang}/{file}"
    return found


def scan_placeholders(audio_dir: str, recordings: Mapping[tuple[str, str], str]
                      ) -> frozenset[tuple[str, str]]:
    """The recordings of ``recordings`` that their language's placeholder list names, unchanged."""
    lists = {lang: _placeholder_list(audio_dir, lang) for lang, _ in recordings}
    found = set()
    for (lang, key), file in recordings.items():
        name = file.split("/", 1)[1]
        listed = lists[lang]
        if name in listed and listed[name] == _sha256(os.path.join(audio_dir, lang, name)):
            found.add((lang, key))
    return frozenset(found)


def _placeholder_list(audio_dir: str, lang: str) -> dict[str, str]:
    """File name -> SHA-256 from ``audio/<lang>/placeholders.sha256`` (empty without one)."""
    listed: dict[str, str] = {}
    try:
        with open(os.path.join(audio_dir, lang, PLACEHOLDERS), encoding="utf-8") as handle:
            for line in handle:
                digest, _, name = line.strip().partition("  ")
                if digest and not digest.startswith("#") and name:
                    listed[name.lstrip("*")] = digest.lower()
    except OSError:
        pass
    return listed


def _sha256(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def fingerprint(menus_dir: str, audio_dir: str) -> str:
    """A cheap signature of every menu file and recording (names, sizes, times): no reads."""
    digest = hashlib.sha1(usedforsecurity=False)
    for path in yaml_files(menus_dir):
        _stat_into(digest, path)
    if os.path.isdir(audio_dir):
        for root, dirs, files in os.walk(audio_dir):
            dirs.sort()
            for file in sorted(files):
                _stat_into(digest, os.path.join(root, file))
    return digest.hexdigest()


def _stat_into(digest: Any, path: str) -> None:
    try:
        info = os.stat(path)
    except OSError:
        return
    digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
