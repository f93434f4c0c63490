"""Building and measuring models: the corpus, augmentation, training, retraining on your rows,
metrics, evaluation on labeled files, triage for labeling, the datasheet and the model card.

Never imported by the detector: scoring needs none of this.
"""
