from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

# Dataset options that only the loaders of a user's own files read (DatasetConfig fields).
USER_FILE_OPTIONS = ("path", "columns", "sep", "header")


@dataclass(frozen=True)
class DatasetSpec:
    """What a dataset plugin declares (entry-point group ``recbench.datasets``).

    ``folder`` is the directory the publisher's archive unpacks to; ``files`` are the
    paths inside it that the parser reads. ``parser`` (a callable or ``"module:function"``)
    takes that folder and returns a DataFrame with columns ``user`` and ``item`` (publisher
    ids: integers, or strings that are remapped like any id) and, where the release has
    them, ``rating`` and ``timestamp``.
    Checksums: ``archive_sha256`` and/or the publisher's own ``archive_md5`` verify a
    download; ``file_sha256`` lists known digests of the extracted files (and verifies
    files fetched one by one from ``file_urls``, for releases that are plain files rather
    than an archive).

    ``timestamps`` says what the ``timestamp`` column means: ``"unix"`` seconds, ``"ordinal"``
    (only the order within a user is known, as in one-sequence-per-line files) or ``None``.
    ``splits`` names the publisher's predefined splits (ML-100K's u1..u5, NCF's files): each
    value (callable or ``"module:function"``) takes the folder and returns a DataFrame with
    ``user``, ``item`` (publisher ids) and ``stage`` in {"train", "valid", "test"}.
    ``candidates`` maps a split name to a reader of externally fixed candidates (NCF's
    ``test.negative``): a DataFrame with ``user`` and ``item`` (publisher ids), the sampled
    items each test user's held-out item is ranked against.

    Side features: ``user_features`` / ``item_features`` read ``optional_files`` and return a
    DataFrame indexed by publisher id, or None when the release lacks the file (a missing
    side file never stops the interactions from loading).

    ``options`` names the DatasetConfig fields a loader of the user's own files takes as
    keyword arguments (``path``, ``columns``, ``sep``, ``header``); such a dataset has no
    folder: its readers get the file named by ``path`` instead, and ``optional_files`` are
    suffixes of companion files beside it (``.user``, ``.item``). ``defaults`` are the
    dataset options this dataset's config starts from (sequence data keeps repeats).
    ``counts`` are the users, items and interactions of the interaction files as published;
    ``manual_download`` explains where to get data whose licence forbids a scripted download.
    """

    name: str
    title: str
    folder: str
    files: tuple[str, ...]
    parser: Any
    url: str | None = None
    archive_sha256: str | None = None
    archive_md5: str | None = None
    file_sha256: Mapping[str, str] = field(default_factory=dict)
    homepage: str = ""
    license: str = ""
    citation: str = ""
    timestamps: str | None = "unix"
    splits: Mapping[str, Any] = field(default_factory=dict)
    candidates: Mapping[str, Any] = field(default_factory=dict)
    file_urls: Mapping[str, str] = field(default_factory=dict)
    optional_files: tuple[str, ...] = ()
    user_features: Any = None
    item_features: Any = None
    license_name: str = ""
    counts: Mapping[str, int] = field(default_factory=dict)
    manual_download: str = ""
    options: tuple[str, ...] = ()
    defaults: Mapping[str, Any] = field(default_factory=dict)

    @property
    def archive_name(self) -> str | None:
        return self.url.rsplit("/", 1)[-1] if self.url else None

    @property
    def reads_user_file(self) -> bool:
        """True for the generic loaders, which read the file named by the ``path`` option."""
        return "path" in self.options

    def load_parser(self) -> Callable:
        return _load(self.parser)

    def load_split(self, name: str) -> Callable:
        return _load(self.splits[name])

    def load_candidates(self, name: str) -> Callable:
        return _load(self.candidates[name])

    def load_features(self, kind: str) -> Callable | None:
        target = self.user_features if kind == "user" else self.item_features
        return None if target is None else _load(target)


def _load(target: Any) -> Callable:
    if isinstance(target, str):
        module_name, _, attr = target.partition(":")
        return getattr(importlib.import_module(module_name), attr)
    return target
