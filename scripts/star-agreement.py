#!/usr/bin/env python3
"""Agreement between the corpus labels and a second labeller's blind re-labelling.

    python3 scripts/star-agreement.py     # tests/corpus/star/agreement/labeller2

For every file in the second labeller's folder, the same-named answer is found in
tests/corpus/star/spoken/{tune,heldout,heldout2,heldout3,heldout4,heldout5}; sentences are matched line by line (the second
labeller received the same lines with labels stripped). Prints sentence-label agreement,
Cohen's kappa over S/T/A/R/-, and part-presence agreement, overall and per author.
Standard library only.
"""
import collections
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "tests/corpus/star/spoken"
LABELS = ["S", "T", "A", "R", "-"]


def labels(path):
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        out.append((line.split(":", 1)[0].strip(), line.split(":", 1)[1].strip()))
    return out


def kappa(pairs):
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    ca = collections.Counter(a for a, _ in pairs)
    cb = collections.Counter(b for _, b in pairs)
    pe = sum(ca[k] * cb[k] for k in LABELS) / (n * n)
    return (po - pe) / (1 - pe)


def main():
    second = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "agreement/labeller2"
    pairs = collections.defaultdict(list)
    presence = collections.defaultdict(lambda: [0, 0])
    by_split = collections.Counter()
    skipped = []
    for path in sorted(second.glob("*.txt")):
        found = list(ROOT.glob(f"*/{path.name}"))
        if not found:
            skipped.append(path.name)
            continue
        by_split[found[0].parent.name] += 1
        a, b = labels(found[0]), labels(path)
        if len(a) != len(b) or any(x[1] != y[1] for x, y in zip(a, b)):
            skipped.append(path.name + " (lines differ)")
            continue
        author = path.name.split("-")[0]
        for key in ("all", author):
            pairs[key].extend((x[0], y[0]) for x, y in zip(a, b))
            for part in "STAR":
                presence[key][0] += (part in {x[0] for x in a}) == (part in {y[0] for y in b})
                presence[key][1] += 1
    print(f"files per split: {dict(by_split)}; skipped: {skipped}")
    for key in sorted(pairs, key=lambda k: (k != "all", k)):
        p = pairs[key]
        agree = sum(x == y for x, y in p)
        pr, pn = presence[key]
        print(f"{key:8} sentences {agree}/{len(p)} = {100*agree/len(p):.1f}%  kappa {kappa(p):.3f}  "
              f"presence {pr}/{pn} = {100*pr/pn:.1f}%")
    confusion = collections.Counter(pairs["all"])
    print("confusion (rows corpus label, columns second labeller):")
    print("    " + "".join(f"{l:>5}" for l in LABELS))
    for a in LABELS:
        print(f"  {a} " + "".join(f"{confusion[(a, b)]:>5}" for b in LABELS))


if __name__ == "__main__":
    main()
