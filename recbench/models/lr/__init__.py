"""Logistic regression over one-hot (and pooled multi-hot) categorical fields."""
