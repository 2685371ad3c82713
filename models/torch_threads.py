"""Run small torch models on one CPU thread (and put the setting back afterwards).

Why: the demo models are tiny (thousands of parameters, batches of 32). On a small shared
machine, torch's default of one OpenMP thread per core spends more time synchronising threads
than computing: measured on the 2-core CI box under load, a 15k-parameter CNN step took 0.05 s
on one thread and 0.9 s on two. The training-speed demo measures this effect on purpose; every
other demo pins one thread so its timings and results do not depend on the machine's load.
"""

from __future__ import annotations

import contextlib
from typing import Iterator


@contextlib.contextmanager
def torch_threads(n: int = 1) -> Iterator[None]:
    import torch

    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)
