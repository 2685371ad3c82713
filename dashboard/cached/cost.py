"""Every cached call into the cost engine (scenarios/) that the dashboard makes.

Pages call these instead of the engine so that a rerun after an input change only pays
for what changed: results are keyed by the inputs (plain strings and numbers, so they
hash cheaply) and kept per server process. Nothing here computes a figure: it resolves
user files (uploaded config.json, saved custom devices) into what the engine accepts and
hands the engine's answers back unchanged.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard.auth import current_user
from scenarios.business import store
from scenarios.business.store_sql import STORE_URL_ENV
from scenarios.engine import catalog, serving, training
from scenarios.engine.catalog import Hardware
from scenarios.engine.estimate import InferenceEstimate
from scenarios.engine.training import FinetuneEstimate, TrainingEstimate
from scenarios.errors import VentureLabError


def device_dir() -> Path:
    """The folder of saved custom devices, absolute (the form's caption shows it)."""
    return store.default_device_dir().resolve()


# ---------------------------------------------------------------- catalogs
@st.cache_resource(show_spinner=False, max_entries=1)  # no arguments: one entry
def hardware() -> dict:
    """The hardware catalog (id -> Hardware), loaded and validated once per process."""
    return catalog.load_hardware()


@st.cache_resource(show_spinner=False, max_entries=1)  # no arguments: one entry
def models() -> dict:
    return catalog.load_models()


@st.cache_resource(show_spinner=False, max_entries=1)  # no arguments: one entry
def formats() -> dict:
    return catalog.load_formats()


def llm_ids() -> list[str]:
    """Catalog models the serving and training estimates apply to (decoder LLMs)."""
    return [m.id for m in models().values() if m.kind == "decoder-llm"]


# ---------------------------------------------------------------- custom devices
def slug(text: str) -> str:
    """A device id in the catalog's lowercase-kebab form, safe as a file name."""
    return store.slug(text)


def save_device(fields: dict, overwrite: bool = False) -> str:
    """Validate a custom device with the engine, save it as ``<id>.yaml``; return the id
    (``custom-<name>``, so it never shadows a catalog device).

    A name already saved is refused unless ``overwrite`` (the form's "replace" box), as for
    scenarios; an overwrite names the version this page listed, so one saved by someone else in
    the meantime is refused with "changed since you opened it" (the team database; a folder
    keeps no versions).
    """
    device_id = store.device_id_for(str(fields.get("name") or ""))
    expected = saved_device_versions().get(device_id) if overwrite else None
    try:
        # the team database (owners are checked there) or the device folder
        return store.open_device_store(folder=device_dir()).save(
            fields, overwrite=overwrite, expected_version=expected, user=current_user())
    finally:
        _saved_devices_in.clear()     # saved or refused: the next listing is read afresh


def saved_devices() -> dict[str, str]:
    """Saved custom devices that load cleanly: id -> path of the device file (a broken file is
    skipped here; the form never writes one)."""
    current_user()      # team mode: no store access without a signed-in user
    return {dev_id: path for dev_id, (path, _) in _saved_devices_in(_device_store_key()).items()}


def saved_device_versions() -> dict[str, int | None]:
    """The version of each saved device as the page listed it (None: a folder, no versions)."""
    current_user()
    return {dev_id: version for dev_id, (_, version) in _saved_devices_in(_device_store_key()).items()}


def _device_store_key() -> str:
    return os.environ.get(STORE_URL_ENV) or str(device_dir())


# one per store folder/URL (one per process in practice); the ttl picks up devices saved elsewhere
@st.cache_data(ttl=30, max_entries=8, show_spinner=False)
def _saved_devices_in(folder: str) -> dict[str, tuple[str, int | None]]:
    # keyed by the folder, so a process that moves VENTURE_LAB_DEVICE_DIR never sees another's devices
    # (or by the store URL: then the files are the SQL store's per-process copies for the engine)
    listing = store.open_device_store(folder=Path(folder)).list()   # the database when its URL is set
    return {dev_id: (str(path), listing.versions.get(dev_id)) for dev_id, path in listing.paths.items()}


def target_ref(device_id: str) -> str:
    """What the engine takes for a target: a catalog id, or a saved device file's path."""
    return saved_devices().get(device_id, device_id)


def device_info(device_id: str):
    """The Hardware record of a catalog id or saved custom device."""
    return _device_info(target_ref(device_id))


# catalog ids plus saved device files (users add these): bounded, small records
@st.cache_data(max_entries=256, show_spinner=False)
def _device_info(ref: str):
    return catalog.get_hardware(ref)


# ---------------------------------------------------------------- uploaded models
@st.cache_data(max_entries=32, show_spinner=False)
def model_from_upload(data: bytes, filename: str):
    """Check an uploaded Hugging Face config.json; return its ModelSpec, which the engine takes as
    the model (nothing is written to disk). Raises VentureLabError with a clear message when it is
    not one."""
    return store.model_from_upload(data, filename)


# catalog ids plus uploaded models (users add these): bounded, small records
@st.cache_data(max_entries=256, show_spinner=False)
def model_info(model_ref):
    return catalog.get_model(model_ref)


# ---------------------------------------------------------------- serving
@dataclass(frozen=True)
class TargetResult:
    """One target of the side-by-side: its device, and the estimate or the engine's error."""

    device_id: str
    device: Hardware | None
    estimate: InferenceEstimate | None
    error: VentureLabError | None = None
    replicas_for_rate: int | None = None


@st.cache_data(max_entries=512, show_spinner=False)
def serving_side_by_side(model_ref, targets: tuple[str, ...], weights: str,
                         prompt_tokens: int, output_tokens: int, batch: int, utilisation: float,
                         prices: tuple[tuple[str, float | None], ...] = (),
                         requests_per_s: float | None = None,
                         device_mtimes: tuple[float, ...] = (), devices: int = 1) -> list[TargetResult]:
    """One serving estimate per target, with the same request.

    A target the engine rejects (say, a format it cannot run, or a phone split over
    several devices) carries the engine's message in ``error`` instead of stopping the
    others. ``devices`` splits one replica over that many devices (tensor parallel). ``device_mtimes`` only keys the
    cache to the saved device files, so an edited device is estimated afresh.
    """
    del device_mtimes
    price_of = dict(prices)
    results = []
    for device_id in targets:
        ref = target_ref(device_id)
        try:
            device = catalog.get_hardware(ref)
        except VentureLabError as err:
            results.append(TargetResult(device_id, None, None, err))
            continue
        req = serving.InferenceRequest(
            model=model_ref, hardware=ref, weights=weights, batch=batch,
            prompt_tokens=prompt_tokens, output_tokens=output_tokens, devices=devices,
            price_per_hour=price_of.get(device_id), utilisation=utilisation)
        try:
            est = serving.estimate_inference(req)
            replicas = (serving.devices_for_rate(est, requests_per_s)
                        if requests_per_s else None)
        except VentureLabError as err:
            results.append(TargetResult(device_id, device, None, err))
            continue
        results.append(TargetResult(device_id, device, est, None, replicas))
    return results


def device_mtimes(targets: tuple[str, ...]) -> tuple[float, ...]:
    saved = saved_devices()
    return tuple(Path(saved[t]).stat().st_mtime if t in saved and Path(saved[t]).exists() else 0.0
                 for t in targets)


@st.cache_data(max_entries=128, show_spinner=False)
def largest_model(device_id: str, weights: str, min_decode_tokens_per_s: float,
                  prompt_tokens: int, output_tokens: int) -> list:
    """Catalog models that fit the device and reach the speed, largest first (engine order)."""
    return serving.largest_model_that_fits(
        target_ref(device_id), weights, min_decode_tokens_per_s,
        prompt_tokens=prompt_tokens, output_tokens=output_tokens)


# ---------------------------------------------------------------- training
@st.cache_data(max_entries=256, show_spinner=False)
def training_estimate(model_ref: str, device_id: str, tokens: float, devices: int,
                      mfu: float | None, price_per_hour: float | None, zero_stage: int,
                      activation_checkpointing: bool):
    return training.estimate_training(training.TrainingRequest(
        model=model_ref, hardware=target_ref(device_id), tokens=tokens, devices=devices, mfu=mfu,
        price_per_hour=price_per_hour, zero_stage=zero_stage,
        activation_checkpointing=activation_checkpointing))


@dataclass(frozen=True)
class TrainingSweeps:
    """The estimates behind the training page's set-up table and curves."""

    zero: dict[int, TrainingEstimate]                      # ZeRO stage -> estimate
    finetune: dict[str, FinetuneEstimate]                  # full / lora / qlora -> memory and time
    by_tokens: list[tuple[float, TrainingEstimate]]        # (tokens, estimate) around the chosen count
    by_devices: list[tuple[int, TrainingEstimate]]         # (devices, estimate), 1 .. 1024


@st.cache_data(max_entries=64, show_spinner=False)
def training_sweeps(model_ref: str, device_id: str, tokens: float, devices: int,
                    mfu: float | None, price_per_hour: float | None, zero_stage: int,
                    activation_checkpointing: bool) -> TrainingSweeps:
    """The estimates behind the training page: ZeRO stages, fine-tuning methods, and the
    cost-vs-tokens and cost-vs-devices curves, all for one set of inputs."""
    ref = target_ref(device_id)

    def est(tok: float, dev: int, zero: int):
        return training.estimate_training(training.TrainingRequest(
            model=model_ref, hardware=ref, tokens=tok, devices=dev, mfu=mfu,
            price_per_hour=price_per_hour, zero_stage=zero,
            activation_checkpointing=activation_checkpointing))

    token_grid = sorted({tokens * f for f in (0.1, 0.2, 0.5, 1, 2, 5, 10)})
    device_grid = sorted({d for d in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, devices)})
    return TrainingSweeps(
        zero={z: est(tokens, devices, z) for z in (0, 1, 2, 3)},
        finetune={m: training.finetune_memory(model_ref, ref, method=m, tokens=tokens, mfu=mfu,
                                              activation_checkpointing=activation_checkpointing)
                  for m in ("full", "lora", "qlora")},
        by_tokens=[(tok, est(tok, devices, zero_stage)) for tok in token_grid],
        by_devices=[(dev, est(tokens, dev, zero_stage)) for dev in device_grid])


