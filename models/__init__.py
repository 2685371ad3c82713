"""Small, real demo models for the lab: scikit-learn and torch, CPU only, no streamlit.

Each demo module exposes a config dataclass in and a result dataclass out. Heavy
libraries (torch, opacus, captum, onnxruntime) are imported lazily inside functions so
that importing a demo module stays cheap.
"""
