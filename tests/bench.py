"""`make bench`: build speed and size figures (printed, not asserted).

- the real deck: cold build (empty caches), warm rebuild with nothing changed, forced
  rebuild from the render cache;
- a synthetic deck of 10,000 cards generated in a temp dir: cold and warm, peak memory;
- the floor: raw genanki writing the same notes with its own `write_to_file`;
- diagram render times, when the diagram renderer is installed.
Each build runs in a fresh subprocess so that its time and peak memory are its own.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.helpers import ROOT, copy_project

CHILD = """
import json, resource, sys, time
t = time.perf_counter()
from mldeck.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seconds": time.perf_counter() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

WORDS = (
    "model data training loss gradient feature label variance bias regularization validation "
    "error sample network layer weight cluster tree ensemble metric precision recall"
).split()


def run_build(root: Path, *args: str) -> dict:
    cmd = [sys.executable, "-c", CHILD, "--root", str(root), "build", "--quiet", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def synthetic_card(i: int, rng: random.Random) -> str:
    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."

    body = [" ".join(sentence() for _ in range(3)), f"The loss is $L = \\sum_i (y_i - \\hat y_{{{i}}})^2$."]
    body.append("\n".join(f"{k}. **{rng.choice(WORDS)}:** {sentence()}" for k in range(1, 4)))
    if i % 5 == 0:
        body.append(f"```python\ndef f_{i}(x):\n    return x * {i}  # scale\n```")
    level = ("basic", "intermediate", "advanced")[i % 3]
    return (
        f"---\nid: epam-s{i:05d}\nsource: epam\nref: {i}\ndifficulty: {level}\n"
        f"topics: [evaluation]\nanswer_origin: deck\n---\n\n# Synthetic question {i}: explain {rng.choice(WORDS)}?\n\n"
        + "\n\n".join(body)
        + "\n"
    )


def make_synthetic(root: Path, n: int) -> Path:
    shutil.copytree(ROOT / "sources", root / "sources")
    (root / "media").mkdir(parents=True)
    folder = root / "cards" / "epam"
    folder.mkdir(parents=True)
    rng = random.Random(7)
    for i in range(n):
        (folder / f"s{i:05d}.md").write_text(synthetic_card(i, rng), encoding="utf-8")
    return root


def genanki_floor(root: Path, out: Path) -> tuple[float, float]:
    """(raw genanki, our writer) on the same rendered notes: our model, fields and GUIDs."""
    import genanki

    from mldeck.build.apkg import write_apkg
    from mldeck.build.run import BuildOptions, prepare_notes
    from mldeck.notetype.model import DECK_IDS, ROOT_DECK, make_model

    prepared = prepare_notes(root, BuildOptions(quiet=True))  # warm render cache: rendering is not timed
    model = make_model()
    start = time.perf_counter()
    deck = genanki.Deck(DECK_IDS[ROOT_DECK], ROOT_DECK)
    for n in prepared.notes:
        deck.add_note(genanki.Note(model=model, fields=list(n.fields), tags=list(n.tags), guid=n.guid))
    genanki.Package(deck).write_to_file(str(out))
    floor = time.perf_counter() - start
    start = time.perf_counter()
    write_apkg(out, make_model(), DECK_IDS, {}, prepared.notes, prepared.media, 1_800_000_000)
    return floor, time.perf_counter() - start


def main() -> None:
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="mldeck-bench-") as tmp:
        real = copy_project(Path(tmp) / "real", with_cards=True)
        cold = run_build(real)
        warm = run_build(real)
        forced = run_build(real, "--force")
        size = (real / "dist" / "ml-interview-questions.apkg").stat().st_size
        rows += [
            ("real deck: cold build", f"{cold['seconds']:.2f} s, peak {cold['peak_mb']:.0f} MB"),
            ("real deck: rebuild, nothing changed", f"{warm['seconds']:.3f} s"),
            ("real deck: forced rebuild from render cache", f"{forced['seconds']:.2f} s"),
            ("real deck: .apkg size", f"{size / 1024:.0f} KB"),
        ]
        floor, ours = genanki_floor(real, Path(tmp) / "floor.apkg")
        rows += [
            ("real deck: raw genanki writing the notes (floor)", f"{floor:.3f} s"),
            ("real deck: our writer, same notes", f"{ours:.3f} s"),
        ]
        n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
        synth = make_synthetic(Path(tmp) / "synth", n)
        s_cold = run_build(synth)
        s_warm = run_build(synth)
        s_forced = run_build(synth, "--force")
        floor, ours = genanki_floor(synth, Path(tmp) / "floor-synth.apkg")
        rows += [
            (f"{n} cards: cold build", f"{s_cold['seconds']:.2f} s, peak {s_cold['peak_mb']:.0f} MB"),
            (f"{n} cards: rebuild, nothing changed", f"{s_warm['seconds']:.2f} s"),
            (
                f"{n} cards: forced rebuild from render cache",
                f"{s_forced['seconds']:.2f} s, peak {s_forced['peak_mb']:.0f} MB",
            ),  # fmt: skip
            (f"{n} cards: raw genanki writing the notes (floor)", f"{floor:.2f} s"),
            (f"{n} cards: our writer, same notes", f"{ours:.2f} s ({ours / floor:.2f}x the floor)"),
            (f"{n} cards: whole forced rebuild / floor", f"{s_forced['seconds'] / floor:.2f}x (reads and parses too)"),
        ]
    try:
        from tests import bench_diagrams
    except ImportError:
        bench_diagrams = None
    if bench_diagrams is not None:
        rows += [(f"diagrams: {name}", f"{secs:.3f} s") for name, secs in bench_diagrams.run()]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
