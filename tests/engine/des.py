"""A small discrete-event simulation of one continuous-batching replica (the check on
scenarios/engine/queueing.py): Poisson arrivals, FCFS admission up to the concurrency cap, every
step decodes one token of each running sequence and prefills prompt chunks FCFS within the token
budget left beside the decodes, step time from the same StepModel."""

from __future__ import annotations

from collections import deque

import numpy as np


def simulate(sm, i, cap, rate, prompt, output, n_requests=4000, seed=0, warmup=400):
    """TTFT and end-to-end seconds of each request after ``warmup`` (configuration ``i`` of ``sm``)."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1.0 / rate, n_requests))
    f = {k: float(np.asarray(getattr(sm, k))[i]) for k in sm.__dataclass_fields__}

    def step_s(n, p):
        mem = f["fixed_mem_s"] + n * f["kv_s_per_seq"]
        comp = n * f["decode_compute_s"] + p * f["prefill_compute_s_per_token"]
        return max(mem, comp) + f["overhead_s"] + f["comm_latency_s"] + (n + p) * f["comm_s_per_token"]

    queue, running = deque(), []          # running: [arrival, prompt_left, output_left, index]
    ttft, e2e = np.full(n_requests, np.nan), np.full(n_requests, np.nan)
    now, nxt = 0.0, 0
    while nxt < n_requests or queue or running:
        while nxt < n_requests and arrivals[nxt] <= now:
            queue.append(nxt)
            nxt += 1
        if not queue and not running:
            now = arrivals[nxt]
            continue
        while queue and len(running) < cap:
            k = queue.popleft()
            running.append([arrivals[k], float(prompt), float(output), k])
        decoding = [s for s in running if s[1] <= 0]
        budget = f["token_budget"] - len(decoding)
        chunks = []
        for s in running:
            if s[1] > 0 and budget > 0:
                c = min(s[1], budget)
                chunks.append((s, c))
                budget -= c
        now += step_s(len(decoding), sum(c for _, c in chunks))
        for s in decoding:
            s[2] -= 1
        for s, c in chunks:
            s[1] -= c
            if s[1] <= 0:
                ttft[s[3]] = now - s[0]
                s[2] -= 1                 # the prefill step yields the first token
        for s in [s for s in running if s[2] <= 0]:
            e2e[s[3]] = now - s[0]
            running.remove(s)
    return ttft[warmup:], e2e[warmup:]
