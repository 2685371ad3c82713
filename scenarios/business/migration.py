"""Scenario files of older schema versions, brought up to the current one on load.

Each step takes plain data of version N and returns version N + 1, so a file of any known version
reaches :data:`SCHEMA_VERSION` through the same chain; a version newer than this release is refused.
"""

from __future__ import annotations

from typing import Any

from scenarios.errors import VentureLabError

SCHEMA_VERSION = 3
V2_DEFAULT_BATCH = 8    # a target's batch where a version 1 or 2 file gave none


def _migrate_v1(d: dict) -> dict:
    """Version 1 (the first prototype's files): ``version: 1``; ``traffic.tokens_in`` /
    ``tokens_out``; ``utilisation`` at top level; one ``fixed_costs_usd_month`` figure;
    ``funding_usd``; targets without ids (the serving target named by its list index)."""
    d = dict(d)
    d.pop("version", None)
    for block, kind in (("traffic", dict), ("targets", list)):
        # checked before the renames below read them: `targets: 7` is a one-line error, not a crash
        if d.get(block) is not None and not isinstance(d[block], kind):
            raise VentureLabError(block, f"must be a {'mapping' if kind is dict else 'list'}",
                                  got=type(d[block]).__name__)
    traffic = dict(d.get("traffic") or {})
    if "tokens_in" in traffic:
        traffic["prompt_tokens"] = traffic.pop("tokens_in")
    if "tokens_out" in traffic:
        traffic["output_tokens"] = traffic.pop("tokens_out")
    d["traffic"] = traffic
    if "utilisation" in d:
        d["operating"] = {**(d.get("operating") or {}), "utilisation": d.pop("utilisation")}
    if "fixed_costs_usd_month" in d:
        d["fixed_costs"] = {"other_usd_month": d.pop("fixed_costs_usd_month")}
    if "funding_usd" in d:
        d["funding"] = {"cash_usd": d.pop("funding_usd")}
    targets = []
    for i, t in enumerate(d.get("targets") or []):
        t = dict(t) if isinstance(t, dict) else t
        if isinstance(t, dict) and "id" not in t:
            t["id"] = f"{t.get('kind', 'target')}-{i + 1}"
        targets.append(t)
    d["targets"] = targets
    idx = d.pop("serving_target_index", 0)
    if isinstance(idx, int) and 0 <= idx < len(targets) and isinstance(targets[idx], dict):
        d["serving_target"] = targets[idx]["id"]
    d["schema_version"] = 2
    return d


def _migrate_v2(d: dict) -> dict:
    """Version 2: ``operating.utilisation`` and ``uncertainty.utilisation`` meant the share of
    replica capacity used at the peak hour (headroom), not the engine's utilisation (share of paid
    device time doing useful work, ARCHITECTURE 4.2): version 3 names them ``peak_load_share``.
    The fields version 3 adds (limits, constraints, regions, prefix_cache_hit, batch_share and the
    targets' batch prices, node prices) default to "no limit", cloud, no cache, no batch traffic and
    per-device prices: a version 2 file keeps its figures. Version 3 targets' ``batch`` defaults
    to ``auto`` (the capacity plan's concurrency); a version 2 target that gave none meant 8."""
    d = dict(d)
    if isinstance(d.get("targets"), list):
        d["targets"] = [{**t, "batch": V2_DEFAULT_BATCH} if isinstance(t, dict) and "batch" not in t else t
                        for t in d["targets"]]
    for block in ("operating", "uncertainty"):
        part = d.get(block)
        if isinstance(part, dict) and "utilisation" in part:
            part = dict(part)
            part["peak_load_share"] = part.pop("utilisation")
            d[block] = part
    d["schema_version"] = 3
    return d


_MIGRATIONS = {1: _migrate_v1, 2: _migrate_v2}


def migrate(data: Any) -> Any:
    """Bring data of any known schema version up to :data:`SCHEMA_VERSION`."""
    if not isinstance(data, dict):
        return data
    version = data.get("schema_version", data.get("version", SCHEMA_VERSION))
    if isinstance(version, bool) or not isinstance(version, int):
        raise VentureLabError("schema_version", "must be a whole number", got=version)
    if version > SCHEMA_VERSION or version < 1:
        raise VentureLabError("schema_version", "is not a version this release can read",
                              got=version, accepted=range(1, SCHEMA_VERSION + 1))
    while version < SCHEMA_VERSION:
        data = _MIGRATIONS[version](data)
        version += 1
    return data
