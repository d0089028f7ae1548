"""BERT4Rec: bidirectional Transformer trained by masked-item prediction (Sun et al., CIKM 2019)."""
