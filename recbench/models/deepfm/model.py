"""DeepFM (Guo et al., 2017): FM and a perceptron over one shared embedding per field."""

from __future__ import annotations

from torch import Tensor

from recbench.models.ctr import pairwise_interactions
from recbench.models.widedeep.model import WideDeep


class DeepFM(WideDeep):
    """logit = FM(x) + MLP([v_1; ...; v_F]), the FM's vectors v_f feeding the perceptron too.

    Wide & Deep with the FM's pairwise term added: the linear part and the perceptron are
    Wide & Deep's (ReLU hidden layers ``hidden_sizes`` with ``dropout``, one output), and the
    pairwise term is ``recbench.models.fm``'s, over the same field vectors.
    """

    def interactions(self, vectors: Tensor) -> Tensor:
        return pairwise_interactions(vectors)
