"""Platform-owned evaluation: scores -> mask seen items -> top-k -> per-user metrics.

Models only return scores; everything that decides a number lives here.
"""

from recbench.evaluation._callback import RankingEvaluation
from recbench.evaluation._ranking import RankingEvaluator, top_k_items

__all__ = ["RankingEvaluation", "RankingEvaluator", "top_k_items"]
