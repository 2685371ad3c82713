"""Home: what the product answers and the three doors into it."""

import streamlit as st

from dashboard.ui import page_header

page_header("home.title", "home.intro")
