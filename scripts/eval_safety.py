#!/usr/bin/env python
"""Emergency recall, false positives and triage accuracy on tests/eval/ (dev and test splits).

    python scripts/eval_safety.py                 # all splits, misses listed
    python scripts/eval_safety.py --split dev     # only the tuning split

Splits: `dev` (tuned on), `test` (held out; gates CI), `fresh`, `fresh2`, `fresh3` (written later, after the lexicon and the
triage table were frozen: an out-of-sample check, reported, not gating).
    python scripts/eval_safety.py --json out.json # also write the figures

The detector alone is measured (no trained classifier). Exit code 1 if emergency recall on the TEST
split is below 100% (CI gates on it); the figures are printed either way.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hospital_core.safety import detect, get_lexicon  # noqa: E402
from hospital_core.triage import triage  # noqa: E402

EVAL = ROOT / "tests" / "eval"
Z95 = 1.959963984540054


def wilson_lower(k: int, n: int, z: float = Z95) -> float:
    """Lower bound of the Wilson score interval for k successes in n trials."""
    if n == 0:
        return 0.0
    p = k / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - margin) / (1 + z * z / n))


def _binom_sf(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    return sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k, n + 1))


def clopper_pearson_lower(k: int, n: int, alpha: float = 0.05) -> float:
    """Exact two-sided 95% lower bound (k = n gives (alpha/2)^(1/n))."""
    if k == 0 or n == 0:
        return 0.0
    lo, hi = 0.0, k / n
    for _ in range(60):
        mid = (lo + hi) / 2
        if _binom_sf(k, n, mid) < alpha / 2:
            lo = mid
        else:
            hi = mid
    return lo


def wilson_upper(k: int, n: int) -> float:
    return 1 - wilson_lower(n - k, n)


def pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def load(name: str) -> dict:
    return yaml.safe_load((EVAL / name).read_text(encoding="utf-8"))


def eval_emergency(split: str, out: dict, misses: List[str]) -> Tuple[int, int]:
    data = load("emergency.yml")[split]
    total_k = total_n = agree = 0
    rows = []
    for category, texts in data.items():
        k = 0
        for text in texts:
            d = detect(text)
            if d is None:
                misses.append(f"  MISS [{category}] {text}")
                continue
            k += 1
            if category in d.categories:
                agree += 1
            else:
                misses.append(f"  other category [{category}] {text} -> {','.join(d.categories)}")
        n = len(texts)
        total_k, total_n = total_k + k, total_n + n
        rows.append((category, k, n))
    print(f"  emergency recall {total_k}/{total_n} = {pct(total_k / total_n)}  "
          f"95% lower bound: Wilson {pct(wilson_lower(total_k, total_n))}, "
          f"Clopper-Pearson {pct(clopper_pearson_lower(total_k, total_n))}")
    print(f"  category among the detected ones: {agree}/{total_n} = {pct(agree / total_n)}")
    print("  per category               recall   Wilson-LB   CP-LB")
    for category, k, n in rows:
        print(f"    {category:24s} {k:3d}/{n:<3d} {pct(wilson_lower(k, n))}     {pct(clopper_pearson_lower(k, n))}"
              f"{'' if k == n else '   <-- misses'}")
    out["emergency"] = {"detected": total_k, "total": total_n, "category_agreement": agree,
                        "wilson_lower": wilson_lower(total_k, total_n),
                        "clopper_pearson_lower": clopper_pearson_lower(total_k, total_n),
                        "per_category": {c: {"detected": k, "total": n, "wilson_lower": wilson_lower(k, n)}
                                         for c, k, n in rows}}
    return total_k, total_n


def eval_negatives(split: str, out: dict, misses: List[str]) -> None:
    data = load("negatives.yml")[split]
    ordinary = data["ordinary"]
    fp = [t for t in ordinary if detect(t) is not None]
    misses.extend(f"  FALSE ALARM [ordinary] {t} -> {detect(t).category}" for t in fp)
    n = len(ordinary)
    print(f"  false positives, ordinary messages: {len(fp)}/{n} = {pct(len(fp) / n)}  "
          f"(95% upper bound {pct(wilson_upper(len(fp), n))})")
    hard_fp, hard_n, by_kind = 0, 0, {}
    for kind, texts in data["hard"].items():
        k = 0
        for t in texts:
            d = detect(t)
            if d is not None:
                k += 1
                misses.append(f"  FALSE ALARM [hard/{kind}] {t} -> {d.category} "
                              f"({', '.join(e.pattern_id + ':' + e.text for e in d.evidence)})")
        by_kind[kind] = (k, len(texts))
        hard_fp, hard_n = hard_fp + k, hard_n + len(texts)
    print(f"  false positives, hard negatives:    {hard_fp}/{hard_n} = {pct(hard_fp / hard_n)}  "
          f"(95% upper bound {pct(wilson_upper(hard_fp, hard_n))})  "
          + ", ".join(f"{k} {a}/{b}" for k, (a, b) in by_kind.items()))
    out["false_positives"] = {"ordinary": [len(fp), n], "hard": [hard_fp, hard_n],
                              "hard_by_kind": {k: list(v) for k, v in by_kind.items()}}


def eval_triage(split: str, out: dict, misses: List[str]) -> None:
    items = load("triage.yml")[split]
    top1 = top3 = 0
    per_dept: Dict[str, List[int]] = {}
    for item in items:
        result = triage(item["text"], age=item.get("age"), sex=item.get("sex"), pregnant=item.get("pregnant"))
        names = [r.department for r in result.departments]
        expect = item["expect"]
        ok1 = bool(names) and names[0] in expect
        ok3 = any(n in expect for n in names[:3])
        top1, top3 = top1 + ok1, top3 + ok3
        stats = per_dept.setdefault(expect[0], [0, 0])
        stats[0] += ok1
        stats[1] += 1
        if not ok1:
            profile = {k: item[k] for k in ("age", "sex", "pregnant") if k in item}
            misses.append(f"  TRIAGE {'top3-ok' if ok3 else 'MISS   '} {item['text']} {profile or ''} "
                          f"expected {'/'.join(expect)} got {names[:3] or 'nothing'}")
    n = len(items)
    print(f"  triage top-1 {top1}/{n} = {pct(top1 / n)} (Wilson LB {pct(wilson_lower(top1, n))}),  "
          f"top-3 {top3}/{n} = {pct(top3 / n)} (Wilson LB {pct(wilson_lower(top3, n))}),  "
          f"{len(per_dept)} departments")
    weak = [f"{d} {a}/{b}" for d, (a, b) in per_dept.items() if a < b]
    if weak:
        print("  departments with top-1 misses: " + ", ".join(weak))
    out["triage"] = {"top1": top1, "top3": top3, "total": n}


def timing(out: dict) -> None:
    texts = [t for split in ("dev", "test") for texts in load("emergency.yml")[split].values() for t in texts]
    texts += [t for split in ("dev", "test") for t in load("negatives.yml")[split]["ordinary"]]
    get_lexicon()
    detect("预热")
    start = time.perf_counter()
    for t in texts:
        detect(t)
    per_message = (time.perf_counter() - start) / len(texts)
    paste = ("我想问一下挂号和医保报销的流程，" * 400)[:4990] + "我爸胸口疼出冷汗"
    start = time.perf_counter()
    for _ in range(5):
        found = detect(paste)
    per_paste = (time.perf_counter() - start) / 5
    print(f"  detector speed: {1000 * per_message:.3f} ms per typical message ({len(texts)} messages), "
          f"{1000 * per_paste:.1f} ms for a {len(paste)}-character paste "
          f"({'found' if found else 'MISSED'} the emergency at its end)")
    out["speed_ms"] = {"typical": 1000 * per_message, "paste_5000": 1000 * per_paste}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "fresh", "fresh2", "fresh3", "all"), default="all")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--no-misses", action="store_true", help="do not list the misses")
    args = parser.parse_args(argv)
    splits = ("dev", "test", "fresh", "fresh2", "fresh3") if args.split == "all" else (args.split,)
    results, exit_code = {}, 0
    for split in splits:
        out, misses = {}, []
        print(f"== {split} split ==")
        k, n = eval_emergency(split, out, misses)
        eval_negatives(split, out, misses)
        eval_triage(split, out, misses)
        if misses and not args.no_misses:
            print(f"  misses and false alarms ({len(misses)}):")
            print("\n".join(misses))
        if split == "test" and k < n:
            exit_code = 1
        results[split] = out
    timing(results)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    if exit_code:
        print("FAIL: emergency recall on the test split is below 100%")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
