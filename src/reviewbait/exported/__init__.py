"""The model as plain arrays and JSON (no pickle): :mod:`.inference` scores it with NumPy,
:mod:`.export` writes it from a fitted model and rebuilds the scikit-learn pipeline from it.
"""
