"""Small, real demo models for the lab: scikit-learn and torch, CPU only, no streamlit.

Each demo module exposes a config dataclass in and a result dataclass out. Heavy libraries
(torch, opacus, captum, onnxruntime) are imported lazily inside functions so that importing a
demo module stays cheap. Of the project, models import only the one error type
(scenarios.errors; tests/models/test_models_import_no_engine.py): where a page shows what the
cost engine makes of a model's measured result, dashboard/cached/<demo>.py composes the two.
"""
