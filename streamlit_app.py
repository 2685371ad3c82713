"""AI Venture Lab — router only: page config, navigation, shared sidebar, run.

Start it with ``streamlit run streamlit_app.py``. Pages live in dashboard/pages/ and are
listed in dashboard/navigation.py.
"""

from pathlib import Path

import streamlit as st

from dashboard import navigation
from dashboard.auth import current_user
from dashboard.i18n import t
from dashboard.ui import sidebar

# A file in the repository (drawn by tools/make_favicon.py), served by Streamlit from this app's
# own host: a ":material/...:" icon made every browser fetch the favicon from a font CDN.
FAVICON = Path(__file__).resolve().parent / "data" / "favicon.png"

st.set_page_config(
    page_title="AI Venture Lab",
    page_icon=str(FAVICON),
    layout="wide",
    initial_sidebar_state="auto",
)

sidebar()  # language switch first: page titles below are translated with it
# Team mode (VENTURE_LAB_USER_HEADER): no page opens without the proxy's signed-in user.
if user := current_user():
    st.sidebar.caption(t("auth.signed_in_as", user=user))

pages = {
    t(section): [
        st.Page(p.path, title=t(p.title_key), icon=p.icon, url_path=p.url_path, default=p.default)
        for p in specs
    ]
    for section, specs in navigation.SECTIONS.items()
    if specs
}
# Every page listed: collapsed, Streamlit adds its own "View N more" link, which it never
# translates (it showed in English on the Chinese UI), and it hides half of the demo lab.
st.navigation(pages, expanded=True).run()
