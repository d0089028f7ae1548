"""iALS: implicit-feedback matrix factorisation by alternating least squares (Hu, Koren & Volinsky, 2008)."""
