"""NeuMF: neural matrix factorisation, GMF and MLP towers fused under one output layer (He et al., 2017).

``towers`` holds the pieces GMF and MLP share with NeuMF: the two towers, the binary
cross-entropy training step and the scoring of all items in bounded chunks.
"""
