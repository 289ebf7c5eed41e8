"""Training, evaluation and labelling tools for the classifier (not needed at inference time).

- `train.train()`: fits the shipped design on the train split, scores the news-only test split and writes
  `nlp/model/` (`chainwatch train`).
- `evaluate.evaluate()`: scores a model on labelled items (`chainwatch evaluate`); `evaluate.cross_validate()`
  compares the model variants by repeated stratified cross-validation (`chainwatch evaluate --cv`).
- `design`: the variants (`Design`), fitting one (`fit_predictor`), and `SHIPPED`; `linear`: ridge heads and
  sigmoids; `crossval` / `folds`: the harness; `corpus` / `embedding_cache`: labelled items encoded once.
- `labelled`: reads `nlp/data/labelled.jsonl`.
- `labelling/`: the scripts that pick candidates, merge readers' label files and measure their agreement.
"""
