"""The Streamlit UI: a thin layer over scenarios/ (the engine) and models/ (the demos).

One BLAS / OpenMP thread per library in the app's process, unless the environment says
otherwise. The server's parallelism is its sessions, not the threads of one tiny model: every
demo already runs on one thread (models/_threads.py, models/torch_threads.py say why), and the
training-speed demo sets its thread counts itself. Left at the default, the libraries' idle
worker threads spin on the second core between calls: measured with bench/demo_cold_start.py,
0.3-0.4 CPU-s of the NLP and medical demos' cold start went there, with no change in wall time.
Set here, before the page imports numpy or torch (the package is imported before either)."""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
