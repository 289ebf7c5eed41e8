"""Hypothesis profiles for the fuzz targets: `make test` runs them with Hypothesis's default budget (100
examples per target); `make fuzz` loads the `fuzz` profile (`--hypothesis-profile=fuzz`, 20,000 each)."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz", max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
