"""Dataset options in one canonical form, so equal settings always give equal fingerprints."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any, Mapping

from recbench.data._spec import USER_FILE_OPTIONS, DatasetSpec
from recbench.errors import RecbenchError

# The preprocessing options every dataset takes, with their defaults (as in DatasetConfig).
PREPROCESSING_DEFAULTS: dict[str, Any] = {
    "rating_threshold": None,
    "user_min": 0,
    "item_min": 0,
    "duplicates": "first",
    "session_gap": None,
}
# Options added after fingerprints were published: left out of the fingerprint while unset,
# so every dataset loaded without them keeps the fingerprint it always had.
LATER_OPTIONS = ("session_gap",)
USER_FILE_DEFAULTS: dict[str, Any] = {"path": None, "columns": None, "sep": None, "header": True}
DUPLICATE_POLICIES = ("first", "last", "keep")


def default_options(spec: DatasetSpec) -> dict[str, Any]:
    """The options a dataset loads with when the user sets none: the common defaults, then the spec's own."""
    options = {**PREPROCESSING_DEFAULTS, **{k: USER_FILE_DEFAULTS[k] for k in spec.options}}
    options.update(spec.defaults)
    return options


def canonical_options(spec: DatasetSpec, given: Mapping[str, Any] | Any) -> dict[str, Any]:
    """``given`` (a DatasetConfig or a mapping) over the dataset's defaults, checked and normalised.

    Options the dataset does not read are refused when set, so a user who points ``path``
    at a publisher's dataset hears about it instead of silently loading something else.
    """
    given = dict(asdict(given) if is_dataclass(given) else given or {})
    given.pop("name", None)
    options = default_options(spec)
    for key, value in given.items():
        if key in options:
            options[key] = value
        elif key in USER_FILE_OPTIONS:
            if value != USER_FILE_DEFAULTS[key] and not (key == "columns" and not value):
                if spec.reads_user_file:
                    reads = ", ".join(f"dataset.{k}" for k in spec.options)
                    raise RecbenchError(f"dataset '{spec.name}' does not use dataset.{key}; it reads {reads}")
                raise RecbenchError(
                    f"dataset '{spec.name}' reads the publisher's files, so dataset.{key}={value!r} does not apply; "
                    "use dataset=table, atomic or sequences for your own files"
                )
        else:
            known = ", ".join(sorted({*options, *USER_FILE_OPTIONS}))
            raise RecbenchError(f"unknown dataset option '{key}'; the options are: {known}")
    if options["duplicates"] not in DUPLICATE_POLICIES:
        raise RecbenchError(
            f"dataset '{spec.name}': duplicates='{options['duplicates']}' is not a policy; use 'first', 'last' or 'keep'"
        )
    if options["rating_threshold"] is not None:
        options["rating_threshold"] = float(options["rating_threshold"])
    for key in ("user_min", "item_min"):
        options[key] = int(options[key] or 0)
    if options["session_gap"] is not None:
        options["session_gap"] = float(options["session_gap"])
        if options["session_gap"] <= 0:
            raise RecbenchError(
                f"dataset '{spec.name}': session_gap={options['session_gap']:g} must be a positive number of seconds "
                "(e.g. 1800 for 30 minutes), or null to keep each user's history whole"
            )
    if "columns" in options:  # {} and None both mean "the usual column names"
        if options["columns"] is not None and not isinstance(options["columns"], Mapping):
            raise RecbenchError(
                f"dataset.columns must map recbench columns to yours, e.g. {{user: userId, item: movieId}}; got {options['columns']!r}"
            )
        options["columns"] = {str(k): str(v) for k, v in dict(options["columns"] or {}).items()} or None
    if options.get("sep") in ("\\t", "tab"):  # a tab is hard to type on a command line
        options["sep"] = "\t"
    return options


def fingerprint_options(spec: DatasetSpec, options: Mapping[str, Any]) -> dict[str, Any]:
    """What enters the fingerprint: every option except where a user's file lives (its content does)."""
    return {k: v for k, v in options.items() if k != "path" and not (k in LATER_OPTIONS and v is None)}
