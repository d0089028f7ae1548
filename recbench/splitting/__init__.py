"""Protocol splits of an interactions table into train / valid / test.

Splitting knows nothing of models or training.
"""

from recbench.splitting._split import Split, make_split, per_user_ratio_split

__all__ = ["Split", "make_split", "per_user_ratio_split"]
