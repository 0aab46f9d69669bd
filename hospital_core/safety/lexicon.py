"""Loads and compiles the editable red-flag lexicon in `data/safety/`.

Files (all YAML, UTF-8; see data/safety/README.md for the full format):
- `categories.yml`  categories in priority order, each with its kind (medical / self_harm) and hint key;
- `hints.yml`       first-aid hint texts (Chinese) by hint key;
- `groups.yml`      shared word groups, referenced as `@name` from patterns;
- `context.yml`     cue words for negation, past events, hypotheticals, knowledge questions, fiction,
                    mild wording, and service names that must never trigger (胸痛门诊, 卒中中心…);
- `patterns/*.yml`  one file per category: `category:` and a list of `patterns:`.

Pattern items are literal words, `@group` references or `re:<regex>`; inside a regex `{gN}` means
"up to N characters inside the same sentence" and `{@group}` inserts a group's alternation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)     # libyaml when available: 5x faster

KINDS = ("medical", "self_harm")
CONTEXT_CHECKS = ("negation", "past", "hypothetical", "fiction")
_GAP = r"[^。！？!?；;\n]"
_MACRO = re.compile(r"\{g(\d+)\}|\{@([A-Za-z0-9_]+)\}")


class LexiconError(ValueError):
    """The data files are malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Category:
    id: str
    kind: str
    hint: Optional[str]
    priority: int


@dataclass(frozen=True)
class Pattern:
    id: str
    category: str
    parts: Tuple[re.Pattern, ...]       # one part: any hit matches; several: all within `window`
    window: int = 20
    name: bool = False                   # a disease/event name: knowledge questions do not trigger it
    mild: bool = False                   # "有点/偶尔…" wording in the same clause cancels it
    not_before: Optional[re.Pattern] = None
    not_after: Optional[re.Pattern] = None
    not_near: Optional[re.Pattern] = None
    near_window: int = 12
    hint: Optional[str] = None
    checks: FrozenSet[str] = frozenset(CONTEXT_CHECKS)


@dataclass(frozen=True)
class Context:
    clause_breaks: str
    sentence_breaks: str
    negation: re.Pattern
    negation_exceptions: Optional[re.Pattern]
    negation_gap: int
    past_before: Optional[re.Pattern]
    past_window: int
    past_after: Optional[re.Pattern]
    present: Optional[re.Pattern]
    hypothetical: Optional[re.Pattern]
    knowledge: Optional[re.Pattern]
    fiction: Optional[re.Pattern]
    first_person: Optional[re.Pattern]
    mild: Optional[re.Pattern]
    service_names: Optional[re.Pattern]
    mentions: Optional[re.Pattern] = None


@dataclass(frozen=True)
class Lexicon:
    categories: Dict[str, Category]
    patterns: Tuple[Pattern, ...]
    context: Context
    hints: Dict[str, str]
    groups: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    source: Optional[Path] = None


def _read(path: Path) -> dict:
    try:
        content = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path}: invalid YAML: {exc}") from exc
    if content is None:
        return {}
    if not isinstance(content, dict):
        raise LexiconError(f"{path}: expected a mapping at the top level")
    return content


