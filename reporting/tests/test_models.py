from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reporting.models import Indicator
from reporting.tests.factories import IndicatorFactory, QuarterlyReportFactory, TargetFactory

pytestmark = pytest.mark.django_db


def test_one_yearly_target_per_indicator_and_year() -> None:
    target = TargetFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetFactory(indicator=target.indicator, year=target.year)
    TargetFactory(indicator=target.indicator, year=target.year, quarter=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetFactory(indicator=target.indicator, year=target.year, quarter=1)


def test_a_quarter_is_one_to_four() -> None:
    target = TargetFactory()
    target.quarter = 5
    with pytest.raises(ValidationError):
        target.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_a_share_target_cannot_exceed_100_percent() -> None:
    target = TargetFactory.build(indicator=IndicatorFactory(unit=Indicator.Unit.PERCENT), target_value=Decimal("120"))
    with pytest.raises(ValidationError) as excinfo:
        target.full_clean()
    assert "target_value" in excinfo.value.message_dict


def test_only_one_report_version_per_quarter_is_current() -> None:
    QuarterlyReportFactory(year=2026, quarter=2, is_current=True)
    QuarterlyReportFactory(year=2026, quarter=2, is_current=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyReportFactory(year=2026, quarter=2, is_current=True)
