"""PureSVD: a truncated singular value decomposition of the interaction matrix (Cremonesi et al., 2010)."""
