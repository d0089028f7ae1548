"""Item-based k-nearest-neighbours with cosine similarity and shrinkage."""
