"""How near-duplicate detection separates copies from retellings (the copies threshold).

Copies: real article texts (the seeds, ../shared fundus-pages and ECB+ articles)
each edited the way syndication edits them: a new headline, a paragraph dropped,
a footer added, the end cut, a few words changed. Retellings: pairs of different
articles of one ECB+ story (other outlets, same news), which must NOT be copies.
Prints the estimated-Jaccard percentiles of each, and for candidate thresholds
the share of copies found and of retellings merged (ECB+ stories hold some
syndicated wire copies, so a small share of "retellings" are copies indeed).
Usage: python bench/copies.py
"""

from __future__ import annotations

import itertools
import json
import random
from collections import defaultdict
from pathlib import Path

import numpy as np

from extractors.deduplication import COPY_THRESHOLD, fingerprint, similarity

ROOT = Path(__file__).parent.parent
SHARED = ROOT.parent / "shared" / "corpora"


def _texts() -> tuple[list[str], list[dict[str, str]]]:
    seeds = [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    fundus = [json.loads(line)["articleBody"] for line in (SHARED / "fundus-pages" / "truth.jsonl").open()]
    ecb = [json.loads(line) for line in (SHARED / "ecbplus-dev" / "stories.jsonl").open()]
    return seeds + fundus + [r["text"] for r in ecb], ecb


def _edit(text: str, rng: random.Random) -> str:
    paras = [p for p in text.split("\n") if p.strip()]
    kind = rng.choice(["headline", "drop", "footer", "cut", "words", "all"])
    if kind in ("headline", "all"):
        paras = ["UPDATED: " + " ".join(rng.sample(text.split(), min(8, len(text.split())))), *paras[1:]]
    if kind in ("drop", "all") and len(paras) > 3:
        paras.pop(rng.randrange(1, len(paras)))
    if kind in ("footer", "all"):
        paras.append("Reporting by staff; editing by the desk. Copyright 2025. All rights reserved.")
    if kind == "cut" and len(paras) > 4:
        paras = paras[: int(len(paras) * 0.8)]
    out = "\n".join(paras)
    if kind in ("words", "all"):
        words = out.split(" ")
        for i in rng.sample(range(len(words)), max(1, len(words) // 30)):
            words[i] = words[i].upper() if rng.random() < 0.5 else words[i] + ","
        out = " ".join(words)
    return out


def main() -> None:
    rng = random.Random(7)
    texts, ecb = _texts()
    texts = [t for t in texts if len(t.split()) >= 60]
    copies = [similarity(fingerprint(t).signature, fingerprint(_edit(t, rng)).signature) for t in texts]

    by_story: dict[str, list[str]] = defaultdict(list)
    for r in ecb:
        by_story[r["cluster"]].append(r["text"])
    sigs = {id(t): fingerprint(t).signature for ts in by_story.values() for t in ts}
    retellings = [
        similarity(sigs[id(a)], sigs[id(b)])
        for ts in by_story.values()
        for a, b in itertools.combinations(ts, 2)
        if a.strip() != b.strip()
    ]

    q = [1, 5, 50, 95, 99]
    print(f"copies:     {len(copies):6d} pairs, percentiles {q}: {np.percentile(copies, q).round(3)}")
    print(f"retellings: {len(retellings):6d} pairs, percentiles {q}: {np.percentile(retellings, q).round(3)}")
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        found = np.mean(np.array(copies) >= threshold)
        merged = np.mean(np.array(retellings) >= threshold)
        mark = "  <- COPY_THRESHOLD" if threshold == COPY_THRESHOLD else ""
        print(f"threshold {threshold:.1f}: copies found {found:.4f}, retellings merged {merged:.4f}{mark}")


if __name__ == "__main__":
    main()
