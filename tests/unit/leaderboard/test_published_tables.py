"""The published tables are a pure function of the committed records: rebuilding them gives the same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from recbench.leaderboard import build_leaderboards

PUBLISHED = Path(__file__).resolve().parents[3] / "leaderboards"


def _generated(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "records" not in path.parts and path.name != "README.md"
    }


@pytest.mark.skipif(not (PUBLISHED / "records" / "runs").is_dir(), reason="no published records in this checkout")
def test_rebuilding_from_the_committed_records_gives_the_published_files_byte_for_byte(tmp_path):
    built = build_leaderboards([PUBLISHED / "records"], tmp_path, strict=True)
    assert built.rejected == []
    published, rebuilt = _generated(PUBLISHED), _generated(tmp_path)
    assert sorted(rebuilt) == sorted(published)
    assert [name for name in published if published[name] != rebuilt[name]] == []
