"""Biased matrix factorisation (FunkSVD): squared error with L2, trained on observed ratings."""
