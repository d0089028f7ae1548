"""RP3beta: item-item random walks of length three, re-ranked by popularity (Paudel et al., 2017)."""
