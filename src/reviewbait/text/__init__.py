"""What the model reads in a text, in the order it reads it: the gate, normalization, cues, n-grams.

Logic only: the words each step looks for are in :mod:`reviewbait.lexicon`.
"""
