"""DMF: deep matrix factorisation, user rows and item columns of the training matrix through MLP towers, cosine score (Xue et al., 2017)."""
