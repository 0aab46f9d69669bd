"""Summarises `rasa test nlu` results on the held-out set: intent accuracy, weakest intents, the
most frequent confusions and the FAQ response-selection accuracy. Exits 1 below --min-accuracy."""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("results", type=Path, help="the --out folder of rasa test nlu")
    parser.add_argument("--min-accuracy", type=float, default=0.95)
    args = parser.parse_args()
    report = json.loads((args.results / "intent_report.json").read_text(encoding="utf-8"))
    accuracy = report["accuracy"]
    support = int(report["weighted avg"]["support"])
    print(f"held-out intent accuracy: {accuracy:.1%} on {support} messages (goal ≥ {args.min_accuracy:.0%})")
    per_intent = {name: v for name, v in report.items() if isinstance(v, dict) and "f1-score" in v
                  and name not in ("micro avg", "macro avg", "weighted avg")}
    print("weakest intents (f1):")
    for name, values in sorted(per_intent.items(), key=lambda kv: kv[1]["f1-score"])[:8]:
        print(f"  {name:28s} f1 {values['f1-score']:.2f}  precision {values['precision']:.2f}  "
              f"recall {values['recall']:.2f}  n={values['support']}")
    errors_file = args.results / "intent_errors.json"
    errors = json.loads(errors_file.read_text(encoding="utf-8")) if errors_file.exists() else []
    confusions = Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors)
    if confusions:
        print("confusions (expected → predicted: count):")
        for (expected, predicted), count in confusions.most_common(10):
            print(f"  {expected} → {predicted}: {count}")
        print("misclassified messages:")
        for error in errors[:30]:
            print(f"  [{error['intent']} → {error['intent_prediction']['name']} "
                  f"{error['intent_prediction']['confidence']:.2f}] {error['text']}")
    selector = args.results / "response_selection_report.json"
    if selector.exists():
        rs = json.loads(selector.read_text(encoding="utf-8"))
        print(f"FAQ response selection accuracy: {rs.get('accuracy', 0):.1%} "
              f"on {int(rs.get('weighted avg', {}).get('support', 0))} FAQ messages")
    print("confusion matrix image: " + str(args.results / "intent_confusion_matrix.png"))
    return 0 if accuracy >= args.min_accuracy else 1


if __name__ == "__main__":
    sys.exit(main())
