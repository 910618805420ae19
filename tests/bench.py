"""`make bench`: build speed side by side with raw genanki and ankdown, on one synthetic corpus.

Each card of the corpus has a paragraph, an inline formula, a 5-line Python block and a key
point. Every measurement is the wall time of a fresh process (start-up included, as a user
sees it), taken `--repeat` times in alternation with its reference; medians are compared:

- one card edited in 10,000 (against raw genanki writing the same notes): target <= 2x
- nothing changed, 10,000 (against raw genanki): target <= 1.5x
- 10,000 cold, empty caches (against ankdown 0.7.1 --highlight on the same cores): target <= 1x
- 110 cards cold (against raw genanki): target <= 2x
- peak memory of the 10,000-card cold build: target <= 300 MiB

Our package is byte-compiled before the runs, as pip compiles genanki and ankdown when it installs
them: an editable install is compiled on first import, but not where PYTHONDONTWRITEBYTECODE is
set (as on this machine), and compiling ~100 modules in each process would be measured instead.

"Raw genanki" is a process that loads the notes our build made (fields, tags, GUIDs, our model)
and writes them with genanki's own `write_to_file`. ankdown runs in a venv of its own under
build/bench/ (made on first use from PyPI). Printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.helpers import ROOT

ANKDOWN = "ankdown==0.7.1"
ANKDOWN_VENV = ROOT / "build" / "bench" / "ankdown-venv"
WORDS = (
    "model data training loss gradient feature label variance bias regularization validation "
    "error sample network layer weight cluster tree ensemble metric precision recall"
).split()

CHILD = """
import json, resource, sys, time
from mldeck.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

GENANKI = """
import json, sys
import genanki
from mldeck.notetype.model import DECK_IDS, ROOT_DECK, make_model
notes = json.load(open(sys.argv[1], encoding="utf-8"))
model = make_model()
deck = genanki.Deck(DECK_IDS[ROOT_DECK], ROOT_DECK)
for fields, tags, guid in notes:
    deck.add_note(genanki.Note(model=model, fields=fields, tags=tags, guid=guid))
genanki.Package(deck).write_to_file(sys.argv[2])
"""


def card(i: int, rng: random.Random) -> tuple[str, str, str]:
    """(question, answer, key point) of synthetic card `i`."""

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."

    code = f"```python\ndef f_{i}(x):\n    y = x * {i}\n    if y > 10:\n        return y - 1\n    return y\n```"
    formula = f"The loss is $L = \\sum_i (y_i - \\hat y_{{{i}}})^2$."
    answer = f"{sentence()} {sentence()} {formula} {sentence()}\n\n{code}"
    return f"Synthetic question {i}: explain {rng.choice(WORDS)}?", answer, sentence()


def make_corpus(root: Path, n: int) -> Path:
    """The corpus as this project's card files, under `root`."""
    shutil.copytree(ROOT / "sources", root / "sources")
    (root / "media").mkdir(parents=True)
    folder = root / "cards" / "epam"
    folder.mkdir(parents=True)
    rng = random.Random(7)
    for i in range(n):
        question, answer, key_point = card(i, rng)
        level = ("basic", "intermediate", "advanced")[i % 3]
        (folder / f"s{i:05d}.md").write_text(
            f"---\nid: epam-s{i:05d}\nsource: epam\nref: {i}\ndifficulty: {level}\ntopics: [evaluation]\n"
            f"answer_origin: deck\n---\n\n# {question}\n\n{answer}\n\n## Key point\n\n{key_point}\n",
            encoding="utf-8",
        )
    return root


def make_ankdown_corpus(folder: Path, n: int) -> Path:
    """The same cards in ankdown's format (front, `%`, back; its math is \\( \\))."""
    folder.mkdir(parents=True)
    rng = random.Random(7)
    for i in range(n):
        question, answer, key_point = card(i, rng)
        answer = answer.replace("$L = ", "\\(L = ").replace("^2$", "^2\\)")
        (folder / f"s{i:05d}.md").write_text(f"{question}\n\n%\n\n{key_point}\n\n{answer}\n", encoding="utf-8")
    return folder


