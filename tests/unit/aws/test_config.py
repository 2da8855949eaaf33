"""Handler-edge parsing of the functions' settings: a retention in days."""

from datetime import timedelta

import pytest

from olist_assets.aws.config import ConfigurationError, retention_days

NAME = "OLIST_MAINTENANCE_RETAIN_DAYS"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7", timedelta(days=7)), ("0.5", timedelta(hours=12)), ("0", timedelta(0))],
)
def test_a_retention_is_a_number_of_days_zero_or_more(text, expected) -> None:
    assert retention_days({NAME: text}, NAME) == expected


@pytest.mark.parametrize("text", ["-1", "a week", "nan", "inf", "7d"])
def test_a_retention_that_is_no_number_of_days_names_the_variable(text) -> None:
    with pytest.raises(ConfigurationError, match=f"{NAME} must be a number of days.*{text!r}"):
        retention_days({NAME: text}, NAME)
