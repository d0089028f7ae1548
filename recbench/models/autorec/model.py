"""AutoRec (Sedhain, Menon, Sanner and Xie, WWW 2015): autoencoders over partially observed rating vectors."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from recbench.errors import RecbenchError
from recbench.models.rating import RatingModel

OPTIMIZERS = ("adam", "lbfgs")


class AutoRec(RatingModel):
    """h(r) = V sigmoid(W r + b) + c over a row r of training ratings (0 where unrated).

    ``by`` says what a row is: "item" (I-AutoRec: an item's ratings from every user, [n_users])
    or "user" (U-AutoRec: a user's ratings of every item, [n_items]). The loss is the paper's
    objective, Σ over observed entries of (h(r) - r)² + (λ/2)(||W||² + ||V||²), estimated on a
    batch of rows: the squared error of the batch scaled to the whole matrix, so λ keeps the
    paper's meaning whatever the batch size. r̂(u, i) is entry u of h(r_i) (or i of h(r_u)),
    read from the training ratings: a row without training ratings reconstructs from zeros.

    The default fit is the paper's: L-BFGS on the whole matrix (``batch_size=0``), with
    ``lbfgs_iterations`` steps per epoch so validation and early stopping run in between;
    ``optimizer="adam"`` trains on mini-batches of rows instead.
    """

    by = "item"
    prediction_chunk_rows = 1024  # rows reconstructed at once when predicting; bounds memory

    def __init__(
        self,
        n_users: int,
        n_items: int,
        hidden_dim: int = 500,
        regularisation: float = 400.0,
        optimizer: str = "lbfgs",
        lr: float = 0.001,
        lbfgs_iterations: int = 10,
        batch_size: int = 0,
    ):
        super().__init__(n_users, n_items)
        if optimizer not in OPTIMIZERS:
            raise RecbenchError(f"{type(self).__name__}: optimizer='{optimizer}' is not supported; use one of {', '.join(OPTIMIZERS)}")
        self.save_hyperparameters()
        width = n_users if self.by == "item" else n_items
        self.encoder = nn.Linear(width, hidden_dim)
        self.decoder = nn.Linear(hidden_dim, width)
        self.register_buffer("observed_rows", torch.tensor(1.0))  # rows with training ratings, set by fit_matrix

    def fit_matrix(self, train: Tensor) -> None:
        super().fit_matrix(train)
        by_row = train if self.by == "user" else self.item_matrix()
        self.observed_rows.fill_(float(max(1, int((by_row.crow_indices().diff() > 0).sum()))))

    def forward(self, ratings: Tensor) -> Tensor:
        """Rows of ratings [B, width] -> reconstructions [B, width]."""
        return self.decoder(torch.sigmoid(self.encoder(ratings)))

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        ratings, observed = batch["ratings"], batch["observed"]
        if self.hparams.optimizer == "lbfgs" and len(ratings) < self.observed_rows:
            raise RecbenchError(
                f"{type(self).__name__}: L-BFGS needs the whole rating matrix in one batch, and a batch holds "
                f"{len(ratings)} of {int(self.observed_rows)} rows; set batch_size=0 (every row at once)"
            )
        squared_error = ((self(ratings) - ratings) * observed).pow(2).sum()
        weights = self.encoder.weight.pow(2).sum() + self.decoder.weight.pow(2).sum()
        # Per row of the matrix, so that summing over every batch of an epoch gives the paper's objective.
        loss = squared_error / len(ratings) + self.hparams.regularisation / 2 * weights / self.observed_rows
        self.log_epoch_mean("train/loss", loss, len(ratings))
        return loss

    def configure_optimizers(self):
        if self.hparams.optimizer == "lbfgs":  # the paper's full-batch quasi-Newton fit; one epoch = lbfgs_iterations steps
            # Ten curvature pairs, as scipy's L-BFGS-B keeps: torch's default of 100 holds 200 copies of the weights.
            return torch.optim.LBFGS(
                self.parameters(), lr=1.0, max_iter=self.hparams.lbfgs_iterations, history_size=10, line_search_fn="strong_wolfe"
            )
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)

    def predict(self, users: Tensor, items: Tensor) -> Tensor:
        rows, columns = (items, users) if self.by == "item" else (users, items)
        unique, inverse = torch.unique(rows, return_inverse=True)
        predictions = torch.empty(len(rows), device=self.device)
        for start in range(0, len(unique), self.prediction_chunk_rows):
            chunk = unique[start : start + self.prediction_chunk_rows]
            ratings, _ = self.training_matrix_rows(chunk, by=self.by)
            reconstructed = self(ratings.to(self.device))  # [C, width]
            wanted = (inverse >= start) & (inverse < start + len(chunk))
            predictions[wanted] = reconstructed[inverse[wanted] - start, columns[wanted]]
        return predictions


class ItemAutoRec(AutoRec):
    """I-AutoRec: one row per item, the ratings it received from every user."""

    by = "item"


class UserAutoRec(AutoRec):
    """U-AutoRec: one row per user, the ratings they gave every item."""

    by = "user"
