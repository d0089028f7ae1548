"""Raw data: dataset specs, fetching with checksums, publishers' formats, preprocessing, the artifact cache.

Data knows nothing of models or training.
"""

from recbench.data._cache import cached
from recbench.data._dataset import PREPROCESSING_VERSION, Interactions, load_dataset
from recbench.data._fetch import resolve_cache_dir, resolve_data_dir
from recbench.data._options import default_options
from recbench.data._spec import DatasetSpec

__all__ = [
    "PREPROCESSING_VERSION",
    "DatasetSpec",
    "Interactions",
    "cached",
    "default_options",
    "load_dataset",
    "resolve_cache_dir",
    "resolve_data_dir",
]
