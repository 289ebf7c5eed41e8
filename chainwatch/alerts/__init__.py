"""Alerts stage: saved rules evaluated after every classify run, firing once per story into a
transactional outbox delivered by email, signed webhook and an Atom feed per rule (docs/alerts.md).

Public API:
- `manage.add_rule(RuleRow)`, `manage.test_rule(name, since)`; `rules.parse_amount`, `rules.parse_since`;
- `evaluate.evaluate_rules()` -> `EvaluationSummary`; `deliver.deliver_due()` -> `DeliverySummary`;
- `feed.rule_feed(name, self_url=...)` -> Atom bytes (the web app serves it); `feed.atom_feed(...)`.
"""
