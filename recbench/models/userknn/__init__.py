"""User-based k-nearest-neighbours with cosine similarity and shrinkage."""
