"""EASE: a closed-form item-item linear autoencoder with a zero diagonal (Steck, 2019)."""
