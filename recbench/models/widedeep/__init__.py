"""Wide & Deep (Cheng et al., 2016): a linear model and a perceptron over field embeddings, trained jointly."""
