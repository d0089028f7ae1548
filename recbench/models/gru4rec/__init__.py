"""GRU4Rec: recurrent next-item recommendation (Hidasi et al., ICLR 2016)."""
