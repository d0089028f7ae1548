"""AutoRec: an autoencoder reconstructs each item's (I-AutoRec) or user's (U-AutoRec) observed ratings."""
