"""Entities stage: the exchanges, tokens and projects, companies, regulators, people and
jurisdictions an article names, and the money amounts it quotes (docs/entities.md).

Public API:
- `gazetteer.load()` -> `Gazetteer` (entities with EN/ZH aliases, currencies, a version hash);
- `extract.extract(title, text)` -> `Mention`s with offsets; `extract.version()`;
- `amounts.find_amounts(text, gazetteer)`;
- `pipeline.extract_pending(database_url=None)` -> `ExtractSummary` (the classify run calls it);
- `evaluation.evaluate()` -> precision and recall per kind on the labelled set.
"""
