"""Factorization machine (Rendle, 2010) over categorical fields."""
