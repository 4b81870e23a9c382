"""Recommendations: what the user most likely wants to read, learned offline.

No Qt and no SQL here: :mod:`features` turns papers' text into TF-IDF vectors
(title + abstract, authors as their own block), :mod:`decisions` turns the
user's state (stars, queue, read, notes, dismiss, "not this") into weighted
positives and negatives, :mod:`model` fits a linear model on them and scores
papers, :mod:`explain` says why in a short true sentence, and :mod:`cache`
keeps the features on disk under the library folder (derived data, rebuilt
when stale).
"""
