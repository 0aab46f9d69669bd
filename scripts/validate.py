"""`make validate`: `rasa data validate`, failing on any warning except one kind that is expected.

Rasa warns "The utterance 'utter_x' is not used in any story or rule" for every response that only a
custom action sends, since the validator cannot see inside actions. Such a warning is accepted when
the response name (or an f-string prefix of it, like `utter_when_{…}`) appears in the code of
`actions/`, or it is a form question `utter_ask_<slot>`; every other warning, and every error,
fails the run.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
UNUSED = re.compile(r"The utterance '([^']+)' is not used in any story or rule")
WARNING = re.compile(r"(UserWarning|WARNING|MissingDependencyWarning): (.*)")
# Rasa itself raises this for every retrieval intent (faq/<topic>); not a data problem.
BENIGN = ("duplicated intents have been found across multiple domain files: faq",
          # a note for GPU users; on the CPU these ops are deterministic
          "You have set 'TF_DETERMINISTIC_OPS' to 1")
RETRIEVAL_ACTIONS = {"utter_faq"}  # the retrieval intent's own action, predicted by rules


def referenced_in_actions(name: str, source: str) -> bool:
    if f'"{name}"' in source or f"'{name}'" in source:
        return True
    parts = name.split("_")
    return any("_".join(parts[:i]) + "_{" in source for i in range(2, len(parts)))


def form_questions() -> set:
    """`utter_ask_<slot>` responses, which forms send by convention."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8")) or {}
    return {f"utter_ask_{slot}" for slot in (domain.get("slots") or {})}


def main() -> int:
    command = [str(ROOT / ".venv" / "bin" / "rasa"), "data", "validate", *sys.argv[1:]]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    output = done.stdout + done.stderr
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "actions").glob("*.py"))
    problems, accepted = [], 0
    questions = form_questions()
    for line in output.splitlines():
        unused = UNUSED.search(line)
        if unused:
            name = unused.group(1)
            if name in RETRIEVAL_ACTIONS or name in questions or referenced_in_actions(name, source):
                accepted += 1
            else:
                problems.append(f"response {unused.group(1)} is used by no story, rule or action")
            continue
        warning = WARNING.search(line)
        if warning and "rasa" in line and not any(b in line for b in BENIGN):
            problems.append(warning.group(2).strip())
    if done.returncode != 0:
        print(output[-4000:])
        print(f"rasa data validate failed with exit code {done.returncode}")
        return 1
    for problem in problems:
        print(f"  ✗ {problem}")
    print(f"rasa data validate: {len(problems)} problem(s); {accepted} response(s) sent only by actions (checked in actions/)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
