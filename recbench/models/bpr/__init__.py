"""Matrix factorisation trained with the Bayesian personalised ranking loss (Rendle et al., 2009)."""
