"""The classify stage: labels news items against the taxonomy (risk categories, policy themes).

Public surface: `classifier.load_classifier()` -> an object with `.version` and
`.predict(list[ClassifierInput]) -> list[ClassifierOutput]`, and `files.classify_file()` for JSONL.
Inference only: training, evaluation and the labelling tools live in `nlp.training`.
"""
