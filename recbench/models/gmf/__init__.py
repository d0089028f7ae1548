"""GMF: generalised matrix factorisation with a learned output weight, trained with sampled binary cross-entropy (He et al., 2017)."""
