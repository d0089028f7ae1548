"""Table versions: a benchmark key keeps its number; a new key gets the next one and a CHANGELOG entry.

The published folders are the memory of which number belongs to which key: each
``v<N>/manifest.json`` holds its key. Keys first seen in one build are numbered in the
order of their earliest record, so building the same records into an empty folder
always numbers them the same way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from recbench.errors import RecbenchError
from recbench.leaderboard._keys import BenchmarkKey

VERSION_FOLDER = re.compile(r"v([1-9][0-9]*)")


def existing_versions(folder: Path) -> dict[int, dict]:
    """Version number -> manifest of every ``v<N>`` folder under ``folder``."""
    versions: dict[int, dict] = {}
    if not folder.is_dir():
        return versions
    for child in sorted(folder.iterdir()):
        match = VERSION_FOLDER.fullmatch(child.name)
        if not match or not child.is_dir():
            continue
        manifest = child / "manifest.json"
        try:
            content = json.loads(manifest.read_text(encoding="utf-8"))
            if not isinstance(content.get("benchmark"), dict):
                raise ValueError("no 'benchmark' object")
        except (OSError, ValueError, AttributeError) as exc:
            raise RecbenchError(
                f"{manifest}: unreadable ({exc}); it says which benchmark {child.name} holds, so restore it or move {child} away"
            ) from None
        versions[int(match.group(1))] = content
    return versions


def assign_versions(existing: dict[int, dict], keys: dict[BenchmarkKey, str]) -> dict[BenchmarkKey, int]:
    """A version number for each key (``keys`` maps a key to its earliest record's creation time)."""
    known = {json.dumps(manifest["benchmark"], sort_keys=True): number for number, manifest in existing.items()}
    assigned: dict[BenchmarkKey, int] = {}
    next_number = max(existing, default=0) + 1
    for key in sorted(keys, key=lambda k: (keys[k], k)):
        spelling = json.dumps(key.as_dict(), sort_keys=True)
        if spelling in known:
            assigned[key] = known[spelling]
        else:
            assigned[key] = next_number
            next_number += 1
    return assigned


def _short(value) -> str:
    return value[:12] if isinstance(value, str) else str(value)


def bump_reasons(previous: dict, current: dict) -> list[str]:
    """Why ``current`` is not ``previous``, one sentence per differing part of the key."""
    reasons = []
    if previous.get("dataset_fingerprint") != current.get("dataset_fingerprint"):
        reasons.append(
            f"The dataset changed (fingerprint {_short(previous.get('dataset_fingerprint'))} -> "
            f"{_short(current.get('dataset_fingerprint'))}): different raw files or preprocessing, or a new definition of the fingerprint itself."
        )
    if previous.get("protocol_version") != current.get("protocol_version"):
        reasons.append(f"Protocol version {previous.get('protocol_version')} -> {current.get('protocol_version')}.")
    elif previous.get("protocol_fingerprint") != current.get("protocol_fingerprint"):
        reasons.append(
            f"The protocol's configuration differs without a version change (fingerprint "
            f"{_short(previous.get('protocol_fingerprint'))} -> {_short(current.get('protocol_fingerprint'))}), "
            "e.g. runs that overrode part of it."
        )
    if previous.get("protocol_mode") != current.get("protocol_mode"):
        reasons.append(f"Evaluation mode {previous.get('protocol_mode')} -> {current.get('protocol_mode')}.")
    if previous.get("split_fingerprint") != current.get("split_fingerprint"):
        reasons.append(
            f"The split differs (fingerprint {_short(previous.get('split_fingerprint'))} -> {_short(current.get('split_fingerprint'))})."
        )
    if previous.get("metrics_version") != current.get("metrics_version"):
        reasons.append(
            f"Metrics version {previous.get('metrics_version')} -> {current.get('metrics_version')}: a metric's implementation changed."
        )
    return reasons or ["The benchmark key differs in a field this version of recbench does not describe."]


def changelog(protocol_id: str, dataset: str, versions: dict[int, dict]) -> str:
    """CHANGELOG.md of one protocol and dataset, newest version first, from the versions' keys alone."""
    lines = [f"# {dataset} · {protocol_id}: table versions", ""]
    lines += ["A new version starts whenever the benchmark key changes; records of different versions never share a table.", ""]
    for number in sorted(versions, reverse=True):
        key = versions[number]["benchmark"]
        lines += [f"## v{number}", ""]
        earlier = [n for n in versions if n < number]
        if earlier:
            previous = max(earlier)
            lines.append(f"Differs from v{previous}:")
            lines += [f"- {reason}" for reason in bump_reasons(versions[previous]["benchmark"], key)]
        else:
            lines.append(
                f"- First version: dataset {dataset} (fingerprint {_short(key.get('dataset_fingerprint'))}), protocol "
                f"{protocol_id} version {key.get('protocol_version')} (mode {key.get('protocol_mode')}), "
                f"metrics version {key.get('metrics_version')}."
            )
        lines.append("")
    return "\n".join(lines)
