"""Protocol splits of an interactions table into train / valid / test (+ sampled candidates).

Splitting knows nothing of models or training.
"""

from recbench.splitting._cache import cached_split
from recbench.splitting._ids import to_dense_ids
from recbench.splitting._kinds import KINDS
from recbench.splitting._per_user import leave_one_out, per_user_ratio_split
from recbench.splitting._split import Split, make_split

__all__ = ["KINDS", "cached_split", "Split", "leave_one_out", "make_split", "per_user_ratio_split", "to_dense_ids"]
