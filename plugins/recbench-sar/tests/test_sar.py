"""recbench's conformance kit plus SAR's own arithmetic."""

import torch

from recbench.testing import ModelConformance
from recbench_sar.model import SAR
from recbench_sar.spec import SPEC


class TestSARConformance(ModelConformance):
    spec = SPEC


def test_jaccard_on_a_hand_computed_matrix():
    # users: 0 has items {0, 1}; 1 has {0, 1, 2}; 2 has {2}
    dense = torch.tensor([[1.0, 1, 0], [1, 1, 1], [0, 0, 1]])
    model = SAR(n_users=3, n_items=3)
    model.fit_matrix(dense.to_sparse_csr())
    # C_01 = 2, C_00 = 2, C_11 = 2 -> 2 / (2 + 2 - 2) = 1; C_02 = 1, C_22 = 2 -> 1 / (2 + 2 - 1)
    assert model.item_similarity[0, 1] == 1.0
    assert torch.isclose(model.item_similarity[0, 2], torch.tensor(1 / 3))
    scores = model.score_users(torch.tensor([2]))
    assert torch.allclose(scores, torch.tensor([[1 / 3, 1 / 3, 1.0]]))
