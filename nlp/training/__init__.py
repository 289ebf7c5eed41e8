"""Training, evaluation and labelling tools for the classifier (not needed at inference time).

- `train.train()`: fits the per-label heads on the labelled set and writes `nlp/model/` (`chainwatch train`).
- `evaluate.evaluate()`: scores a model on the dev split (`chainwatch evaluate`).
- `labelled`: reads `nlp/data/labelled.jsonl`.
- `labelling/`: the scripts that pick candidates, merge readers' label files and measure their agreement.
"""
