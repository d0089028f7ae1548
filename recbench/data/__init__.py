"""Raw data: dataset specs, fetching with checksums, publishers' formats, preprocessing.

Data knows nothing of models or training.
"""

from recbench.data._dataset import Interactions, load_dataset
from recbench.data._spec import DatasetSpec
from recbench.data._fetch import resolve_data_dir

__all__ = ["DatasetSpec", "Interactions", "load_dataset", "resolve_data_dir"]
