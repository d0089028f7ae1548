"""Run records: one schema-versioned JSON file per run, written atomically, per-user metrics beside it."""

from recbench.records._store import (
    SCHEMA_VERSION,
    device_name,
    environment,
    new_run_id,
    read_per_user,
    read_record,
    validate_record,
    write_record,
)

__all__ = [
    "SCHEMA_VERSION",
    "device_name",
    "environment",
    "new_run_id",
    "read_per_user",
    "read_record",
    "validate_record",
    "write_record",
]
