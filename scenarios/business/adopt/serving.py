"""Techniques that change what serving or data costs: compression on the scenario's edge and phone
targets, routing cold-start users (recommendation), labelled data for an intent classifier (NLP and
customer service). Formulas: docs/adopt.md."""

from __future__ import annotations

from scenarios.business.adopt.base import (
    ZERO,
    Adoption,
    Quantity,
    check_positive,
    check_share,
    constant,
    sourced,
)
from scenarios.business.economics import cost_model, evaluate, option_cost_usd_month, requests_per_month
from scenarios.business.planned import vision_batch
from scenarios.business.runner import capacities, power_defaults
from scenarios.business.scenario import Scenario
from scenarios.engine.assumption import Assumption
from scenarios.engine.catalog import get_model, load_formats
from scenarios.engine.serving import estimate_vision
from scenarios.errors import VentureLabError
from scenarios.units import Range

EDGE_KINDS = ("edge", "phone")
SELF_HOSTED = ("edge", "phone", "rented-gpu", "owned-gpu")


def _self_hosted_targets(scenario: Scenario):
    """Every target the company runs the model on (edge, phone, GPUs); at least one edge or phone."""
    targets = [t for t in scenario.targets if t.kind in SELF_HOSTED]
    if scenario.workload != "per-input" or not any(t.kind in EDGE_KINDS for t in targets):
        raise VentureLabError("scenario", "compression is priced on a per-input scenario with an edge or phone target",
                              got=scenario.id)
    return targets


def _target_cost(scenario: Scenario, t, cap, speed_mult: float) -> Range:
    """Monthly cost of one target at the scenario's volume with capacity x ``speed_mult``; the band
    from the engine's capacity band."""
    cm = cost_model(scenario, t, cap, power_defaults(scenario).get(t.id))
    kw = dict(peak_factor=scenario.traffic.peak_factor, peak_load_share=scenario.operating.peak_load_share)
    r = requests_per_month(scenario)
    vals = [float(option_cost_usd_month(cm, r, capacity_mult=speed_mult * c / cm.replica_requests_per_s, **kw))
            if cm.replica_requests_per_s not in (0.0, float("inf")) else 0.0
            for c in (cm.replica_requests_per_s_high, cm.replica_requests_per_s, cm.replica_requests_per_s_low)]
    return Range(min(vals), vals[1], max(vals))


def compression(scenario: Scenario, *, flops_kept: float, params_kept: float, int8: float) -> Adoption:
    """Serve the scenario's model with the demo's measured compression: ``flops_kept`` and
    ``params_kept`` (shares of the uncompressed network) and ``int8`` (1: weights in int8, 0: the
    scenario's own format). Latency and memory per target from the engine's vision estimate;
    $ a month from the scenario's cost formula with each replica's capacity x (old / new latency);
    ``usd_month`` is the change on the scenario's serving target, the others are quantities."""
    flops = check_share("flops_kept", flops_kept)
    params = check_share("params_kept", params_kept)
    if int8 not in (0, 1, 0.0, 1.0):
        raise VentureLabError("int8", "must be 0 or 1", got=int8, accepted=(0, 1))
    if flops <= 0 or params <= 0:
        raise VentureLabError("flops_kept", "must be above 0", got=flops)
    spec, caps = get_model(scenario.model), capacities(scenario)
    fmt = "int8" if int8 else scenario.weights
    bits = {f.id: f.bits_per_weight for f in load_formats().values()}
    # the change's ends as plain numbers: at a volume that needs many replicas the faster model
    # saves most at the slow end of the capacity band, so new.low - old.low can sit below the
    # expected change and a Range would refuse the unordered triple before it is sorted below
    q, delta = [], (0.0, 0.0, 0.0)
    for t in _self_hosted_targets(scenario):
        batch = vision_batch(t)
        before = estimate_vision(spec.id, t.hardware, weights=scenario.weights, batch=batch)
        after = estimate_vision(spec.id, t.hardware, weights=fmt, batch=batch,
                                gflops_per_input=spec.gflops_per_input * flops)
        mult = before.latency_ms / after.latency_ms
        q += [Quantity(f"{t.id}.latency_ms_before", before.latency_ms, "ms"),
              Quantity(f"{t.id}.latency_ms_after", after.latency_ms, "ms"),
              Quantity(f"{t.id}.weights_mb_after", spec.params * params * bits[fmt] / 8 / 1e6, "MB")]
        if t.kind != "phone":   # a phone is the user's: no serving cost to the company
            old, new = _target_cost(scenario, t, caps[t.id], 1.0), _target_cost(scenario, t, caps[t.id], mult)
            q.append(Quantity(f"{t.id}.usd_month_change", new.expected - old.expected, "USD"))
            if t.id == scenario.serving_target:
                delta = (new.low - old.low, new.expected - old.expected, new.high - old.high)
    q.insert(0, Quantity("weights_mb_before", spec.params * bits[scenario.weights] / 8 / 1e6, "MB"))
    lo, hi = sorted((delta[0], delta[2]))
    usd_month = Range(min(lo, delta[1]), delta[1], max(hi, delta[1]))
    assumptions = (Assumption("model", spec.id, "", f"scenario {scenario.id}"),
                   Assumption("ratios", "the demo's measured FLOPs and parameter shares, applied to the model",
                              "", "models/compression via the demo"),
                   Assumption("latency", "engine vision estimate (roofline, fitted factors)", "",
                              "scenarios.engine.serving.estimate_vision"),
                   Assumption("cost", "replicas sized for the peak hour", "", "scenarios.business.economics"))
    return Adoption("compression", scenario.id, usd_month, ZERO, tuple(q), assumptions,
                    (("flops_kept", flops), ("params_kept", params), ("int8", float(int8))))


