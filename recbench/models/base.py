"""The base class every recbench model derives from, built-in or plugin."""

from __future__ import annotations

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torchmetrics.aggregation import MeanMetric

from recbench.errors import RecbenchError
from recbench.models.losses import bce_loss, bpr_loss
from recbench.sparse import rows_dense, rows_times


class RecommenderModel(pl.LightningModule):
    """A Lightning module that learns from training interactions and scores items.

    Call order, as the platform drives it:

    1. ``__init__(n_users, n_items, **hyperparameters)`` — the dataset's facts plus the
       fields of the model's config dataclass (its spec's ``config``). Call
       ``self.save_hyperparameters()`` so checkpoints restore.
    2. ``fit_matrix(train)`` — always, once, before training. ``train`` is a sparse CSR
       float tensor [n_users, n_items] with 1.0 at every training interaction. Models
       tagged ``input_kind="none"`` (counting, closed form) compute their parameters here
       and are never passed to ``Trainer.fit``. The matrix is also kept as
       ``self.train_matrix`` for models that score from a user's history; a model
       restored from a checkpoint receives it through ``attach_history(train)``.
    3. ``Trainer.fit`` with the usual ``training_step`` / ``configure_optimizers``, for the
       other input kinds. Batches follow the spec's ``input_kind``
       (see ``recbench.plugins.INPUT_KINDS``): e.g. ``"triples"`` gives
       ``{"users": [B], "positives": [B], "negatives": [B, num_negatives]}`` (int64).
    4. ``validation_step`` / ``test_step`` — provided: the batch is a user-id tensor [B]
       and the step returns ``score_users(users)``. The platform masks seen items,
       ranks and computes metrics; a model never sees validation or test interactions.

    Scoring methods (in eval mode, without gradients):

    - ``score_users(users [B]) -> [B, n_items]`` float scores, higher is better.
    - ``score_candidates(users [B], items [B, C]) -> [B, C]``; by default gathered from
      ``score_users``. Override when scoring all items is wasteful.
    """

    def __init__(self, n_users: int, n_items: int):
        super().__init__()
        self.n_users = n_users
        self.n_items = n_items
        self.train_matrix: Tensor | None = None

    def fit_matrix(self, train: Tensor) -> None:
        """Receive the training matrix; closed-form models override this to fit (call super first)."""
        self.attach_history(train)

    def attach_history(self, train: Tensor) -> None:
        """Hand over the training matrix without fitting, e.g. to a model restored from a checkpoint.

        Anything a model derives from the matrix but does not checkpoint (an adjacency
        matrix, say) must be rebuilt lazily from ``self.train_matrix``.
        """
        self.train_matrix = train

    def score_users(self, users: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement score_users(users) -> [B, n_items]")

    def score_candidates(self, users: Tensor, items: Tensor) -> Tensor:
        return self.score_users(users).gather(1, items)

    def log_epoch_mean(self, name: str, value: Tensor | float, weight: int) -> None:
        """Add a training step's ``value`` to the epoch's ``weight``-weighted mean, logged as ``name`` when the epoch ends.

        What ``self.log(name, value, on_step=False, on_epoch=True, batch_size=weight)`` gives,
        at a fraction of the cost: that call takes about 0.6 ms a step in Lightning's result
        collection, a quarter of a short step, where a torchmetrics ``MeanMetric`` update takes
        about 0.04 ms (benchmarks/README.md). Under DDP the mean covers every process's steps.
        ``name`` may not contain dots (it keys a ``ModuleDict``).
        """
        if "_epoch_means" not in self._modules:
            self._epoch_means = nn.ModuleDict()
        if name not in self._epoch_means:
            self._epoch_means[name] = MeanMetric().to(self.device)
        self._epoch_means[name].update(value, weight)  # torchmetrics updates without building a graph

    def on_train_epoch_end(self) -> None:
        for name, mean in self._modules.get("_epoch_means", {}).items():
            if mean.update_called:
                self.log(name, mean.compute())
                mean.reset()

    def validation_step(self, users: Tensor, batch_idx: int) -> Tensor:
        return self.score_users(users)

    def test_step(self, users: Tensor, batch_idx: int) -> Tensor:
        return self.score_users(users)

    def history_rows(self, users: Tensor) -> Tensor:
        """Dense training rows [B, n_items] of ``users``, for models that score from history."""
        if self.train_matrix is None:
            raise RuntimeError("fit_matrix(train) must be called before scoring from history")
        return rows_dense(self.train_matrix, users).to(self.device)

    def history_times(self, users: Tensor, weights: Tensor) -> Tensor:
        """``history_rows(users) @ weights`` [B, weights.shape[1]], with the rows kept sparse.

        For models that score a user as a weighted sum over their training items (EASE,
        ItemKNN): work grows with the user's history, not with n_items (``rows_times``).
        """
        if self.train_matrix is None:
            raise RuntimeError("fit_matrix(train) must be called before scoring from history")
        return rows_times(self.train_matrix, users, weights)

    def __setattr__(self, name: str, value) -> None:
        # Lightning records the running hook in `_current_fx_name` around every hook call,
        # about 40 times a step: a cost recbench's short steps feel (a BPR step on ML-100K is
        # about 2.5 ms; see benchmarks/README.md). The value is always a str or None, so
        # nn.Module's checks for parameters, buffers and submodules can be skipped.
        if name == "_current_fx_name":
            object.__setattr__(self, name, value)
        else:
            super().__setattr__(name, value)


PAIRWISE_LOSSES = ("bce", "bpr", "top1")


def top1_loss(positive_scores: Tensor, negative_scores: Tensor) -> Tensor:
    """TOP1 (Hidasi et al., 2016, GRU4Rec): a ranking loss plus a penalty pushing negatives to 0.

    ``mean over b, j of sigmoid(n_bj - p_b) + sigmoid(n_bj ** 2)``,
    positive_scores [B], negative_scores [B, n] -> scalar.
    """
    margin = negative_scores - positive_scores.unsqueeze(1)
    return (torch.sigmoid(margin) + torch.sigmoid(negative_scores**2)).mean()


class SequentialRecommenderModel(RecommenderModel):
    """A model of task ``sequential``: scores the next item from a user's history in time order.

    **Sequences** are int64 tensors [B, W]: item ids, oldest first, right-padded with
    ``self.padding_index`` (= ``n_items``, one past the last item), with ``lengths`` [B] the
    number of real items in each row (0 for a user with no history). Right padding keeps a
    position's meaning fixed: position t is the (t+1)-th kept item whatever the batch, so
    the outputs of a causal model at real positions do not depend on how wide the batch is.
    ``W`` is the longest history in the batch, never more than ``max_length`` (plus one in
    training, see below): histories are cut to their most recent items.

    Call order, as the platform drives it (input kind ``"sequences"``):

    1. ``__init__(n_users, n_items, max_length, **hyperparameters)``; ``fit_matrix`` as for
       every model (the matrix carries no order, so sequential models rarely use it).
    2. ``training_step(batch)`` with ``{"users" [B], "sequences" [B, W], "lengths" [B]}``:
       each user's last ``max_length + 1`` training items, so that inputs
       ``sequences[:, :-1]`` have targets ``sequences[:, 1:]``; plus ``"negatives"``
       [B, W - 1, n] when ``training_negatives(hyperparameters)`` is n > 0 (uniform items the
       user has no training interaction with, one draw per target position).
    3. ``validation_step`` / ``test_step`` with ``{"users", "sequences", "lengths"}``: the
       last ``max_length`` items of what is masked as seen for that stage, in time order
       (training items for validation; training items and the validation item for test).
       They return ``score_sequences(users, sequences, lengths)`` [B, n_items]; the platform
       masks seen items, ranks and computes metrics.

    The provided ``training_step`` and ``score_sequences`` suit causal next-item models:
    implement ``encode(users, sequences [B, W]) -> [B, W, d]``, where position t sees only
    positions <= t, and ``item_logits(hidden [..., d], items=None)``. A model that reads the
    whole sequence at once (BERT4Rec) overrides both.
    """

    def __init__(self, n_users: int, n_items: int, max_length: int):
        super().__init__(n_users, n_items)
        self.max_length = max_length

    @property
    def padding_index(self) -> int:
        return self.n_items

    @classmethod
    def training_negatives(cls, hyperparameters: dict) -> int:
        """Negatives per target position the data module draws: ``num_negatives`` for a pairwise loss, else 0."""
        if hyperparameters.get("loss") in PAIRWISE_LOSSES:
            return int(hyperparameters.get("num_negatives", 1))
        return 0

    def encode(self, users: Tensor, sequences: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement encode(users, sequences) -> [B, W, d]")

    def item_logits(self, hidden: Tensor, items: Tensor | None = None) -> Tensor:
        """Scores of every item [..., n_items] from ``hidden`` [..., d], or of ``items`` [..., C] only."""
        raise NotImplementedError(f"{type(self).__name__} must implement item_logits(hidden, items=None)")

    def score_sequences(self, users: Tensor, sequences: Tensor, lengths: Tensor) -> Tensor:
        """Scores [B, n_items] of the item following each history; higher is better."""
        return self.item_logits(last_positions(self.encode(users, sequences), lengths))

    def score_sequence_candidates(self, users: Tensor, sequences: Tensor, lengths: Tensor, items: Tensor) -> Tensor:
        """Scores [B, C] of ``items`` [B, C]; by default gathered from ``score_sequences``."""
        return self.score_sequences(users, sequences, lengths).gather(1, items)

    def next_item_loss(self, hidden: Tensor, targets: Tensor, negatives: Tensor | None, loss: str) -> Tensor:
        """Loss of predicting ``targets`` [P] from ``hidden`` [P, d] (one row per real target position).

        ``"ce"``: softmax cross-entropy over the whole catalogue. ``"bce"`` (SASRec's
        original), ``"bpr"`` and ``"top1"``: the target against ``negatives`` [P, n].
        """
        if loss == "ce":
            return F.cross_entropy(self.item_logits(hidden), targets)
        if negatives is None:
            raise RecbenchError(f"loss '{loss}' compares each target with sampled negatives, and the batch has none; set num_negatives >= 1")
        positive = self.item_logits(hidden, targets.unsqueeze(1)).squeeze(1)
        negative = self.item_logits(hidden, negatives)
        return {"bce": bce_loss, "bpr": bpr_loss, "top1": top1_loss}[loss](positive, negative)

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        sequences = batch["sequences"]
        targets = sequences[:, 1:]
        real = targets != self.padding_index
        hidden = self.encode(batch["users"], sequences[:, :-1])
        negatives = batch["negatives"][real] if "negatives" in batch else None
        loss = self.next_item_loss(hidden[real], targets[real], negatives, self.hparams.loss)
        self.log_epoch_mean("train/loss", loss, int(real.sum()))
        return loss

    def validation_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        return self.score_sequences(batch["users"], batch["sequences"], batch["lengths"])

    def test_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        return self.score_sequences(batch["users"], batch["sequences"], batch["lengths"])

    def score_users(self, users: Tensor) -> Tensor:
        raise RecbenchError(
            f"{type(self).__name__} scores histories, not user ids: call score_sequences(users, sequences, lengths) "
            "with batches from recbench.training.SequenceDataModule"
        )

    def score_candidates(self, users: Tensor, items: Tensor) -> Tensor:
        return self.score_users(users)


def check_choice(model: str, field: str, value: str, choices: tuple[str, ...]) -> None:
    """Raise a RecbenchError naming ``field`` when ``value`` is not one of ``choices``."""
    if value not in choices:
        raise RecbenchError(f"{model}: {field}='{value}' is not supported; use one of {', '.join(choices)}")


def check_heads(model: str, embedding_dim: int, num_heads: int) -> None:
    """Attention splits each vector into ``num_heads`` equal parts; raise a RecbenchError naming both keys otherwise."""
    if embedding_dim % num_heads:
        raise RecbenchError(f"{model}: num_heads={num_heads} must divide embedding_dim={embedding_dim}; choose e.g. num_heads=1 or 2")


def dot_scores(hidden: Tensor, weight: Tensor, items: Tensor | None = None, bias: Tensor | None = None) -> Tensor:
    """Output layer of next-item models: ``hidden`` [..., d] against item vectors ``weight`` [n_items, d].

    Every item [..., n_items] when ``items`` is None, else only ``items`` [..., C]; ``bias`` [n_items] is added.
    """
    if items is None:
        scores = hidden @ weight.T
        return scores if bias is None else scores + bias
    scores = (hidden.unsqueeze(-2) * F.embedding(items, weight)).sum(-1)
    return scores if bias is None else scores + bias[items]


def last_positions(hidden: Tensor, lengths: Tensor) -> Tensor:
    """The vector [B, d] at each row's last real position of ``hidden`` [B, W, d] (position 0 for an empty row)."""
    index = (lengths - 1).clamp(min=0).to(hidden.device)
    return hidden[torch.arange(len(hidden), device=hidden.device), index]


def keep_last(sequences: Tensor, lengths: Tensor, length: int, padding_index: int) -> tuple[Tensor, Tensor]:
    """Right-padded ``sequences`` [B, W] cut to each row's last ``length`` items: ([B, min(W, length)], lengths)."""
    kept = lengths.clamp(max=length)
    width = min(sequences.shape[1], length)
    offsets = torch.arange(width, device=sequences.device)
    index = ((lengths - kept).unsqueeze(1) + offsets).clamp(max=sequences.shape[1] - 1)
    cut = sequences.gather(1, index)
    return torch.where(offsets < kept.unsqueeze(1), cut, torch.full_like(cut, padding_index)), kept
