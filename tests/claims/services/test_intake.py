import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from claims.models import Claim, ClaimDocument, ClaimEvent, ClaimReserve
from claims.services.intake import Upload, claim_document_add, claim_submit
from mutualsociety.common.exceptions import InvalidInput, NotAllowed
from tests.claims.factories import JPEG, PDF, PNG, claim_data, claim_make, covered_member

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def nothing_saved(settings):
    assert Claim.objects.count() == 0
    assert ClaimDocument.objects.count() == 0
    root = settings.CLAIM_DOCUMENTS_ROOT
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_submit_records_claim_checks_documents_and_reserve(aid, settings):
    """A claim is numbered, its checks stored, its files kept under the private root."""
    member = covered_member(aid, age=35)
    claim = claim_make(
        member, documents=[Upload("a.pdf", PDF), Upload("b.png", PNG), Upload("c.jpg", JPEG)]
    )
    assert claim.number.startswith(f"C-{TODAY().year}-")
    assert claim.status == Claim.Status.SUBMITTED
    assert claim.benefit == Decimal("300000.00")
    assert claim.age_band == "30–39"
    checks = claim.checks
    assert checks["cover_in_force"] and checks["waiting_period_passed"]
    assert checks["no_duplicate"] and checks["within_reporting_deadline"]
    assert checks["remaining_limit"] == "300000.00"
    types = sorted(claim.documents.values_list("content_type", flat=True))
    assert types == ["application/pdf", "image/jpeg", "image/png"]
    for document in claim.documents.all():
        path = settings.CLAIM_DOCUMENTS_ROOT / document.path
        assert path.is_file()
        assert not str(path).startswith(str(settings.MEDIA_ROOT))
    assert ClaimEvent.objects.filter(claim=claim, type="submitted").exists()
    assert list(ClaimReserve.objects.filter(claim=claim).values_list("amount", flat=True)) == [
        Decimal("50000.00")
    ]


def test_checks_flag_waiting_period_duplicate_and_deadline(aid):
    """Illness inside the waiting period, a second claim for the same event and a late
    report are recorded for the handler, not refused."""
    member = covered_member(aid, days_ago=300)
    start = member.coverages.first().start_date
    first = claim_make(member, event_date=start + dt.timedelta(days=10))
    assert first.checks["waiting_period_passed"] is False
    assert first.checks["within_reporting_deadline"] is False
    second = claim_make(member, event_date=start + dt.timedelta(days=10))
    assert second.checks["duplicates"] == [first.number]
    accident = claim_make(member, kind="accident", event_date=start + dt.timedelta(days=5))
    assert accident.checks["waiting_period_passed"] is True
    assert accident.checks["accident_exempt"] is True


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"event_date": "future"}, "event_date"),
        ({"event_date": "before-cover"}, "event_date"),
        ({"amount_claimed": Decimal("300000.01")}, "amount_claimed"),
        ({"amount_claimed": "abc"}, "amount_claimed"),
        ({"amount_claimed": Decimal("10.001")}, "amount_claimed"),
        ({"kind": "theft"}, "kind"),
        ({"description": "short"}, "description"),
        ({"bank_account_number": "12ab"}, "bank_account_number"),
        ({"bank_account_name": ""}, "bank_account_name"),
    ],
)
def test_bad_input_refused_nothing_saved(aid, settings, overrides, field):
    member = covered_member(aid)
    if overrides.get("event_date") == "future":
        overrides["event_date"] = TODAY() + dt.timedelta(days=1)
    elif overrides.get("event_date") == "before-cover":
        overrides["event_date"] = member.coverages.first().start_date - dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as error:
        claim_submit(
            member=member,
            data=claim_data(member, **overrides),
            documents=[Upload("a.pdf", PDF)],
            actor=member.user,
        )
    assert field in error.value.fields
    nothing_saved(settings)


@pytest.mark.parametrize(
    "upload,message",
    [
        (Upload("report.pdf", b"MZ\x90\x00 not a pdf"), "not a PDF, JPEG or PNG"),
        (Upload("report.pdf", b""), "empty"),
        (Upload("big.pdf", b"%PDF-" + b"0" * 2000), "larger than the limit"),
    ],
)
def test_bad_documents_refused_by_content_and_size(aid, settings, upload, message):
    """The type is read from the content (a renamed executable is refused); the size
    limit is a setting; nothing of the claim is kept."""
    member = covered_member(aid)
    with pytest.raises(InvalidInput) as error:
        claim_make(member, documents=[Upload("ok.pdf", PDF), upload])
    assert message in error.value.message
    assert "documents" in error.value.fields
    nothing_saved(settings)


def test_claim_on_another_members_coverage_refused(aid, settings):
    mine = covered_member(aid)
    other = covered_member(aid)
    data = claim_data(mine, coverage=other.coverages.first().pk)
    with pytest.raises(NotAllowed) as error:
        claim_submit(member=mine, data=data, documents=[], actor=mine.user)
    assert "coverage" in error.value.fields
    nothing_saved(settings)


def test_files_removed_when_the_transaction_fails(aid, settings, monkeypatch):
    """A failure after the files were written leaves neither rows nor files."""
    member = covered_member(aid)
    import claims.services.intake as intake

    def boom(**kwargs):
        raise InvalidInput("boom")

    monkeypatch.setattr(intake, "reserve_set", boom)
    with pytest.raises(InvalidInput):
        claim_make(member)
    nothing_saved(settings)


def test_document_added_later_and_refused_once_decided(aid, handler, approver):
    member = covered_member(aid)
    claim = claim_make(member)
    claim_document_add(claim=claim, upload=Upload("more.png", PNG), actor=member.user)
    assert claim.documents.count() == 2
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.PAID)
    with pytest.raises(InvalidInput) as error:
        claim_document_add(claim=claim, upload=Upload("late.png", PNG), actor=member.user)
    assert "file" in error.value.fields
    assert claim.documents.count() == 2


class _Tracked:
    """An uploaded file that records how many bytes were read from it."""

    def __init__(self, name: str, data: bytes):
        import io

        self.name, self.size, self._io, self.read_bytes = name, len(data), io.BytesIO(data), 0

    def read(self, n: int = -1) -> bytes:
        data = self._io.read(n)
        self.read_bytes += len(data)
        return data

    def seek(self, pos: int) -> None:
        self._io.seek(pos)


def test_oversized_upload_refused_before_it_is_read(aid, settings):
    """Review finding 8: the size is checked on the declared size, before reading; the
    type is sniffed from the first bytes only; nothing is saved."""
    from claims.models import ClaimDocument
    from claims.services.intake import claim_document_add

    settings.CLAIM_DOCUMENT_MAX_BYTES = 1024
    member = covered_member(aid)
    claim = claim_make(member)
    big = _Tracked("big.pdf", b"%PDF-" + b"0" * 5000)
    with pytest.raises(InvalidInput) as error:
        claim_document_add(claim=claim, upload=Upload.of(big), actor=member.user)
    assert "file" in error.value.fields and "larger than the limit" in str(error.value)
    assert big.read_bytes == 0
    wrong = _Tracked("fake.pdf", b"MZ" + b"0" * 900)
    with pytest.raises(InvalidInput):
        claim_document_add(claim=claim, upload=Upload.of(wrong), actor=member.user)
    assert wrong.read_bytes <= 16
    assert ClaimDocument.objects.filter(claim=claim).count() == 1
    fine = _Tracked("fine.pdf", PDF)
    document = claim_document_add(claim=claim, upload=Upload.of(fine), actor=member.user)
    assert document.size == len(PDF)