def cold_start_routing(scenario: Scenario, *, cold_share: float, rmse_cold: float, rmse_warm: float,
                       rmse_popularity_cold: float) -> Adoption:
    """Serve warm users from the matrix-factorisation model and send only the cold-start users it
    cannot yet serve to the scenario's model. MF closes ``gap = (popularity - cold) / (popularity -
    warm)`` of the warm users' advantage for cold users (clipped to 0-1), so the share still routed
    is ``cold_share x (1 - gap)``; the change = -(1 - routed) x requests x the scenario's cost per
    request (MF's own serving is a lookup: not priced)."""
    share = check_share("cold_share", cold_share)
    cold, warm, pop = (check_positive(n, v, maximum=100) for n, v in
                       (("rmse_cold", rmse_cold), ("rmse_warm", rmse_warm), ("rmse_popularity_cold", rmse_popularity_cold)))
    gap = 0.0 if pop <= warm else min(1.0, max(0.0, (pop - cold) / (pop - warm)))
    routed = share * (1.0 - gap)
    result = evaluate(scenario, capacities(scenario), power_defaults(scenario))
    per_request, r = result.unit.cost_per_request_usd, requests_per_month(scenario)
    saving = (1.0 - routed) * r * per_request
    q = (Quantity("requests_per_month", r, "requests"), Quantity("cold_share", share, "share"),
         Quantity("cold_gap_closed", gap, "share"), Quantity("routed_share", routed, "share"),
         Quantity("usd_per_request", per_request, "USD"), Quantity("rmse_gap_cold_vs_warm", cold - warm, "stars"))
    assumptions = (Assumption("usd_per_request", per_request, "USD", f"scenario {scenario.id}, serving target"),
                   Assumption("mf_serving", 0.0, "USD", "stated: a dot product per item, negligible next to the model"))
    return Adoption("cold-start-routing", scenario.id, Range.point(-saving), ZERO, q, assumptions,
                    (("cold_share", share), ("rmse_cold", cold), ("rmse_warm", warm), ("rmse_popularity_cold", pop)))


def labelled_data(scenario: Scenario, *, labelled_examples: float, accuracy: float,
                  baseline_accuracy: float) -> Adoption:
    """Label ``labelled_examples`` utterances for an intent classifier: one-off cost = examples x
    labelling $ per item; what it buys: requests a month routed right beyond the majority-class
    baseline = (accuracy - baseline) x the scenario's requests."""
    n = check_positive("labelled_examples", labelled_examples, maximum=1e9)
    acc, base = check_share("accuracy", accuracy), check_share("baseline_accuracy", baseline_accuracy)
    once = constant("text_label_usd_per_item").scaled(n)
    r = requests_per_month(scenario)
    q = (Quantity("labelled_examples", n, "examples"), Quantity("requests_per_month", r, "requests"),
         Quantity("requests_routed_right_beyond_baseline", (acc - base) * r, "requests"),
         Quantity("requests_misrouted", (1.0 - acc) * r, "requests"))
    assumptions = (sourced()["text_label_usd_per_item"].assumption(),
                   Assumption("requests", "the scenario's requests a month", "", f"scenario {scenario.id}"))
    return Adoption("labelled-data", scenario.id, ZERO, once, q, assumptions,
                    (("labelled_examples", n), ("accuracy", acc), ("baseline_accuracy", base)))
