"""Bias baseline: global mean plus regularised user and item biases, in closed form."""
