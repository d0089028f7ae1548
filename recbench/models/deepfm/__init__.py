"""DeepFM (Guo et al., 2017): an FM and a perceptron sharing one embedding per field."""
