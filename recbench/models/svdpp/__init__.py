"""SVD++: biased matrix factorisation plus each user's implicit feedback (which items they rated)."""
