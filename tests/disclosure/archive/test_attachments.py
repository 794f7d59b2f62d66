"""Files of publications: served only while their bytes give their published SHA-256,
with their name, type and no content sniffing; a changed file is refused with a 404 page
saying why, and the administrators are alerted."""

import hashlib
from urllib.parse import quote

import pytest
from django.core import mail
from django.urls import reverse

from disclosure.models import PublicationEvent
from disclosure.services import attachment_add, publication_discard
from tests.disclosure.archive.factories import manual_draft, solvency, withdrawn

pytestmark = pytest.mark.django_db

CSV = "指标,金额\n实际资本,1234567.80\n".encode()
PDF = b"%PDF-1.4\n% a tiny test file\n"


def _url(attachment) -> str:
    return reverse("disclosure:attachment", args=[attachment.publication_id, attachment.pk])


def test_a_file_is_served_with_its_name_type_and_nosniff(client):
    files = [("csv", "偿付能力 摘要.csv", CSV), ("pdf", "r.pdf", PDF)]
    publication = solvency(2026, 1, files=files)
    csv, pdf = publication.attachments.order_by("format")
    response = client.get(_url(csv))
    assert response.status_code == 200
    assert response.content == CSV
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(CSV))
    # RFC 5987: the Chinese name as UTF-8, percent-encoded
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert f"filename*=utf-8''{quote('偿付能力 摘要.csv')}" in disposition
    response = client.get(_url(pdf))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="r.pdf"'
    assert hashlib.sha256(response.content).hexdigest() == pdf.sha256


def test_a_withdrawn_versions_file_is_still_served(client, compliance2):
    publication = solvency(2026, 1, files=[("csv", "a.csv", CSV)])
    withdrawn(publication, compliance2, "Wrong regime.")
    assert client.get(_url(publication.attachments.get())).status_code == 200


def test_a_file_of_a_draft_or_another_publication_is_a_404(client, compliance):
    draft = manual_draft(compliance)
    draft_file = attachment_add(publication=draft, format="csv", filename="d.csv", data=CSV)
    assert client.get(_url(draft_file)).status_code == 404
    publication_discard(publication=draft, actor=compliance)
    assert client.get(_url(draft_file)).status_code == 404
    published = solvency(2026, 1, files=[("csv", "a.csv", CSV)])
    other = solvency(2026, 2)
    wrong = reverse("disclosure:attachment", args=[other.pk, published.attachments.get().pk])
    response = client.get(wrong)
    assert response.status_code == 404
    assert "This publication has no such file." in response.content.decode()


def test_a_changed_file_is_refused_and_the_administrators_are_alerted(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ADMINS = ["admin@example.org"]
    publication = solvency(2026, 1, files=[("csv", "figures.csv", CSV)])
    attachment = publication.attachments.get()
    with open(attachment.file.path, "wb") as handle:
        handle.write(b"tampered")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_url(attachment))
    assert response.status_code == 404
    html = response.content.decode()
    assert "it no longer matches the checksum published with it" in html
    assert "tampered" not in html
    assert 'class="subnav"' in html  # the disclosure layout
    assert len(mail.outbox) == 1 and "figures.csv" in mail.outbox[0].subject
    assert publication.events.filter(type=PublicationEvent.Type.CHECKSUM_MISMATCH).count() == 1


def test_a_missing_file_is_refused_the_same_way(client, django_capture_on_commit_callbacks):
    publication = solvency(2026, 1, files=[("csv", "figures.csv", CSV)])
    attachment = publication.attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_url(attachment))
    assert response.status_code == 404
    assert "no longer matches the checksum" in response.content.decode()