# ---------------------------------------------------------------- methodology
ROOT = Path(__file__).resolve().parents[2]


def demote_headings(markdown: str, levels: int) -> str:
    """Push every Markdown heading down ``levels`` (outside code fences), so a document
    shown inside a page sits under the page's own title instead of competing with it."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced and re.match(r"#{1,6} ", line):
            line = "#" * min(6, levels + len(line) - len(line.lstrip("#"))) + line.lstrip("#")
        out.append(line)
    return "\n".join(out)


@st.cache_data(max_entries=1, show_spinner=False)  # no arguments: one entry
def methodology_markdown() -> str:
    """docs/methodology.md as written (the error table is parsed from it)."""
    path = ROOT / "docs" / "methodology.md"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


@st.cache_data(max_entries=1, show_spinner=False)  # no arguments: one entry
def methodology_for_page() -> str:
    """docs/methodology.md without its own title, headings one level down."""
    text = re.sub(r"\A# [^\n]*\n", "", methodology_markdown())
    return demote_headings(text, 1)


@st.cache_data(max_entries=1, show_spinner=False)  # no arguments: one entry
def data_readme() -> str:
    """data/README.md with its headings under the page's section heading."""
    path = ROOT / "data" / "README.md"
    return demote_headings(path.read_text(encoding="utf-8"), 2) if path.is_file() else ""


