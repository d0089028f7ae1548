"""ConvNCF: outer-product interaction map of user and item embeddings read by a stride-2 CNN, trained with BPR (He et al., 2018)."""
