"""Training losses any model may use.

The pairwise losses take the scores of the observed (positive) items, ``positive_scores`` [B], and
the scores of the negatives sampled for the same rows, ``negative_scores`` [B, n], and
return a scalar averaged over the batch. Scores are raw (logits): no sigmoid applied.
``multinomial_nll`` scores whole training rows instead (autoencoders over user rows).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

__all__ = ["bce_loss", "bpr_loss", "multinomial_nll", "probability_bce_loss", "sampled_softmax_loss"]


def bpr_loss(positive_scores: Tensor, negative_scores: Tensor) -> Tensor:
    """Bayesian personalised ranking (Rendle et al., 2009).

    ``mean over b, j of -log sigmoid(positive_scores[b] - negative_scores[b, j])``,
    positive_scores [B], negative_scores [B, n] -> scalar.
    """
    margin = positive_scores.unsqueeze(1) - negative_scores  # [B, n]
    return -F.logsigmoid(margin).mean()


def bce_loss(positive_scores: Tensor, negative_scores: Tensor) -> Tensor:
    """Binary cross-entropy with label 1 for the positive and 0 for each of the n negatives (NCF).

    Averaged over all B * (1 + n) scored pairs, as if each pair were its own example:
    ``(Σ_b softplus(-positive_scores[b]) + Σ_{b,j} softplus(negative_scores[b, j])) / (B (1 + n))``,
    positive_scores [B], negative_scores [B, n] -> scalar.
    """
    total = F.softplus(-positive_scores).sum() + F.softplus(negative_scores).sum()
    return total / (positive_scores.numel() + negative_scores.numel())


def sampled_softmax_loss(positive_scores: Tensor, negative_scores: Tensor) -> Tensor:
    """Cross-entropy of a softmax over the positive and its n negatives, the positive being the target.

    ``mean over b of -log(exp(p_b) / (exp(p_b) + Σ_j exp(negative_scores[b, j])))``,
    positive_scores [B], negative_scores [B, n] -> scalar.
    """
    logits = torch.cat([positive_scores.unsqueeze(1), negative_scores], dim=1)  # [B, 1 + n]
    return -torch.log_softmax(logits, dim=1)[:, 0].mean()


def multinomial_nll(logits: Tensor, rows: Tensor) -> Tensor:
    """Negative multinomial log-likelihood of a user's interactions (Mult-VAE/DAE, Liang et al., 2018).

    ``mean over b of -Σ_i rows[b, i] · log_softmax(logits[b])[i]``,
    logits [B, n_items], rows [B, n_items] (counts or 0/1) -> scalar.
    """
    return -(torch.log_softmax(logits, dim=1) * rows).sum(dim=1).mean()


def probability_bce_loss(positive_probabilities: Tensor, negative_probabilities: Tensor, eps: float = 1e-6) -> Tensor:
    """Binary cross-entropy for models that output probabilities, not logits (DMF's clipped cosine).

    Label 1 for each positive, 0 for each of the n negatives, averaged over all B * (1 + n) pairs;
    probabilities are clamped to [eps, 1 - eps] so the logs stay finite.
    positive_probabilities [B], negative_probabilities [B, n] -> scalar.
    """
    total = -torch.log(positive_probabilities.clamp(eps, 1 - eps)).sum() - torch.log1p(-negative_probabilities.clamp(eps, 1 - eps)).sum()
    return total / (positive_probabilities.numel() + negative_probabilities.numel())
