"""Configuration, read from the environment in this one place.

Nothing here holds a secret: passwords come in through DATABASE_URL / SMTP_* variables
(or an Airflow connection, see dags/), never from the repository.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def home() -> Path:
    """Local state (embedded database, converted model, caches). Not committed."""
    return Path(os.environ.get("CHAINWATCH_HOME", PROJECT_ROOT / ".chainwatch")).resolve()


def out_dir() -> Path:
    return Path(os.environ.get("CHAINWATCH_OUT", PROJECT_ROOT / "out")).resolve()


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "chainwatch@localhost"
    recipients: tuple[str, ...] = field(default_factory=tuple)
    starttls: bool = False


def smtp_settings() -> SmtpSettings | None:
    """SMTP delivery is optional: None unless SMTP_HOST is set."""
    host = os.environ.get("SMTP_HOST")
    if not host:
        return None
    return SmtpSettings(
        host=host,
        port=int(os.environ.get("SMTP_PORT", "25")),
        user=os.environ.get("SMTP_USER") or None,
        password=os.environ.get("SMTP_PASSWORD") or None,
        sender=os.environ.get("SMTP_FROM", "chainwatch@localhost"),
        recipients=tuple(r.strip() for r in os.environ.get("SMTP_TO", "").split(",") if r.strip()),
        starttls=os.environ.get("SMTP_STARTTLS", "0").lower() in {"1", "true", "yes"},
    )


def database_url_from_env() -> str | None:
    return os.environ.get("DATABASE_URL") or None
