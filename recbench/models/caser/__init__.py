"""Caser: convolutional sequence embedding (Tang and Wang, WSDM 2018)."""
