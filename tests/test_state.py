"""URL-state conventions: page prefixes and url paths are unique, so links never collide."""

from dashboard import navigation
from dashboard.state import PAGE_PREFIXES


def test_page_url_paths_are_unique():
    paths = [p.url_path for p in navigation.all_pages()]
    assert len(paths) == len(set(paths))


def test_every_page_file_exists_and_exactly_one_default():
    pages = navigation.all_pages()
    assert all((navigation.ROOT / p.path).is_file() for p in pages)
    assert sum(p.default for p in pages) == 1


def test_prefixes_do_not_shadow_each_other():
    prefixes = list(PAGE_PREFIXES)
    for a in prefixes:
        for b in prefixes:
            assert a == b or not b.startswith(a + "_"), (a, b)