def timed(cmd: list[str], cwd: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed:\n{proc.stderr[-3000:]}")
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "{}"
    return seconds, (json.loads(last) if last.startswith("{") else {})


def ours(root: Path, *args: str) -> tuple[float, dict]:
    seconds, info = timed([sys.executable, "-c", CHILD, "--root", str(root), "build", "--quiet", *args], ROOT)
    if info.get("code") != 0:
        raise SystemExit(f"the build of {root} failed")
    return seconds, info


def dump_notes(root: Path, tmp: Path) -> Path:
    """The notes our build makes of `root` (fields, tags, GUID), as JSON for the genanki process."""
    from mldeck.build.run import BuildOptions, prepare_notes

    notes = prepare_notes(root, BuildOptions(quiet=True)).notes
    data = tmp / f"notes-{len(notes)}.json"
    data.write_text(json.dumps([[list(n.fields), list(n.tags), n.guid] for n in notes]), encoding="utf-8")
    return data


def genanki_floor(data: Path) -> float:
    return timed([sys.executable, "-c", GENANKI, str(data), str(data.with_suffix(".apkg"))], ROOT)[0]


def ankdown_python() -> Path:
    python = ANKDOWN_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(ANKDOWN_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", ANKDOWN], check=True)
    return ANKDOWN_VENV / "bin" / "ankdown"


def ankdown(folder: Path, out: Path) -> float:
    return timed([str(ankdown_python()), "-r", str(folder), "-p", str(out), "--highlight"], out.parent)[0]


def edit_one(root: Path, round_: int) -> None:
    path = root / "cards" / "epam" / "s00042.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n\n```python", f" Edited {round_}.\n\n```python", 1), encoding="utf-8")


def paired(repeat: int, a, b) -> tuple[float, float]:  # noqa: ANN001 - two thunks
    """Medians of `a` and `b`, run alternately."""
    xs, ys = [], []
    for _ in range(repeat):
        xs.append(a())
        ys.append(b())
    return statistics.median(xs), statistics.median(ys)


def measure(n: int, small: int, repeat: int, tmp: Path) -> list[tuple[str, float, str, float, float]]:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "mldeck")], check=True)
    big = make_corpus(tmp / "big", n)
    ank = make_ankdown_corpus(tmp / "ankdown", n)
    cold_runs: list[dict] = []

    def cold() -> float:
        shutil.rmtree(big / "build", ignore_errors=True)
        shutil.rmtree(big / "dist", ignore_errors=True)
        seconds, info = ours(big)
        cold_runs.append(info)
        return seconds

    rows = []
    t_cold, t_ank = paired(repeat, cold, lambda: ankdown(ank, tmp / "ankdown.apkg"))
    rows.append((f"{n:,} cards, cold (all {len(os.sched_getaffinity(0))} cores)", t_cold, "ankdown 0.7.1 --highlight",
                 t_ank, 1.0))  # fmt: skip
    notes = dump_notes(big, tmp)
    edits = iter(range(1_000_000))

    def edited() -> float:
        edit_one(big, next(edits))
        return ours(big)[0]

    t_edit, t_floor = paired(repeat, edited, lambda: genanki_floor(notes))
    rows.append((f"one card edited in {n:,}", t_edit, "raw genanki, same notes", t_floor, 2.0))
    t_same, t_floor = paired(repeat, lambda: ours(big)[0], lambda: genanki_floor(notes))
    rows.append((f"nothing changed, {n:,}", t_same, "raw genanki, same notes", t_floor, 1.5))
    few = make_corpus(tmp / "small", small)
    few_notes = dump_notes(few, tmp)

    def cold_small() -> float:
        shutil.rmtree(few / "build", ignore_errors=True)
        shutil.rmtree(few / "dist", ignore_errors=True)
        return ours(few)[0]

    t_small, t_floor = paired(repeat, cold_small, lambda: genanki_floor(few_notes))
    rows.append((f"{small} cards, cold", t_small, "raw genanki, same notes", t_floor, 2.0))
    peak = max(r["peak_mb"] for r in cold_runs)
    workers = max(r["workers_mb"] for r in cold_runs)
    rows.append((f"peak memory, {n:,} cold (MiB; largest worker {workers:.0f})", peak, "target", 300.0, 1.0))
    return rows


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="make bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--cards", type=int, default=10_000)
    p.add_argument("--small", type=int, default=110)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mldeck-bench-") as tmp:
        rows = measure(args.cards, args.small, args.repeat, Path(tmp))
    print(f"{'work':<48} {'mldeck':>9}  {'reference':<26} {'time':>9}  {'ratio':>6}  target")
    for work, mine, ref, theirs, target in rows:
        ratio = mine / theirs
        verdict = "ok" if ratio <= target else "MISSED"
        print(f"{work:<48} {mine:>9.2f}  {ref:<26} {theirs:>9.2f}  {ratio:>5.2f}x  <= {target:g}x {verdict}")


if __name__ == "__main__":
    main()
