"""Two members with cover, payments (and their ledger entries), claims and beneficiaries,
so that every test can check that one member's data never shows in the other's."""

from __future__ import annotations

import pytest
from django.utils import translation

from members.services.beneficiaries import BeneficiaryData, designation_change
from tests.claims.factories import claim_make, covered_member
from tests.members.factories import (
    birth_date,
    consent_documents_make,
    pay,
    person_data,
    premium_plan_make,
    resident_id,
)


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English, the source language."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.CLAIM_DOCUMENTS_ROOT = tmp_path / "private"


def _seed(name: str, amount: str, beneficiary: str):
    member = covered_member(
        premium_plan_make(), person=person_data(legal_name=name, email=f"{amount}@example.com")
    )
    pay(member, amount)
    claim_make(member, description=f"{name} 的理赔 claim of {name}")
    designation_change(
        member=member,
        actor=member.user,
        beneficiaries=[
            BeneficiaryData(
                beneficiary, "child", "resident_id", resident_id(birth_date(12)), "100.00"
            )
        ],
        based_on=0,
    )
    member.refresh_from_db()
    return member


@pytest.fixture
def alice(db):
    consent_documents_make()
    return _seed("赵爱丽", "123.45", "赵小宝")


@pytest.fixture
def bob(db):
    consent_documents_make()
    return _seed("钱伯德", "678.90", "钱小贝")


@pytest.fixture
def officer(make_user):
    return make_user(
        "officer", roles=("compliance_officer",), is_staff=True, email="officer@example.com"
    )
