"""Typed, validated catalogs: hardware, models, weight formats (data/*.csv).

Every row is checked on load; a bad value raises :class:`VentureLabError` naming the file, the row
and the field.  The CSV files are read with the standard library (no pandas) so the CLI starts fast.
A user can add a device (YAML / JSON / TOML file with the catalog's fields) or a model (a Hugging Face
style ``config.json``) by passing a path instead of an id; :mod:`scenarios.engine.user_files` reads
those files.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from scenarios.engine.catalog_rows import CatalogRow, read_csv
from scenarios.errors import VentureLabError
from scenarios.units import Range

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

CATEGORIES = ("datacenter-gpu", "workstation-gpu", "edge", "sbc", "laptop", "mobile", "cpu-server")
# ARCHITECTURE 4.3 adds gaudi (Intel Gaudi), amd-consumer (Radeon cards) and gb10 (NVIDIA's desk
# Grace Blackwell); groups.REPORTING_CLASS maps each class to the class its accuracy is reported under.
HW_CLASSES = ("nvidia-datacenter", "nvidia-consumer", "jetson", "apple", "phone", "cpu-sbc", "tpu", "amd",
              "cpu-server", "gaudi", "amd-consumer", "gb10")
ATTENTION_TYPES = ("mha", "gqa", "mla", "sliding-window-mix", "none")
MODEL_KINDS = ("decoder-llm", "encoder", "encoder-decoder", "speech", "vision-cnn", "vision-transformer",
               "detector", "custom", "tabular", "tree-ensemble")
# on-device targets: no datacenter facility overhead (PUE 1), battery where there is one
ON_DEVICE_CATEGORIES = ("edge", "sbc", "laptop", "mobile")


@dataclass(frozen=True)
class Hardware:
    """One accelerator (per device; multi-device systems are N of these)."""

    id: str
    name: str
    category: str
    hw_class: str
    memory_gb: float
    memory_bandwidth_gb_s: float
    peak_tflops_fp32: float
    peak_tflops_fp16: float
    peak_tops_int8: float
    peak_tops_int4: float
    tdp_w: float
    usable_memory_gb: float
    interconnect_gb_s: float
    compute_formats: tuple[str, ...] = ("fp32", "fp16")
    npu_tops_int8: float | None = None
    usd_per_hour: float | None = None
    price_as_of: str = ""
    price_source: str = ""
    purchase_usd: float | None = None
    battery_wh: float | None = None
    source: str = ""
    verified: bool = False
    derived: tuple[str, ...] = ()
    # field -> its assumption range, for figures a vendor does not publish (phones' TDP, say);
    # left out of the hash so a device stays usable as a key (the mapping is never mutated)
    ranges: dict[str, Range] = field(default_factory=dict, hash=False)
    notes: str = ""

    def range_of(self, name: str) -> Range:
        """The assumption range of a field, or the field's value as a point range."""
        if name in self.ranges:
            return self.ranges[name]
        return Range.point(getattr(self, name), name)

    @property
    def has_fp16(self) -> bool:
        """TPUs have bf16 but no fp16 path (ARCHITECTURE 4.2: default weights bf16 there)."""
        return "fp16" in self.compute_formats

    @property
    def on_device(self) -> bool:
        return self.category in ON_DEVICE_CATEGORIES

    def peak_ops_per_s(self, compute_dtype: str) -> float:
        """Dense peak operations per second for a matmul in ``compute_dtype``.

        Formats without a native path on this device fall back to the 16-bit rate (weights are
        dequantised to fp16/bf16 before the matmul, as llama.cpp, AWQ and Marlin kernels do).
        """
        if compute_dtype == "fp32":
            return self.peak_tflops_fp32 * 1e12
        if compute_dtype in ("int8", "fp8") and compute_dtype in self.compute_formats:
            return self.peak_tops_int8 * 1e12
        if compute_dtype in ("int4", "mxfp4", "nvfp4") and compute_dtype in self.compute_formats:
            return self.peak_tops_int4 * 1e12
        return self.peak_tflops_fp16 * 1e12

    def to_dict(self) -> dict:
        d = asdict(self)
        d["ranges"] = {name: r.as_list() for name, r in self.ranges.items()}
        d["compute_formats"] = list(self.compute_formats)
        d["derived"] = list(self.derived)
        return d


