"""The app's pages, grouped into sections. streamlit_app.py builds st.navigation from this.

To add a page: write dashboard/pages/<name>.py (inputs -> one cached engine call ->
charts), add its strings to data/i18n/<area>.yaml, and append a PageSpec to its
section below. tests/app/test_pages.py then runs it through AppTest automatically.
Each section has its own list so that work on different areas does not collide.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageSpec:
    path: str          # relative to the repository root (AppTest.switch_page takes this)
    title_key: str     # i18n key of the page title
    icon: str          # Material icon, ":material/name:"
    url_path: str      # the page's URL segment; keep stable: links are shared
    default: bool = False


EXPLORE: list[PageSpec] = [
    PageSpec("dashboard/pages/home.py", "nav.home", ":material/home:", "home", default=True),
    PageSpec("dashboard/pages/atlas.py", "nav.atlas", ":material/grid_view:", "atlas"),
    PageSpec("dashboard/pages/domain.py", "nav.domain", ":material/travel_explore:", "domain"),
    PageSpec("dashboard/pages/opportunity.py", "nav.opportunity", ":material/leaderboard:", "opportunity"),
]

ESTIMATE: list[PageSpec] = [
    PageSpec("dashboard/pages/cost_serving.py", "nav.cost_serving", ":material/bolt:", "cost-serving"),
    PageSpec("dashboard/pages/cost_training.py", "nav.cost_training", ":material/model_training:",
             "cost-training"),
]

DEMOS: list[PageSpec] = [
    PageSpec("dashboard/pages/demo_finance.py", "nav.demo_finance", ":material/credit_card:", "demo-finance"),
    PageSpec("dashboard/pages/demo_medical.py", "nav.demo_medical", ":material/medical_services:", "demo-medical"),
    PageSpec("dashboard/pages/demo_vision.py", "nav.demo_vision", ":material/directions_car:", "demo-vision"),
    PageSpec("dashboard/pages/demo_games.py", "nav.demo_games", ":material/sports_esports:", "demo-games"),
    PageSpec("dashboard/pages/demo_speech.py", "nav.demo_speech", ":material/mic:", "demo-speech"),
    PageSpec("dashboard/pages/demo_overfitting.py", "nav.demo_overfitting", ":material/ssid_chart:",
             "demo-overfitting"),
    PageSpec("dashboard/pages/demo_training_speed.py", "nav.demo_training_speed", ":material/speed:",
             "demo-training-speed"),
    PageSpec("dashboard/pages/demo_compression.py", "nav.demo_compression", ":material/compress:",
             "demo-compression"),
    PageSpec("dashboard/pages/demo_nlp.py", "nav.demo_nlp", ":material/forum:", "demo-nlp"),
    PageSpec("dashboard/pages/demo_recommendation.py", "nav.demo_recommendation", ":material/recommend:",
             "demo-recommendation"),
]

SCENARIOS: list[PageSpec] = [
    PageSpec("dashboard/pages/scenarios_home.py", "nav.scenarios", ":material/folder_open:", "scenarios"),
    PageSpec("dashboard/pages/compare.py", "nav.compare", ":material/compare_arrows:", "compare"),
    PageSpec("dashboard/pages/pitch.py", "nav.pitch", ":material/co_present:", "pitch"),
]

ABOUT: list[PageSpec] = [
    PageSpec("dashboard/pages/methodology.py", "nav.methodology", ":material/science:", "methodology"),
]

# Section i18n key -> pages, in the order the sidebar shows them.
SECTIONS: dict[str, list[PageSpec]] = {
    "nav.section.explore": EXPLORE,
    "nav.section.estimate": ESTIMATE,
    "nav.section.demos": DEMOS,
    "nav.section.scenarios": SCENARIOS,
    "nav.section.about": ABOUT,
}


def all_pages() -> list[PageSpec]:
    return [p for pages in SECTIONS.values() for p in pages]


def page_by_url(url_path: str) -> PageSpec:
    for page in all_pages():
        if page.url_path == url_path:
            return page
    raise KeyError(url_path)
