"""Mult-VAE: a variational autoencoder over a user's interaction row with a multinomial likelihood (Liang et al., 2018).

``model`` also holds the pieces Mult-DAE shares: the perceptron stacks and the
normalised, dropped-out input.
"""
