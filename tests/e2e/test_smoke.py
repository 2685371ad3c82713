"""The app opens in a real browser on the home page, at desktop and phone widths."""


def test_home_renders_and_language_switch_goes_to_url(tab):
    tab.goto("home")
    tab.page.get_by_text("AI Venture Lab").first.wait_for()
    tab.screenshot(f"home-{tab.viewport_name}")
    tab.assert_no_errors()
