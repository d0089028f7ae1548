"""Mult-DAE: a denoising autoencoder over a user's interaction row with a multinomial likelihood (Liang et al., 2018)."""
