"""CDAE: collaborative denoising autoencoder, a user's corrupted row plus a per-user vector through one hidden layer (Wu et al., 2016)."""