class Compiler:
    """Turns item lists (literals, @groups, re:…) into compiled regular expressions."""

    def __init__(self, groups: Dict[str, Sequence[str]], where: str = "") -> None:
        self.groups = groups
        self.where = where
        self._cache: Dict[str, str] = {}

    def group_regex(self, name: str, trail: Tuple[str, ...] = ()) -> str:
        if name in trail:
            raise LexiconError(f"{self.where}: group @{name} refers to itself")
        if name not in self.groups:
            raise LexiconError(f"{self.where}: unknown group @{name}")
        if name not in self._cache:
            self._cache[name] = self.alternation(self.groups[name], trail + (name,))
        return self._cache[name]

    def expand(self, regex: str, trail: Tuple[str, ...] = ()) -> str:
        def repl(m: re.Match) -> str:
            if m.group(1) is not None:
                return f"{_GAP}{{0,{int(m.group(1))}}}"
            return f"(?:{self.group_regex(m.group(2), trail)})"
        return _MACRO.sub(repl, regex)

    def item(self, item, trail: Tuple[str, ...] = ()) -> str:
        if not isinstance(item, (str, int, float)):
            raise LexiconError(f"{self.where}: items must be strings, got {item!r}")
        item = str(item)
        if item.startswith("re:"):
            return self.expand(item[3:], trail)
        if item.startswith("@"):
            return f"(?:{self.group_regex(item[1:], trail)})"
        if not item:
            raise LexiconError(f"{self.where}: empty item")
        return re.escape(item.lower())

    def alternation(self, items, trail: Tuple[str, ...] = ()) -> str:
        if isinstance(items, (str, int, float)):
            items = [items]
        if not items:
            raise LexiconError(f"{self.where}: empty list")
        literals = sorted((i for i in items if isinstance(i, str) and not i.startswith(("re:", "@"))),
                          key=len, reverse=True)
        others = [i for i in items if not (isinstance(i, str) and not i.startswith(("re:", "@")))]
        return "|".join(self.item(i, trail) for i in list(others) + literals)

    def compile(self, items, anchor: str = "") -> re.Pattern:
        """`anchor="end"` appends `$` (use with search(text, lo, endpos)); for "start" use .match()."""
        source = self.alternation(items)
        if anchor == "end":
            source = f"(?:{source})$"
        try:
            return re.compile(source)
        except re.error as exc:
            raise LexiconError(f"{self.where}: bad regular expression {source!r}: {exc}") from exc

    def optional(self, items, anchor: str = "") -> Optional[re.Pattern]:
        return self.compile(items, anchor) if items else None


def _load_groups(folder: Path) -> Dict[str, Tuple[str, ...]]:
    groups: Dict[str, Tuple[str, ...]] = {}
    paths = [folder / "groups.yml"] + sorted((folder / "patterns").glob("*.yml"))
    for path in paths:
        if not path.exists():
            continue
        for name, items in (_read(path).get("groups") or {}).items():
            if name in groups:
                raise LexiconError(f"{path}: group @{name} is defined twice")
            if not isinstance(items, list) or not items:
                raise LexiconError(f"{path}: group @{name} must be a non-empty list")
            groups[str(name)] = tuple(str(i) for i in items)
    return groups


def _load_context(folder: Path, groups) -> Context:
    path = folder / "context.yml"
    raw = _read(path)
    c = Compiler(groups, str(path))
    neg = raw.get("negation") or {}
    past = raw.get("past") or {}
    if not neg.get("cues"):
        raise LexiconError(f"{path}: negation.cues is required")
    return Context(
        clause_breaks=str(raw.get("clause_breaks", "，,。！!？?；;、\n\t ~～…")),
        sentence_breaks=str(raw.get("sentence_breaks", "。！!？?；;\n")),
        negation=c.compile(neg["cues"]),
        negation_exceptions=c.optional(neg.get("exceptions")),
        negation_gap=int(neg.get("max_gap", 2)),
        past_before=c.optional(past.get("before")),
        past_window=int(past.get("window", 12)),
        past_after=c.optional(past.get("after"), "start"),
        present=c.optional(past.get("present")),
        hypothetical=c.optional(raw.get("hypothetical")),
        knowledge=c.optional(raw.get("knowledge")),
        fiction=c.optional(raw.get("fiction")),
        first_person=c.optional(raw.get("first_person")),
        mild=c.optional(raw.get("mild")),
        service_names=c.optional(raw.get("service_names")),
        mentions=c.optional(raw.get("mentions")),
    )


