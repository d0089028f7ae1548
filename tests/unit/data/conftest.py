from __future__ import annotations

import http.server
import shutil
import threading
import warnings
from functools import partial
from pathlib import Path

import pytest

from recbench.data import load_dataset
from recbench.plugins import get_registry
from recbench.testing._synthetic import write_publishers


@pytest.fixture(scope="session")
def publishers_dir(tmp_path_factory) -> Path:
    """A data folder with every publisher's layout, generated (120 users, 160 items, 2,400 interactions)."""
    return write_publishers(tmp_path_factory.mktemp("publishers"))


@pytest.fixture
def data_copy(publishers_dir, tmp_path) -> Path:
    """A private copy of the generated folder that a test may damage."""
    return Path(shutil.copytree(publishers_dir, tmp_path / "data"))


@pytest.fixture
def load(tmp_path):
    """load(name_or_spec, data_dir, **options): load_dataset offline with a fresh cache per test."""

    def run(spec, data_dir=None, cache_dir=None, **options):
        spec = get_registry().dataset(spec) if isinstance(spec, str) else spec
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # generated files differ from the official digests
            return load_dataset(spec, options, data_dir=str(data_dir) if data_dir else None, cache_dir=str(cache_dir or tmp_path / "cache"), download=False)

    return run


@pytest.fixture
def http_folder(tmp_path, monkeypatch):
    """Serves tmp_path/www on 127.0.0.1; yields (folder, base URL, requested paths)."""
    for variable in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    www = tmp_path / "www"
    www.mkdir()
    requests: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            requests.append(self.path)
            super().do_GET()

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(www)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield www, f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
