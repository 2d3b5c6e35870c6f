"""A big tree: how long loading and checking takes, and what a webhook costs with it.

Generates a hotline of ``--menus`` menus (default 500) in ``--languages``
languages (default 5: the fixture tree's en, ja, tl and two copies of en
under other codes), each menu with five options (submenus as a tree, and
services to connect or tell), 100 services, then times
``loader.load_bundle`` over ``--runs`` runs and the in-process webhooks
of a call deep in the tree. Nothing is written to the repository.

    .venv/bin/python bench/bigtree.py [--menus 500] [--languages 5] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr.phonetree import loader  # noqa: E402
from ivr.phonetree.bundle import read_folder  # noqa: E402

FIXTURE = ROOT / "tests" / "menus"
EXTRA = ("xa", "xb", "xc", "xd", "xe", "xf")  # copies of English under other codes
SERVICES = 100


def languages(count: int) -> list[str]:
    return ["en", "ja", "tl", *EXTRA][:count]


def texts(codes: list[str], what: str, indent: int = 6) -> str:
    return "\n".join(f"{' ' * indent}{code}: {what} ({code})" for code in codes)


def write_tree(folder: Path, menus: int, codes: list[str]) -> None:
    """The fixture tree's languages, calendars and services, plus a generated tree."""
    (folder / "languages").mkdir(parents=True)
    for code in codes:
        source = FIXTURE / "languages" / f"{code if code in ('en', 'ja', 'tl') else 'en'}.yaml"
        text = source.read_text(encoding="utf-8")
        if code in EXTRA:
            text = text.replace("\n  en:\n", f"\n  {code}:\n", 1)
        (folder / "languages" / f"{code}.yaml").write_text(text, encoding="utf-8")
    (folder / "calendars.yaml").write_text((FIXTURE / "calendars.yaml").read_text("utf-8"),
                                           encoding="utf-8")
    (folder / "hotline.yaml").write_text(f"""hotlines:
  main:
    name: A big hotline
    numbers: []
    default: true
    languages: [{", ".join(codes)}]
    start: m0
    timezone: Asia/Tokyo
""", encoding="utf-8")
    services = ["services:"]
    for n in range(SERVICES):
        services.append(f"""  s{n}:
    name:
{texts(codes, f"service {n}")}
    dial: "+8133501{n:04d}"
    number: 03-3501-{n:04d}
    hours:
      mon-fri: [09:00-12:30, 13:30-17:00]
    closed_on: [japan-holidays, year-end]
    alternatives: [s{(n + 1) % SERVICES}]
    source:
      name: generated
      checked: 2026-12-01""")
    (folder / "services.yaml").write_text("\n".join(services) + "\n", encoding="utf-8")
    lines = ["menus:"]
    for n in range(menus):
        lines += [f"  m{n}:", "    prompt:", texts(codes, f"menu {n}"), "    options:"]
        for key in range(1, 6):
            child = n * 4 + key
            lines += [f'      "{key}":', "        label:", texts(codes, f"choice {key}", 10)]
            if key <= 4 and child < menus:
                lines.append(f"        menu: m{child}")
            else:
                action = "tell" if (n + key) % 3 == 0 else "connect"
                lines.append(f"        {action}: s{(n * 5 + key) % SERVICES}")
    (folder / "main.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--menus", type=int, default=500)
    parser.add_argument("--languages", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    codes = languages(args.languages)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "menus"
        write_tree(folder, args.menus, codes)
        size = sum(p.stat().st_size for p in folder.rglob("*.yaml"))
        bundle = read_folder(str(folder), str(Path(tmp) / "audio"))
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            result = loader.load_bundle(bundle)
            times.append(time.perf_counter() - start)
        tree = result.tree
        print(f"tree: {len(tree.menus)} menus, {len(tree.services)} services, "
              f"{len(tree.languages)} languages ({', '.join(codes)}), {size / 1e6:.1f} MB of YAML,"
              f" {len(result.warnings)} warning(s)")
        print(f"load and check: median {statistics.median(times):.3f} s, best {min(times):.3f} s"
              f" over {args.runs} runs")
        webhooks(folder, Path(tmp))


def webhooks(folder: Path, tmp: Path, requests: int = 500) -> None:
    """Median cost of a deep menu webhook and a service webhook with this tree, in-process."""
    import ivr

    app = ivr.create_app({
        "TESTING": True, "IVR_ALLOW_UNSIGNED": True, "INSTANCE_PATH": str(tmp / "instance"),
        "IVR_MENUS_DIR": str(folder), "IVR_AUDIO_DIR": str(tmp / "audio"),
        "IVR_MENUS_SOURCE": "folder", "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "IVR_MENU_RELOAD_SECONDS": 0})
    client = app.test_client()
    form = {"CallSid": "CA" + "b" * 32, "From": "+819012345678", "To": "+815000000000"}
    for name, url in (("deep menu", "/voice/menu?h=main&l=en&t=m499"),
                      ("service", "/voice/service?h=main&l=en&t=s42&o=m7")):
        times = []
        for n in range(requests):
            start = time.perf_counter()
            response = client.post(url + f"&n={n}", data=form)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200
        print(f"webhook, {name}: median {statistics.median(times) * 1e6:.0f} us")
    app.extensions["calllog"].close()


if __name__ == "__main__":
    main()
