"""Stories across languages and sources: the rule that says two articles report the same event
(`linking`), and its measurement on labelled pairs (`evaluation`, data/story_pairs.jsonl).

A stage: it reads signals the runner hands it (embedding, entities, amounts, date), and imports
neither the encoder (nlp) nor the extractor (chainwatch.entities); chainwatch.runners.stories joins them.
"""
