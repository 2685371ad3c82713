"""The Streamlit UI: a thin layer over scenarios/ (the engine) and models/ (the demos)."""
