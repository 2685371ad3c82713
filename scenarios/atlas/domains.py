"""The atlas content: nine application domains, thirteen challenges, their rules and demo links.

Loads data/domains.yaml and data/challenges.yaml into frozen records and checks them on load,
so a broken content file fails with a :class:`~scenarios.errors.VentureLabError` that names
the file and the field, never deep inside a page. Pure Python (no streamlit, no torch).

Examples
--------
>>> atlas = load_atlas()
>>> atlas.domain("medical").importance["data-privacy"]
5
>>> atlas.challenge("overfitting").techniques[0].demo.url()
'/demo-overfitting#regularisation'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from scenarios.errors import VentureLabError
from scenarios.safe_load import read_yaml_file

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

# Shared ids (HELPERS.md "Shared ids"): every other part of the product uses exactly these.
DOMAIN_IDS: tuple[str, ...] = (
    "nlp", "vision", "recommendation", "speech", "medical", "finance", "customer-service",
    "games", "autonomous-driving",
)
CHALLENGE_IDS: tuple[str, ...] = (
    "compute-cost", "training-speed", "data-privacy", "explainability", "overfitting",
    "data-imbalance", "robustness", "adversarial-attack", "deployment-compression",
    "generalisation", "sparsity", "data-diversity", "evaluation-metrics",
)
LANGS = ("en", "zh")
IMPORTANCE_MAX = 5
LATENCY_CLASSES = ("batch", "interactive", "realtime")
SENSITIVITY_LEVELS = ("low", "medium", "high", "very-high")
RULE_STATUSES = ("in-force", "scheduled", "proposed")
COST_AXES = ("accuracy", "compute", "latency")
MAX_FILE_BYTES = 1_000_000  # content files are small; refuse anything absurd before parsing


@dataclass(frozen=True)
class DemoLink:
    """A page of the app and, optionally, one section of it (HELPERS.md url paths/anchors)."""

    page: str
    anchor: str = ""

    def url(self) -> str:
        """``/<page>[#<anchor>]``: a link that opens the page at that section."""
        return f"/{self.page}" + (f"#{self.anchor}" if self.anchor else "")


@dataclass(frozen=True)
class Rule:
    id: str
    regime: Mapping[str, str]
    note: Mapping[str, str]
    date: Mapping[str, str]
    status: str
    source: str
    verified: bool


@dataclass(frozen=True)
class Domain:
    id: str
    name: Mapping[str, str]
    summary: Mapping[str, str]
    applications: tuple[Mapping[str, str], ...]
    typical_models: tuple[str, ...]
    deployment_targets: tuple[str, ...]
    latency_class: str
    latency_note: Mapping[str, str]
    sensitivity_level: str
    sensitivity_note: Mapping[str, str]
    importance: Mapping[str, int]          # challenge id -> 0..5
    rationale: Mapping[str, str]
    demos: tuple[DemoLink, ...]
    presets: tuple[str, ...]
    headline_preset: str
    rules: tuple[str, ...]
    source: str
    verified: bool

    def top_challenges(self, n: int = 3) -> list[str]:
        """The n challenges that matter most, ties in the shared challenge order."""
        return sorted(CHALLENGE_IDS, key=lambda c: (-self.importance[c], CHALLENGE_IDS.index(c)))[:n]


@dataclass(frozen=True)
class Technique:
    id: str
    name: Mapping[str, str]
    note: Mapping[str, str]
    costs: Mapping[str, int]               # accuracy/compute/latency -> -2..+2 (what you pay)
    demo: DemoLink | None


@dataclass(frozen=True)
class Challenge:
    id: str
    name: Mapping[str, str]
    summary: Mapping[str, str]
    rules: tuple[str, ...]
    techniques: tuple[Technique, ...]

    def demo_links(self) -> list[DemoLink]:
        seen: list[DemoLink] = []
        for tech in self.techniques:
            if tech.demo and tech.demo not in seen:
                seen.append(tech.demo)
        return seen


@dataclass(frozen=True)
class Atlas:
    domains: tuple[Domain, ...]
    challenges: tuple[Challenge, ...]
    rules: Mapping[str, Rule]

    def domain(self, domain_id: str) -> Domain:
        for d in self.domains:
            if d.id == domain_id:
                return d
        raise VentureLabError("domain", "unknown domain id", got=domain_id, accepted=DOMAIN_IDS)

    def challenge(self, challenge_id: str) -> Challenge:
        for c in self.challenges:
            if c.id == challenge_id:
                return c
        raise VentureLabError("challenge", "unknown challenge id", got=challenge_id,
                              accepted=CHALLENGE_IDS)

    def importance_matrix(self) -> list[list[int]]:
        """Rows = domains, columns = challenges, in the shared id order."""
        return [[d.importance[c] for c in CHALLENGE_IDS] for d in self.domains]

    def all_demo_links(self) -> list[DemoLink]:
        links = [link for d in self.domains for link in d.demos]
        links += [link for c in self.challenges for link in c.demo_links()]
        return list(dict.fromkeys(links))


# --- loading and validation -------------------------------------------------------------

def read_yaml(path: Path) -> Any:
    """Parse one content file through the guarded loader (a regular file within the size cap, no
    aliases, no duplicate keys), refusing anything else with a clear error naming the file."""
    return read_yaml_file(path, max_bytes=MAX_FILE_BYTES)


class _Reader:
    """Field access that names the file and the path of the field in every error."""

    def __init__(self, file: str):
        self.file = file

    @classmethod
    def document(cls, path: Path) -> tuple[_Reader, dict]:
        """A reader naming the YAML file at ``path``, and the file's top-level mapping."""
        r = cls(Path(path).name)
        return r, r.mapping(read_yaml(path), "(top level)")

    def entries(self, obj: dict, key: str, *, non_empty: bool = False) -> list:
        """The list under a top-level ``key`` (the file's rules, domains, presets, ...)."""
        value = self.field(obj, key, "(top level)")
        if not isinstance(value, list) or (non_empty and not value):
            self.fail(key, "must be a non-empty list" if non_empty else "must be a list")
        return value

    def fail(self, where: str, problem: str, got: object = None, accepted: object = None):
        raise VentureLabError(f"{self.file}: {where}", problem, got=got, accepted=accepted)

    def mapping(self, obj: Any, where: str) -> dict:
        if not isinstance(obj, dict):
            self.fail(where, "must be a mapping", got=type(obj).__name__)
        return obj

    def field(self, obj: dict, key: str, where: str) -> Any:
        if key not in obj:
            self.fail(f"{where}.{key}", "is missing")
        return obj[key]

    def text(self, obj: dict, key: str, where: str) -> str:
        value = self.field(obj, key, where)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}.{key}", "must be a non-empty string", got=value)
        return value

    def i18n(self, obj: dict, key: str, where: str) -> dict[str, str]:
        """A ``{en:, zh:}`` text: both languages present and non-empty."""
        value = self.mapping(self.field(obj, key, where), f"{where}.{key}")
        for lang in LANGS:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.fail(f"{where}.{key}.{lang}", "must be a non-empty string (both en and zh)",
                          got=value.get(lang))
        return {lang: value[lang] for lang in LANGS}

    def id_list(self, obj: dict, key: str, where: str) -> tuple[str, ...]:
        value = self.field(obj, key, where)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(f"{where}.{key}", "must be a list of ids", got=value)
        return tuple(value)

    def choice(self, obj: dict, key: str, where: str, accepted: tuple[str, ...]) -> str:
        value = self.field(obj, key, where)
        if value not in accepted:
            self.fail(f"{where}.{key}", "is not one of the accepted values", got=value, accepted=accepted)
        return value

    def flag(self, obj: dict, key: str, where: str) -> bool:
        value = self.field(obj, key, where)
        if not isinstance(value, bool):
            self.fail(f"{where}.{key}", "must be true or false", got=value)
        return value

    def demo(self, obj: Any, where: str) -> DemoLink:
        obj = self.mapping(obj, where)
        page = self.text(obj, "page", where)
        anchor = obj.get("anchor") or ""
        if not isinstance(anchor, str):
            self.fail(f"{where}.anchor", "must be a string", got=anchor)
        return DemoLink(page, anchor)

    def identified(self, entries: list, key: str) -> Iterator[tuple[str, dict, str]]:
        """Each entry of the list under ``key`` as ``(where, mapping, id)``; an id used twice fails."""
        seen: set[str] = set()
        for i, item in enumerate(entries):
            where = f"{key}[{i}]"
            item = self.mapping(item, where)
            ident = self.text(item, "id", where)
            if ident in seen:
                self.fail(f"{where}.id", "is defined twice", got=ident)
            seen.add(ident)
            yield where, item, ident

    def exact_ids(self, items: list, expected: tuple[str, ...], where: str) -> None:
        ids = [item.get("id") if isinstance(item, dict) else None for item in items]
        if sorted(map(str, ids)) != sorted(expected):
            self.fail(where, "must list each shared id exactly once", got=ids, accepted=expected)


