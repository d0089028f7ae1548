"""SASRec: self-attentive sequential recommendation (Kang and McAuley, ICDM 2018)."""