@dataclass(frozen=True)
class ModelSpec:
    """Architecture of one model; shapes follow the Hugging Face config names."""

    id: str
    name: str
    family: str
    kind: str
    params_b: float
    active_params_b: float | None = None
    layers: int | None = None
    hidden_size: int | None = None
    attention_heads: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    ffn_size: int | None = None
    vocab_size: int | None = None
    context_length: int | None = None
    num_experts: int | None = None
    experts_per_token: int | None = None
    tie_embeddings: bool = False
    attention_type: str = "mha"
    # True where the published active_params_b leaves out the input-embedding lookup (gpt-oss,
    # DeepSeek-V3); the default counts it, like Mixtral's 12.9B (scenarios/engine/memory.py conventions).
    active_excludes_embedding: bool = False
    sliding_window: int | None = None
    # "all", "alternate" (every other layer is local) or "L:G" (L local layers then G global ones,
    # repeating: Gemma 3's "5:1", Llama 4's chunked-attention "3:1")
    sliding_window_layers: str = ""
    kv_lora_rank: int | None = None          # MLA latent width (DeepSeek-V2/V3)
    qk_rope_head_dim: int | None = None      # MLA decoupled RoPE key width
    gflops_per_input: float | None = None    # vision / speech: FLOPs per image or audio window
    input_resolution: str = ""
    source: str = ""
    verified: bool = False
    notes: str = ""

    @property
    def params(self) -> float:
        return self.params_b * 1e9

    @property
    def active_params(self) -> float:
        """Parameters touched per token (MoE: the routed experts only)."""
        return (self.active_params_b if self.active_params_b else self.params_b) * 1e9

    @property
    def local_layers(self) -> int:
        """Layers whose KV cache the sliding window caps (the pattern starts with local layers, as
        Gemma 2/3, gpt-oss and Llama 4 do: layer i is global when (i + 1) % (L + G) > L - 1)."""
        layers, kind = self.layers or 0, self.sliding_window_layers
        if kind == "all":
            return layers
        pattern = _window_pattern(kind)
        if pattern is None:
            return 0
        local, period = pattern[0], sum(pattern)
        return (layers // period) * local + min(layers % period, local)

    @property
    def is_token_model(self) -> bool:
        """A model that generates tokens (LLMs, encoder-decoders, speech); CNNs, tabular and tree
        models work per input, and so does an encoder with a FLOPs-per-input figure (bert-base as a
        classifier: one sequence in, one label out; ARCHITECTURE 4.3)."""
        if self.kind == "encoder" and self.gflops_per_input:
            return False
        return self.kind in ("decoder-llm", "encoder", "encoder-decoder", "speech") and bool(self.layers)

    def to_dict(self) -> dict:
        return asdict(self)


def _window_pattern(kind: str) -> tuple[int, int] | None:
    """(local, global) layers per period of a sliding-window pattern; "alternate" is (1, 1)."""
    if kind == "alternate":
        return 1, 1
    parts = kind.split(":")
    if len(parts) == 2 and all(p.isdigit() and 0 < int(p) < 1000 for p in parts):
        return int(parts[0]), int(parts[1])
    return None


@dataclass(frozen=True)
class WeightFormat:
    id: str
    bits_per_weight: float        # true bits, block scales included
    activation_dtype: str         # dtype of activations / default KV cache
    compute_dtype: str            # dtype of the matmul where the device supports it
    kind: str = ""
    block_size: int | None = None
    scale_format: str = ""
    source: str = ""
    verified: bool = False
    notes: str = ""

    @property
    def bytes_per_weight(self) -> float:
        return self.bits_per_weight / 8.0

    def to_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------- loading helpers
def _parse_ranges(r: CatalogRow) -> dict[str, Range]:
    text = r.text("ranges", required=False)
    out = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        try:
            name, vals = part.split("=")
            lo, ex, hi = (float(v) for v in vals.split("|"))
        except ValueError:
            raise VentureLabError(r._field("ranges"), "must look like 'field=low|expected|high;...'",
                                  got=part) from None
        out[name.strip()] = Range(lo, ex, hi, f"{r._field('ranges')} {name.strip()}")
    return out


def hardware_from_row(r: CatalogRow) -> Hardware:
    # Physical ranges: from a microcontroller (1 MB, 10 MB/s, 1 MFLOP/s, 10 mW) to a rack-scale
    # system (100 TB, 1 PB/s, an exaFLOP/s, 100 kW); the catalog's rows sit well inside them.
    hid = r.text("id")
    memory_gb = r.num("memory_gb", minimum=1e-3, maximum=1e5)
    fp16_tflops = r.num("peak_tflops_fp16", minimum=1e-6, maximum=1e6)   # checked first: fp32 may derive from it
    hw = Hardware(
        id=hid, name=r.text("name", required=False) or hid,
        category=r.choice("category", CATEGORIES), hw_class=r.choice("hw_class", HW_CLASSES),
        memory_gb=memory_gb, memory_bandwidth_gb_s=r.num("memory_bandwidth_gb_s", minimum=1e-2, maximum=1e6),
        peak_tflops_fp32=r.num("peak_tflops_fp32", minimum=1e-6, maximum=1e6),
        peak_tflops_fp16=fp16_tflops,
        peak_tops_int8=r.num("peak_tops_int8", minimum=1e-6, maximum=1e6),
        peak_tops_int4=r.num("peak_tops_int4", minimum=1e-6, maximum=1e6),
        tdp_w=r.num("tdp_w", minimum=1e-2, maximum=1e5),
        usable_memory_gb=r.num("usable_memory_gb", required=False, minimum=1e-3, maximum=1e5) or memory_gb,
        interconnect_gb_s=r.num("interconnect_gb_s", required=False, minimum=1e-3, maximum=1e6) or 64.0,
        compute_formats=tuple(filter(None, r.text("compute_formats", required=False).split("|")))
        or ("fp32", "fp16"),
        npu_tops_int8=r.num("npu_tops_int8", required=False, minimum=1e-6, maximum=1e6),
        usd_per_hour=r.num("usd_per_hour", required=False, minimum=1e-4, maximum=1e4),
        price_as_of=r.text("price_as_of", required=False), price_source=r.text("price_source", required=False),
        purchase_usd=r.num("purchase_usd", required=False, minimum=1e-2, maximum=1e8),
        battery_wh=r.num("battery_wh", required=False, minimum=1e-2, maximum=1e4),
        source=r.text("source", required=False), verified=r.flag("verified"),
        derived=tuple(filter(None, r.text("derived", required=False).split("|"))),
        ranges=_parse_ranges(r), notes=r.text("notes", required=False),
    )
    if hw.usable_memory_gb > hw.memory_gb * 1.0745:   # memory_gb may be binary GiB as vendors print it
        raise VentureLabError(r._field("usable_memory_gb"), "cannot exceed memory_gb (in GiB)", got=hw.usable_memory_gb)
    return hw


def _int_or_none(r: CatalogRow, name: str) -> int | None:
    v = r.num(name, required=False, integer=True, minimum=1, maximum=1e12)
    return int(v) if v is not None else None


def _model_from_row(r: CatalogRow) -> ModelSpec:
    m = ModelSpec(
        id=r.text("id"), name=r.text("name", required=False) or r.text("id"),
        family=r.text("family", required=False), kind=r.choice("kind", MODEL_KINDS),
        params_b=r.num("params_b", minimum=1e-6, maximum=1e5),
        active_params_b=r.num("active_params_b", required=False, minimum=1e-6, maximum=1e5),
        layers=_int_or_none(r, "layers"), hidden_size=_int_or_none(r, "hidden_size"),
        attention_heads=_int_or_none(r, "attention_heads"), kv_heads=_int_or_none(r, "kv_heads"),
        head_dim=_int_or_none(r, "head_dim"), ffn_size=_int_or_none(r, "ffn_size"),
        vocab_size=_int_or_none(r, "vocab_size"), context_length=_int_or_none(r, "context_length"),
        num_experts=_int_or_none(r, "num_experts"), experts_per_token=_int_or_none(r, "experts_per_token"),
        tie_embeddings=r.flag("tie_embeddings"),
        active_excludes_embedding=r.flag("active_excludes_embedding"),
        attention_type=r.choice("attention_type", ATTENTION_TYPES),
        sliding_window=_int_or_none(r, "sliding_window"),
        sliding_window_layers=r.text("sliding_window_layers", required=False),
        kv_lora_rank=_int_or_none(r, "kv_lora_rank"), qk_rope_head_dim=_int_or_none(r, "qk_rope_head_dim"),
        gflops_per_input=r.num("gflops_per_input", required=False, minimum=1e-9, maximum=1e9),
        input_resolution=r.text("input_resolution", required=False),
        source=r.text("source", required=False), verified=r.flag("verified"), notes=r.text("notes", required=False),
    )
    _check_model(m, r._field)
    return m


def _check_model(m: ModelSpec, where) -> None:
    if m.active_params_b and m.active_params_b > m.params_b * 1.0001:
        raise VentureLabError(where("active_params_b"), "cannot exceed params_b", got=m.active_params_b)
    if m.attention_type == "mla" and not m.kv_lora_rank:
        raise VentureLabError(where("kv_lora_rank"), "is required for attention_type mla")
    if m.attention_type == "sliding-window-mix":
        if not m.sliding_window:
            raise VentureLabError(where("sliding_window"), "is required for attention_type sliding-window-mix")
        if m.sliding_window_layers != "all" and _window_pattern(m.sliding_window_layers) is None:
            raise VentureLabError(where("sliding_window_layers"), "unknown value", got=m.sliding_window_layers,
                                  accepted=("all", "alternate", "L:G (local:global layers, e.g. 5:1)"))
    if m.attention_heads and m.kv_heads and m.kv_heads > m.attention_heads:
        raise VentureLabError(where("kv_heads"), "cannot exceed attention_heads", got=m.kv_heads)
    if m.kind in ("decoder-llm",) and not (m.layers and m.hidden_size and m.attention_heads):
        raise VentureLabError(where("layers"), "a decoder LLM needs layers, hidden_size and attention_heads")


def _load(name: str, builder) -> dict:
    path = DATA_DIR / name
    out = {}
    for i, row in enumerate(read_csv(path), start=2):   # row 1 is the header
        item = builder(CatalogRow(f"data/{name} row {i}", row))
        if item.id in out:
            raise VentureLabError(f"data/{name} row {i} field id", "duplicate id", got=item.id)
        out[item.id] = item
    if not out:
        raise VentureLabError(f"data/{name}", "catalog is empty")
    return out


@functools.lru_cache(maxsize=1)
def load_hardware() -> dict[str, Hardware]:
    """All devices of data/hardware.csv by id (validated; cached)."""
    return _load("hardware.csv", hardware_from_row)


@functools.lru_cache(maxsize=1)
def load_models() -> dict[str, ModelSpec]:
    """All models of data/models.csv by id (validated; cached)."""
    return _load("models.csv", _model_from_row)


@functools.lru_cache(maxsize=1)
def load_formats() -> dict[str, WeightFormat]:
    """Weight formats of data/formats.csv by id (validated; cached)."""
    def build(r: CatalogRow) -> WeightFormat:
        return WeightFormat(
            id=r.text("id"), bits_per_weight=r.num("bits_per_weight", minimum=0.5, maximum=64),
            activation_dtype=r.choice("activation_dtype", ("fp32", "fp16", "bf16")),
            compute_dtype=r.text("compute_dtype"), kind=r.text("kind", required=False),
            block_size=_int_or_none(r, "block_size"), scale_format=r.text("scale_format", required=False),
            source=r.text("source"), verified=r.flag("verified"), notes=r.text("notes", required=False))
    return _load("formats.csv", build)


def get_format(fmt_id: str, field_name: str = "weights") -> WeightFormat:
    formats = load_formats()
    key = str(fmt_id).strip().lower() if fmt_id is not None else ""
    if key not in formats:
        raise VentureLabError(field_name, "unknown weight format", got=fmt_id, accepted=formats)
    return formats[key]




# --------------------------------------------------------------------------- lookups: id or file
def _user_files():
    """:mod:`scenarios.engine.user_files`, imported only when a file is named (it builds on this
    module's types, and a lookup by id stays free of the import)."""
    from scenarios.engine import user_files
    return user_files


def _catalog_entry(catalog: dict, id_or_path):
    """``(key, entry)``: the stripped text and its catalog row (exact id, else lower-cased), or
    ``(key, None)`` when it is not an id (the caller then tries it as a file path)."""
    key = str(id_or_path).strip() if id_or_path is not None else ""
    return key, catalog.get(key, catalog.get(key.lower()))


def _id_or_file(id_or_path, catalog: dict, field_name: str, read_file: Callable[[Path], object],
                unknown: str, list_command: str):
    """The catalog entry of an id, else what ``read_file`` builds from the file it names, else an
    error listing every id (the CLI's ``venture-lab catalog <list_command>`` prints them too)."""
    key, found = _catalog_entry(catalog, id_or_path)
    if found is not None:
        return found
    if key and _user_files().looks_like_path(key):
        return read_file(Path(key).expanduser())
    raise VentureLabError(field_name, unknown, got=id_or_path,
                          accepted=f"{len(catalog)} ids (list: venture-lab catalog {list_command}): "
                          + ", ".join(catalog))


def get_hardware(id_or_path: str | Hardware) -> Hardware:
    """A catalog device by id, or a device file (YAML / JSON / TOML with catalog fields)."""
    if isinstance(id_or_path, Hardware):
        return id_or_path
    return _id_or_file(id_or_path, load_hardware(), "hardware",
                       lambda path: _user_files().hardware_from_file(path),
                       "unknown hardware id (or a path to a device file)", "hardware")


def get_model(id_or_path: str | ModelSpec) -> ModelSpec:
    """A catalog model by id, or a path to a Hugging Face style config.json."""
    if isinstance(id_or_path, ModelSpec):
        return id_or_path
    return _id_or_file(id_or_path, load_models(), "model",
                       lambda path: _user_files().model_from_file(path),
                       "unknown model id (or a path to a config.json)", "models")


def hardware_from_dict(fields: dict) -> Hardware:
    """A custom device from a form or a device file (scenarios.engine.user_files.hardware_from_dict)."""
    return _user_files().hardware_from_dict(fields)


def model_from_hf_config(config: dict, name: str = "custom") -> ModelSpec:
    """A :class:`ModelSpec` from a parsed Hugging Face ``config.json`` (scenarios.engine.hfconfig)."""
    from scenarios.engine.hfconfig import model_from_hf_config as _impl
    return _impl(config, name)
