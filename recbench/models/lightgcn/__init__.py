"""LightGCN: embeddings smoothed over the normalised user-item graph, trained with BPR (He et al., 2020)."""
