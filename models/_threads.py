"""Run the small demo models on one BLAS / OpenMP thread.

The demo models are tiny (tens of features, a few hundred to tens of thousands of rows). On a
busy 2-core box, BLAS and OpenMP thread hand-offs cost more than they save: measured here, a
fraud run took 1.5 s with the default thread pools and 0.55 s on one thread; a torch loss call
on 64 values was ~450x slower with 2 threads than with 1 under load. One thread also keeps
results bit-for-bit repeatable.
"""

from __future__ import annotations

import functools


def single_threaded(fn):
    """Decorator: run ``fn`` with numpy/scipy BLAS and OpenMP pools limited to one thread."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            return fn(*args, **kwargs)

    return wrapper
