"""Complaints set up through the services, the way members and staff make them."""

from __future__ import annotations

import itertools
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import ROLE_BY_SLUG
from support.models import Complaint
from support.services import (
    ComplaintData,
    complaint_acknowledge,
    complaint_file,
    complaint_resolve,
)
from tests.members.factories import PASSWORD

_n = itertools.count(1)


def staff_in(role: str, *, username: str | None = None, email: str = ""):
    user = get_user_model().objects.create_user(
        username=username or f"{role}-{next(_n)}",
        password=PASSWORD,
        is_staff=True,
        email=email,
    )
    user.groups.add(Group.objects.get(name=ROLE_BY_SLUG[role].group_name))
    return user


def handler_make(**kwargs):
    return staff_in("complaints_handler", **kwargs)


def key() -> str:
    return uuid.uuid4().hex


def file_for(member, *, category=Complaint.Category.SERVICE, **data) -> Complaint:
    data.setdefault("description", "The call centre did not call me back.")
    return complaint_file(
        member=member,
        data=ComplaintData(category=category, **data),
        submission_key=key(),
        actor=member.user,
    ).complaint


def file_anonymous(**data):
    data.setdefault("category", Complaint.Category.SERVICE)
    data.setdefault("description", "Nobody answered the phone.")
    data.setdefault("contact_name", "李四")
    data.setdefault("contact_email", "lisi@example.com")
    return complaint_file(data=ComplaintData(**data), submission_key=key())


def resolved(member, handler, *, outcome=Complaint.Status.UPHELD, today=None) -> Complaint:
    complaint = file_for(member)
    complaint_acknowledge(complaint=complaint, actor=handler)
    return complaint_resolve(
        complaint=complaint,
        outcome=outcome,
        answer="We apologise and will call you within a day.",
        actor=handler,
        today=today,
    )