def _load_categories(folder: Path, hints: Dict[str, str]) -> Dict[str, Category]:
    path = folder / "categories.yml"
    entries = _read(path).get("categories") or []
    categories: Dict[str, Category] = {}
    for priority, entry in enumerate(entries):
        cid, kind, hint = str(entry.get("id", "")), entry.get("kind"), entry.get("hint")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", cid):
            raise LexiconError(f"{path}: category id {cid!r} must be snake_case")
        if kind not in KINDS:
            raise LexiconError(f"{path}: category {cid}: kind must be one of {KINDS}")
        if hint is not None and hint not in hints:
            raise LexiconError(f"{path}: category {cid}: unknown hint key {hint!r}")
        if cid in categories:
            raise LexiconError(f"{path}: category {cid} listed twice")
        categories[cid] = Category(cid, kind, hint, priority)
    if not categories:
        raise LexiconError(f"{path}: no categories")
    return categories


def _pattern(entry: dict, category: str, compiler: Compiler, hints, path: Path) -> Pattern:
    pid = str(entry.get("id", ""))
    where = f"{path}: pattern {pid or '?'}"
    compiler.where = where
    if not pid:
        raise LexiconError(f"{path}: a pattern has no id")
    if ("any" in entry) == ("all" in entry):
        raise LexiconError(f"{where}: give exactly one of `any` or `all`")
    parts = (compiler.compile(entry["any"]),) if "any" in entry else \
        tuple(compiler.compile(part) for part in entry["all"])
    if "all" in entry and len(parts) < 2:
        raise LexiconError(f"{where}: `all` needs at least two lists")
    hint = entry.get("hint")
    if hint is not None and hint not in hints:
        raise LexiconError(f"{where}: unknown hint key {hint!r}")
    ignore = set(entry.get("ignore") or [])
    if ignore - set(CONTEXT_CHECKS):
        raise LexiconError(f"{where}: `ignore` accepts only {CONTEXT_CHECKS}")
    unknown = set(entry) - {"id", "any", "all", "window", "name", "mild", "not_before", "not_after",
                            "not_near", "near_window", "hint", "ignore", "note"}
    if unknown:
        raise LexiconError(f"{where}: unknown field(s) {sorted(unknown)}")
    for probe in parts:
        if probe.search("") is not None:
            raise LexiconError(f"{where}: a part matches the empty string")
    return Pattern(
        id=pid, category=category, parts=parts, window=int(entry.get("window", 20)),
        name=bool(entry.get("name", False)), mild=bool(entry.get("mild", False)),
        not_before=compiler.optional(entry.get("not_before"), "end"),
        not_after=compiler.optional(entry.get("not_after"), "start"),
        not_near=compiler.optional(entry.get("not_near")),
        near_window=int(entry.get("near_window", 12)), hint=hint,
        checks=frozenset(CONTEXT_CHECKS) - ignore,
    )


def load_lexicon(folder: Optional[Path] = None) -> Lexicon:
    """Reads and validates `data/safety/` (or `folder`); raises LexiconError naming the bad entry."""
    if folder is None:
        from hospital_core.paths import data_dir
        folder = data_dir() / "safety"
    folder = Path(folder)
    hints = {str(k): str(v).strip() for k, v in (_read(folder / "hints.yml").get("hints") or {}).items()}
    categories = _load_categories(folder, hints)
    groups = _load_groups(folder)
    context = _load_context(folder, groups)
    patterns: List[Pattern] = []
    seen = set()
    files = sorted((folder / "patterns").glob("*.yml"))
    if not files:
        raise LexiconError(f"{folder / 'patterns'}: no pattern files")
    for path in files:
        raw = _read(path)
        category = raw.get("category")
        if category not in categories:
            raise LexiconError(f"{path}: category {category!r} is not in categories.yml")
        compiler = Compiler(groups, str(path))
        for entry in raw.get("patterns") or []:
            pattern = _pattern(entry, category, compiler, hints, path)
            if pattern.id in seen:
                raise LexiconError(f"{path}: pattern id {pattern.id} is used twice")
            seen.add(pattern.id)
            patterns.append(pattern)
    return Lexicon(categories, tuple(patterns), context, hints, groups, folder)
