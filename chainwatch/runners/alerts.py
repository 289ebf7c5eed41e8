"""Alerts after a classify run: evaluate every rule, then deliver what is due. The classify DAG runs
this as its own task after `classify`; `chainwatch run` and `chainwatch alerts run` call it too."""

from __future__ import annotations

from dataclasses import dataclass

from chainwatch.alerts.deliver import DeliverySummary, deliver_due
from chainwatch.alerts.evaluate import EvaluationSummary, evaluate_rules
from chainwatch.config import SmtpSettings


@dataclass
class AlertsRun:
    evaluation: EvaluationSummary
    delivery: DeliverySummary

    def lines(self) -> list[str]:
        return [self.evaluation.line(), self.delivery.line()]


def run_alerts(
    *, database_url: str | None = None, rules: list[str] | None = None, smtp: SmtpSettings | None = None
) -> AlertsRun:
    evaluation = evaluate_rules(database_url=database_url, rules=rules)
    return AlertsRun(evaluation, deliver_due(database_url=database_url, smtp=smtp))
