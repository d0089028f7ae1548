"""Deep Interest Network (Zhou et al., 2018): attention over the user's earlier items, keyed by the candidate item."""
