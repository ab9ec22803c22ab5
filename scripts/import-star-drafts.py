#!/usr/bin/env python3
"""Copy the three authors' spoken STAR answers into tests/corpus/star/spoken/{tune,heldout}.

The split is fixed by file names alone, before any answer is scored: for each author, the
answers to each question id are sorted by file name and every third one (the 2nd, 5th, ...)
goes to held-out. That is about a third, stratified by author and by question.

    python3 scripts/import-star-drafts.py /work/corpus-drafts

Standard library only; rerunning it gives the same split.
"""
import collections
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "tests/corpus/star/spoken"


def question(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# question:"):
            return line.split(":", 1)[1].strip()
    sys.exit(f"{path}: no '# question:' line")


def main():
    drafts = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/work/corpus-drafts")
    for split in ("tune", "heldout"):
        target = ROOT / split
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
    counts = collections.Counter()
    for author in sorted(drafts.glob("author*")):
        groups = collections.defaultdict(list)
        for path in sorted(author.glob("author*.txt")):
            groups[question(path)].append(path)
        for paths in groups.values():
            for i, path in enumerate(paths):
                split = "heldout" if i % 3 == 1 else "tune"
                shutil.copy(path, ROOT / split / path.name)
                counts[(author.name, split)] += 1
    for key in sorted(counts):
        print(*key, counts[key])


if __name__ == "__main__":
    main()