def _load_rules(r: _Reader, doc: dict) -> dict[str, Rule]:
    raw = r.entries(doc, "rules", non_empty=True)
    rules: dict[str, Rule] = {}
    for where, item, rid in r.identified(raw, "rules"):
        rules[rid] = Rule(
            id=rid, regime=r.i18n(item, "regime", where), note=r.i18n(item, "note", where),
            date=r.i18n(item, "date", where), status=r.choice(item, "status", where, RULE_STATUSES),
            source=r.text(item, "source", where), verified=r.flag(item, "verified", where),
        )
    return rules


def _load_domain(r: _Reader, item: Any, i: int, rules: Mapping[str, Rule]) -> Domain:
    where = f"domains[{i}]"
    item = r.mapping(item, where)
    did = r.text(item, "id", where)
    where = f"domains[{did}]"
    imp = r.mapping(r.field(item, "challenges", where), f"{where}.challenges")
    if sorted(imp) != sorted(CHALLENGE_IDS):
        r.fail(f"{where}.challenges", "must score each of the 13 challenge ids exactly once",
               got=sorted(imp), accepted=CHALLENGE_IDS)
    for cid, score in imp.items():
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= IMPORTANCE_MAX:
            r.fail(f"{where}.challenges.{cid}", f"must be a whole number 0-{IMPORTANCE_MAX}", got=score)
    latency = r.mapping(r.field(item, "latency", where), f"{where}.latency")
    sens = r.mapping(r.field(item, "sensitivity", where), f"{where}.sensitivity")
    apps = r.field(item, "applications", where)
    if not isinstance(apps, list) or not apps:
        r.fail(f"{where}.applications", "must be a non-empty list")
    demos_raw = r.field(item, "demos", where)
    if not isinstance(demos_raw, list) or not demos_raw:
        r.fail(f"{where}.demos", "must be a non-empty list of {page, anchor}")
    rule_ids = r.id_list(item, "rules", where)
    for rid in rule_ids:
        if rid not in rules:
            r.fail(f"{where}.rules", "names a rule that is not defined", got=rid, accepted=list(rules))
    presets = r.id_list(item, "presets", where)
    headline = r.text(item, "headline_preset", where)
    if headline not in presets:
        r.fail(f"{where}.headline_preset", "must be one of the domain's presets", got=headline,
               accepted=presets)
    return Domain(
        id=did, name=r.i18n(item, "name", where), summary=r.i18n(item, "summary", where),
        applications=tuple(r.i18n({"a": a}, "a", f"{where}.applications[{k}]")
                           for k, a in enumerate(apps)),
        typical_models=r.id_list(item, "typical_models", where),
        deployment_targets=r.id_list(item, "deployment_targets", where),
        latency_class=r.choice(latency, "class", f"{where}.latency", LATENCY_CLASSES),
        latency_note=r.i18n(latency, "note", f"{where}.latency"),
        sensitivity_level=r.choice(sens, "level", f"{where}.sensitivity", SENSITIVITY_LEVELS),
        sensitivity_note=r.i18n(sens, "note", f"{where}.sensitivity"),
        importance={c: imp[c] for c in CHALLENGE_IDS},
        rationale=r.i18n(item, "rationale", where),
        demos=tuple(r.demo(d, f"{where}.demos[{k}]") for k, d in enumerate(demos_raw)),
        presets=presets, headline_preset=headline, rules=rule_ids,
        source=r.text(item, "source", where), verified=r.flag(item, "verified", where),
    )


