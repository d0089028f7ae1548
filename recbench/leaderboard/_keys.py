"""What makes two runs comparable (the benchmark key) and what makes them one row (the row key)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

# The parts of a record's `tuning` section that describe the search budget; the rest
# (study name, best trial, ...) differs between studies of equal budget.
BUDGET_FIELDS = ("n_trials", "timeout", "sampler", "budget")


def canonical_json(value) -> str:
    """One spelling per value: sorted keys, no spaces, so equal configs compare and hash equal."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


@dataclass(frozen=True, order=True)
class BenchmarkKey:
    """Runs share a table version only when every field is equal.

    Beyond the dataset fingerprint, protocol version and metrics version, the protocol's
    mode (sampled and full ranking never mix), its config fingerprint and the split
    fingerprint are part of the key: a protocol edited without a version bump, or a run
    that overrode part of it, must not land in the same table as untouched runs.
    """

    protocol_id: str
    dataset: str
    dataset_fingerprint: str
    protocol_version: int
    protocol_mode: str
    protocol_fingerprint: str
    split_fingerprint: str
    metrics_version: int

    @classmethod
    def of(cls, record: dict) -> BenchmarkKey:
        protocol, dataset = record["protocol"], record["dataset"]
        return cls(
            protocol_id=protocol["id"],
            dataset=dataset["name"],
            dataset_fingerprint=dataset["fingerprint"],
            protocol_version=protocol["version"],
            protocol_mode=protocol["mode"],
            protocol_fingerprint=protocol["fingerprint"],
            split_fingerprint=protocol["split_fingerprint"],
            metrics_version=protocol["metrics_version"],
        )

    def as_dict(self) -> dict:
        return asdict(self)


def tuning_budget(record: dict) -> dict | None:
    """The search budget a run's configuration was tuned with; None for an untuned run."""
    tuning = record.get("tuning")
    if not tuning:
        return None
    return {field: tuning[field] for field in BUDGET_FIELDS if field in tuning}


# The parts of a record's `compression` section that are measurements, not the method's settings.
COMPRESSION_MEASUREMENTS = ("size_bytes_before", "size_bytes_after", "compress_seconds")


def compression_of(record: dict) -> dict | None:
    """The compression method and its settings (e.g. ``{"method": "prune", "sparsity": 0.5}``); None for the float model.

    Records without a ``compression`` section (written before compression existed) and
    records of method ``none`` are the same uncompressed model.
    """
    section = record.get("compression")
    if not section or section.get("method", "none") == "none":
        return None
    return {name: value for name, value in section.items() if name not in COMPRESSION_MEASUREMENTS}


def describe_compression(compression: dict | None) -> str:
    """``int8``, ``prune sparsity=0.5``, ...; empty for the float model."""
    if compression is None:
        return ""
    settings = [f"{k}={v if isinstance(v, str) else canonical_json(v)}" for k, v in sorted(compression.items()) if k != "method"]
    return " ".join([compression["method"], *settings])


def describe_budget(budget: dict | None) -> str:
    if budget is None:
        return "not tuned"
    parts = []
    for name, value in sorted(budget.items()):
        if isinstance(value, dict):
            parts += [f"{name}.{k}={canonical_json(v)}" for k, v in sorted(value.items())]
        else:
            parts.append(f"{name}={value if isinstance(value, str) else canonical_json(value)}")
    return ", ".join(parts) or "tuned"


@dataclass(frozen=True, order=True)
class RowKey:
    """One model configuration: the model, who supplied it, its hyperparameters, its tuning budget,
    and its post-training compression (a compressed variant is its own row)."""

    model: str
    distribution: str
    hyperparameters: str  # canonical JSON
    tuning_budget: str  # canonical JSON; "null" when not tuned
    compression: str = "null"  # canonical JSON of method and settings; "null" for the float model

    @classmethod
    def of(cls, record: dict) -> RowKey:
        return cls(
            model=record["model"]["name"],
            distribution=record["model"]["distribution"],
            hyperparameters=canonical_json(record["hyperparameters"]),
            tuning_budget=canonical_json(tuning_budget(record)),
            compression=canonical_json(compression_of(record)),
        )

    @property
    def row_id(self) -> str:
        """Stable across table versions: the model name and a short hash of the whole key.

        The float model's key hashes without the compression field, so rows published before
        compression existed keep their ids.
        """
        fields = asdict(self)
        if self.compression == "null":
            del fields["compression"]
        digest = hashlib.sha256(canonical_json(fields).encode()).hexdigest()[:8]
        return f"{self.model}-{digest}"

    @property
    def compression_settings(self) -> dict | None:
        return json.loads(self.compression)

    @property
    def label(self) -> str:
        """The model name, with the compression in brackets for a compressed variant: ``bpr [int8]``."""
        described = describe_compression(self.compression_settings)
        return f"{self.model} [{described}]" if described else self.model

    @property
    def budget(self) -> dict | None:
        return json.loads(self.tuning_budget)

    def describe_hyperparameters(self) -> str:
        values = json.loads(self.hyperparameters)
        return ", ".join(f"{k}={v if isinstance(v, str) else canonical_json(v)}" for k, v in sorted(values.items()))
