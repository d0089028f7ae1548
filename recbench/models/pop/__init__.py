"""Popularity: every user gets the items with the most training interactions."""
