from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping


@dataclass(frozen=True)
class DatasetSpec:
    """What a dataset plugin declares (entry-point group ``recbench.datasets``).

    ``folder`` is the directory the publisher's archive unpacks to; ``files`` are the
    paths inside it that the parser reads. ``parser`` (a callable or ``"module:function"``)
    takes that folder and returns a DataFrame with integer-like columns ``user`` and
    ``item`` and, where the release has them, ``rating`` and ``timestamp``.
    Checksums: ``archive_sha256`` and/or the publisher's own ``archive_md5`` verify a
    download; ``file_sha256`` lists known digests of the extracted files.
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

    @property
    def archive_name(self) -> str | None:
        return self.url.rsplit("/", 1)[-1] if self.url else None

    def load_parser(self) -> Callable:
        if isinstance(self.parser, str):
            module_name, _, attr = self.parser.partition(":")
            return getattr(importlib.import_module(module_name), attr)
        return self.parser
