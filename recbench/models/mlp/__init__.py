"""MLP: user and item embeddings concatenated and passed through a ReLU perceptron, trained with sampled binary cross-entropy (He et al., 2017)."""
