"""Platform-owned evaluation: scores -> mask seen items -> top-k -> per-user metrics;
predicted ratings -> clipped to the training scale -> RMSE and MAE;
click probabilities of held-out impressions -> gathered -> AUC, GAUC and LogLoss.

Models only return scores or predictions; everything that decides a number lives here.
"""

from recbench.evaluation._callback import RankingEvaluation
from recbench.evaluation._ctr import CTREvaluation, CTREvaluator
from recbench.evaluation._ranking import RankingEvaluator, top_k_items
from recbench.evaluation._rating import RatingEvaluation, RatingEvaluator

__all__ = ["CTREvaluation", "CTREvaluator", "RankingEvaluation", "RankingEvaluator", "RatingEvaluation", "RatingEvaluator", "top_k_items"]