def _load_challenge(r: _Reader, item: Any, i: int, rules: Mapping[str, Rule]) -> Challenge:
    where = f"challenges[{i}]"
    item = r.mapping(item, where)
    cid = r.text(item, "id", where)
    where = f"challenges[{cid}]"
    techs_raw = r.field(item, "techniques", where)
    if not isinstance(techs_raw, list) or not techs_raw:
        r.fail(f"{where}.techniques", "must be a non-empty list")
    techniques = []
    for k, t in enumerate(techs_raw):
        tw = f"{where}.techniques[{k}]"
        t = r.mapping(t, tw)
        costs = r.mapping(r.field(t, "costs", tw), f"{tw}.costs")
        if sorted(costs) != sorted(COST_AXES):
            r.fail(f"{tw}.costs", "must give accuracy, compute and latency", got=sorted(costs),
                   accepted=COST_AXES)
        for axis, v in costs.items():
            if isinstance(v, bool) or not isinstance(v, int) or not -2 <= v <= 2:
                r.fail(f"{tw}.costs.{axis}", "must be a whole number from -2 to 2", got=v)
        demo_raw = r.field(t, "demo", tw)
        techniques.append(Technique(
            id=r.text(t, "id", tw), name=r.i18n(t, "name", tw), note=r.i18n(t, "note", tw),
            costs={a: costs[a] for a in COST_AXES},
            demo=None if demo_raw is None else r.demo(demo_raw, f"{tw}.demo"),
        ))
    rule_ids = r.id_list(item, "rules", where)
    for rid in rule_ids:
        if rid not in rules:
            r.fail(f"{where}.rules", "names a rule that is not defined", got=rid, accepted=list(rules))
    if not any(t.demo for t in techniques):
        r.fail(f"{where}.techniques", "needs at least one technique with a demo link")
    return Challenge(id=cid, name=r.i18n(item, "name", where), summary=r.i18n(item, "summary", where),
                     rules=rule_ids, techniques=tuple(techniques))


