"""NeuMF for explicit ratings: NCF's fused GMF and MLP towers regressing the rating."""