@st.cache_data(max_entries=1, show_spinner=False)  # no arguments: one entry
def calibration_error_table():
    """The per-class error table (in-sample and leave-one-hardware-out) exactly as the
    calibration command wrote it into docs/methodology.md; None when it is not there.

    Refitting here would take minutes, and the page must show the numbers the shipped
    factors were judged by, so it reads the published table rather than recomputing it.
    """
    import pandas as pd

    lines = methodology_markdown().splitlines()
    start = next((i for i, line in enumerate(lines)
                  if line.startswith("#") and "leave-one-hardware-out" in line.lower()), None)
    if start is None:
        return None
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("#"):
            break
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break  # the first table under the heading only
    if len(rows) < 3:
        return None
    table = pd.DataFrame(rows[2:], columns=rows[0])
    for col in table.columns:
        numbers = pd.to_numeric(table[col].str.replace(",", ""), errors="coerce")
        if numbers.notna().all():
            table[col] = numbers
    return table


@st.cache_data(max_entries=1, show_spinner=False)  # no arguments: one entry
def calibration_summary() -> dict:
    """The headline calibration numbers the fit stored with the factors."""
    from scenarios.engine import speed

    return dict(speed.load_factors().get("summary", {}))


# one per catalog (a handful of names)
@st.cache_data(max_entries=8, show_spinner=False)
def provenance_table(which: str):
    """One catalog's rows with their source and verified flag (and derived fields)."""
    import pandas as pd

    records = {"hardware": hardware, "models": models, "formats": formats}[which]()
    rows = []
    for rec in records.values():
        d = rec.to_dict()
        row = {k: d.get(k) for k in ("id", "name", "category", "kind", "bits_per_weight") if k in d}
        if "derived" in d:
            row["derived"] = ", ".join(d["derived"] or ())
        row["verified"] = bool(d.get("verified", False))
        row["source"] = d.get("source", "")
        rows.append(row)
    return pd.DataFrame(rows)
