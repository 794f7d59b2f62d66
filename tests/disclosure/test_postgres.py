"""On PostgreSQL the database itself refuses changes to what was published."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from disclosure.models import Kind
from disclosure.services import publication_publish_auto, publication_withdraw

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _publish():
    publication, _created = publication_publish_auto(
        kind=Kind.CLAIMS_STATISTICS,
        key="claims_statistics:2026Q1",
        title="2026年第一季度理赔统计",
        source="claims.statistics:2026Q1",
        content={"claims": 12},
        period="2026Q1",
        period_end=dt.date(2026, 3, 31),
        files=[("json", "claims.json", b'{"claims": 12}')],
    )
    return publication


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE disclosure_publication SET title = 'x' WHERE id = %s",
        "UPDATE disclosure_publication SET status = 'draft' WHERE id = %s",
        "DELETE FROM disclosure_publication WHERE id = %s",
        "UPDATE disclosure_attachment SET sha256 = 'x' WHERE publication_id = %s",
        "DELETE FROM disclosure_attachment WHERE publication_id = %s",
        "DELETE FROM disclosure_publicationevent WHERE publication_id = %s",
    ],
)
def test_published_rows_are_refused_by_the_database(sql):
    publication = _publish()
    with (
        pytest.raises(IntegrityError, match="refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [publication.pk])


def test_a_withdrawal_is_append_only_in_the_database(make_user):
    compliance = make_user("c", roles=("compliance_officer",), is_staff=True)
    publication = _publish()
    publication_withdraw(publication=publication, actor=compliance, reason="误发")
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE disclosure_withdrawal SET reason = 'x' WHERE publication_id = %s",
            [publication.pk],
        )
