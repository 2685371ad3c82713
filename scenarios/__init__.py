"""The decision engine: catalogs, cost estimates, economics and scenarios.

Pure Python (numpy, pandas, yaml). It must never import streamlit or torch, so the
`venture-lab` CLI starts fast; tests/test_architecture.py enforces this.
"""