def load_atlas_from(domains_path: Path, challenges_path: Path) -> Atlas:
    """Load and validate the two content files (uncached; for tests and uploads)."""
    rd, doc = _Reader.document(domains_path)
    rules = _load_rules(rd, doc)
    raw_domains = rd.entries(doc, "domains")
    rd.exact_ids(raw_domains, DOMAIN_IDS, "domains")
    domains = [_load_domain(rd, item, i, rules) for i, item in enumerate(raw_domains)]
    domains.sort(key=lambda d: DOMAIN_IDS.index(d.id))

    rc, cdoc = _Reader.document(challenges_path)
    raw_ch = rc.entries(cdoc, "challenges")
    rc.exact_ids(raw_ch, CHALLENGE_IDS, "challenges")
    challenges = [_load_challenge(rc, item, i, rules) for i, item in enumerate(raw_ch)]
    challenges.sort(key=lambda c: CHALLENGE_IDS.index(c.id))
    return Atlas(domains=tuple(domains), challenges=tuple(challenges), rules=rules)


@functools.lru_cache(maxsize=1)
def load_atlas() -> Atlas:
    """The product's atlas content from data/ (cached: the files do not change at run time)."""
    return load_atlas_from(DATA_DIR / "domains.yaml", DATA_DIR / "challenges.yaml")
