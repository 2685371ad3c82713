"""The app's pages, grouped into sections. streamlit_app.py builds st.navigation from this.

To add a page: write dashboard/pages/<name>.py (inputs -> one cached engine call ->
charts), add its strings to data/i18n/<area>.yaml, and append a PageSpec to its
section below (:func:`page`). tests/app/test_pages.py then runs it through AppTest automatically.
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


def page(name: str, icon: str, *, title_key: str | None = None, url_path: str | None = None,
         default: bool = False) -> PageSpec:
    """The page dashboard/pages/<name>.py: titled ``nav.<name>`` and served at ``<name>`` with
    dashes, unless told otherwise; ``icon`` is a Material icon name."""
    return PageSpec(f"dashboard/pages/{name}.py", title_key or f"nav.{name}", f":material/{icon}:",
                    url_path or name.replace("_", "-"), default)


EXPLORE: list[PageSpec] = [
    page("home", "home", default=True),
    page("atlas", "grid_view"),
    page("domain", "travel_explore"),
    page("opportunity", "leaderboard"),
]

ESTIMATE: list[PageSpec] = [page("cost_serving", "bolt"), page("cost_training", "model_training"),
                            page("capacity_planner", "query_stats")]

DEMOS: list[PageSpec] = [
    page("demo_finance", "credit_card"),
    page("demo_medical", "medical_services"),
    page("demo_vision", "directions_car"),
    page("demo_games", "sports_esports"),
    page("demo_speech", "mic"),
    page("demo_overfitting", "ssid_chart"),
    page("demo_training_speed", "speed"),
    page("demo_compression", "compress"),
    page("demo_nlp", "forum"),
    page("demo_recommendation", "recommend"),
]

SCENARIOS: list[PageSpec] = [
    page("scenarios_home", "folder_open", title_key="nav.scenarios", url_path="scenarios"),
    page("compare", "compare_arrows"),
    page("pitch", "co_present"),
]

ABOUT: list[PageSpec] = [page("methodology", "science")]

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
