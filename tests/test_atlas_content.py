"""Atlas content: every domain and challenge is complete in both languages, and every link it
makes leads to a page and a section that exist.

Links are checked two ways:
* against the shared contract (HELPERS.md "Page url paths and section anchors", copied below),
  which passes as soon as the content is right;
* against the app itself: the page must be registered in dashboard/navigation.py and its source
  must contain ``anchor="<anchor>"``. Demo pages are built on other branches (demos-a/b/c); until
  they are merged this test FAILS on purpose, naming each missing page or anchor.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from dashboard import navigation
from scenarios.atlas.domains import CHALLENGE_IDS, DOMAIN_IDS, LANGS, load_atlas, load_atlas_from
from scenarios.errors import VentureLabError

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"

# HELPERS.md "Page url paths and section anchors" (the shared contract between branches).
CONTRACT: dict[str, set[str]] = {
    "home": set(), "atlas": set(), "domain": set(), "opportunity": set(),
    "cost-serving": set(), "cost-training": set(), "methodology": set(),
    "demo-finance": {"class-imbalance", "threshold-tuning", "money-at-stake", "credit-reasons"},
    "demo-medical": {"explainability", "differential-privacy", "federated-learning"},
    "demo-vision": {"corruptions", "adversarial-attacks", "adversarial-training", "saliency", "edge-latency"},
    "demo-compression": {"quantization", "pruning", "sparsity", "distillation", "edge-projection"},
    "demo-nlp": {"intent-classification", "sentiment", "char-transformer", "scaling"},
    "demo-recommendation": {"rating-sparsity", "cold-start", "top-k"},
    "demo-games": {"cheat-detection", "q-learning"},
    "demo-speech": {"keyword-spotting", "noise-robustness"},
    "demo-overfitting": {"learning-curves", "regularisation", "cross-validation", "augmentation",
                         "distribution-shift"},
    "demo-training-speed": {"batch-and-threads", "bf16", "parallel-scaling"},
    "scenarios": set(), "compare": set(), "pitch": set(),
}


def _links():
    atlas = load_atlas()
    out = []
    for d in atlas.domains:
        out += [(f"domain {d.id}", link) for link in d.demos]
    for c in atlas.challenges:
        out += [(f"challenge {c.id} / {tech.id}", tech.demo) for tech in c.techniques if tech.demo]
    return out


def test_all_shared_ids_are_present_once():
    atlas = load_atlas()
    assert [d.id for d in atlas.domains] == list(DOMAIN_IDS)
    assert [c.id for c in atlas.challenges] == list(CHALLENGE_IDS)
    for d in atlas.domains:
        assert set(d.importance) == set(CHALLENGE_IDS)
        assert all(0 <= v <= 5 for v in d.importance.values())
        assert d.applications and d.typical_models and d.deployment_targets and d.rules


def test_every_link_follows_the_shared_contract():
    wrong = [(who, link.page, link.anchor) for who, link in _links()
             if link.page not in CONTRACT or (link.anchor and link.anchor not in CONTRACT[link.page])]
    assert wrong == []


def test_every_challenge_and_domain_links_to_a_demo():
    atlas = load_atlas()
    assert all(c.demo_links() for c in atlas.challenges)
    assert all(any(link.page.startswith("demo-") for link in d.demos) for d in atlas.domains)


def test_every_linked_page_and_anchor_exists_in_the_app():
    """FAILS until the demo branches are merged: a link to a missing demo is a broken link."""
    pages = {p.url_path: ROOT / p.path for p in navigation.all_pages()}
    missing = []
    for who, link in _links():
        if link.page not in pages:
            missing.append(f"{who}: page /{link.page} is not in dashboard/navigation.py")
            continue
        source = pages[link.page].read_text(encoding="utf-8")
        if link.anchor and f'anchor="{link.anchor}"' not in source:
            missing.append(f'{who}: {pages[link.page].name} has no anchor="{link.anchor}"')
    assert missing == [], "broken atlas links:\n" + "\n".join(sorted(set(missing)))


def test_atlas_pages_define_the_anchors_they_link_to():
    """The atlas links to its own sections (/atlas#techniques, domain#workloads): they exist."""
    assert 'anchor="techniques"' in (ROOT / "dashboard/pages/atlas.py").read_text()
    for anchor in ("overview", "workloads", "challenges", "demos", "rules"):
        assert f'anchor="{anchor}"' in (ROOT / "dashboard/pages/domain.py").read_text()


def test_models_and_targets_are_catalog_ids():
    """Typical models and deployment targets are ids of the engine's catalogs (needs the engine)."""
    from scenarios.engine.catalog import load_hardware, load_models

    hardware, models = load_hardware(), load_models()
    atlas = load_atlas()
    bad = [(d.id, m) for d in atlas.domains for m in d.typical_models if m not in models]
    bad += [(d.id, h) for d in atlas.domains for h in d.deployment_targets if h not in hardware]
    assert bad == []


def test_rules_carry_source_date_and_verified_flag():
    atlas = load_atlas()
    for rule in atlas.rules.values():
        assert rule.source.startswith("http") and rule.date["en"] and rule.date["zh"]
        assert isinstance(rule.verified, bool)
    # The Digital Omnibus dates come from one or two secondary sources: never shown as checked.
    assert not atlas.rules["eu-credit-high-risk"].verified
    assert "2027-12-02" in atlas.rules["eu-credit-high-risk"].date["en"]
    assert "2027-12-02" in atlas.rules["eu-credit-high-risk"].date["zh"]


def test_texts_exist_in_both_languages_and_differ():
    atlas = load_atlas()
    texts = [d.name for d in atlas.domains] + [c.summary for c in atlas.challenges]
    texts += [t.note for c in atlas.challenges for t in c.techniques]
    for text in texts:
        assert all(text[lang].strip() for lang in LANGS)
        assert text["en"] != text["zh"]
        assert re.search(r"[\u4e00-\u9fff]", text["zh"]), text["zh"]


# --- bad files are refused with a message naming the field ------------------------------

def _write(tmp_path: Path, domains: object, challenges: object | None = None) -> tuple[Path, Path]:
    d, c = tmp_path / "domains.yaml", tmp_path / "challenges.yaml"
    d.write_text(domains if isinstance(domains, str) else yaml.safe_dump(domains, allow_unicode=True))
    if challenges is None:
        challenges = yaml.safe_load((DATA / "challenges.yaml").read_text())
    c.write_text(challenges if isinstance(challenges, str) else yaml.safe_dump(challenges, allow_unicode=True))
    return d, c


def _domains_doc():
    return yaml.safe_load((DATA / "domains.yaml").read_text(encoding="utf-8"))


def _mutations():
    def importance_6(doc):
        doc["domains"][0]["challenges"]["robustness"] = 6

    def missing_zh(doc):
        del doc["domains"][2]["name"]["zh"]

    def unknown_rule(doc):
        doc["domains"][4]["rules"].append("no-such-rule")

    def duplicate_domain(doc):
        doc["domains"][1]["id"] = "nlp"

    def missing_challenge(doc):
        del doc["domains"][3]["challenges"]["sparsity"]

    def bad_latency(doc):
        doc["domains"][0]["latency"]["class"] = "instant"

    def headline_not_a_preset(doc):
        doc["domains"][0]["headline_preset"] = "other"

    def verified_not_bool(doc):
        doc["rules"][0]["verified"] = "yes"

    return [("importance_6", importance_6, "challenges.robustness"),
            ("missing_zh", missing_zh, "name.zh"),
            ("unknown_rule", unknown_rule, "rules"),
            ("duplicate_domain", duplicate_domain, "domains"),
            ("missing_challenge", missing_challenge, "challenges"),
            ("bad_latency", bad_latency, "latency.class"),
            ("headline_not_a_preset", headline_not_a_preset, "headline_preset"),
            ("verified_not_bool", verified_not_bool, "verified")]


@pytest.mark.parametrize(("name", "mutate", "field"), _mutations(), ids=[m[0] for m in _mutations()])
def test_bad_domain_file_is_refused_naming_the_field(tmp_path, name, mutate, field):
    doc = copy.deepcopy(_domains_doc())
    mutate(doc)
    with pytest.raises(VentureLabError) as err:
        load_atlas_from(*_write(tmp_path, doc))
    assert "domains.yaml" in str(err.value) and field in str(err.value)


@pytest.mark.parametrize("text", ["{{{ not yaml", "- just\n- a list\n", "", "x" * 1_000_001])
def test_broken_file_is_refused(tmp_path, text):
    with pytest.raises(VentureLabError):
        load_atlas_from(*_write(tmp_path, text))


def test_bad_technique_cost_is_refused(tmp_path):
    ch = yaml.safe_load((DATA / "challenges.yaml").read_text(encoding="utf-8"))
    ch["challenges"][0]["techniques"][0]["costs"]["latency"] = 3
    with pytest.raises(VentureLabError, match="costs.latency"):
        load_atlas_from(*_write(tmp_path, _domains_doc(), ch))


def test_every_linked_section_has_a_translated_name():
    from dashboard.i18n import catalog

    missing = sorted({link.anchor for _, link in _links() if link.anchor
                      and f"atlas.section.{link.anchor}" not in catalog()})
    assert missing == []


def test_keys_the_pages_build_at_run_time_exist():
    """Keys assembled in f-strings (tests/test_i18n.py only sees literal keys)."""
    from dashboard.i18n import catalog
    from scenarios.atlas.domains import COST_AXES, LATENCY_CLASSES, RULE_STATUSES, SENSITIVITY_LEVELS
    from scenarios.atlas.workloads import PRICE_BASES

    keys = [f"atlas.level.{i}" for i in range(6)]
    keys += [f"atlas.cost.{axis}.{lvl}" for axis in COST_AXES for lvl in ("m2", "m1", "z", "p1", "p2")]
    keys += [f"dom.price.{basis}" for basis in (*PRICE_BASES, "api")]
    keys += [f"dom.status.{s}" for s in RULE_STATUSES]
    keys += [f"dom.latency.{c}" for c in LATENCY_CLASSES] + [f"dom.sensitivity.{s}" for s in SENSITIVITY_LEVELS]
    assert [k for k in keys if k not in catalog()] == []
