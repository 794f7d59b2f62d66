"""Bulk import of members from CSV: members.services.imports and ``import_members``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone, translation

from ledger.models import JournalEntry
from members import rules
from members.calculations import member_number
from members.models import ContributionDue, Coverage, Member, MemberEvent
from members.services import imports
from members.services.imports import COLUMNS, members_import
from mutualsociety.common.exceptions import InvalidInput
from tests.members.factories import (
    birth_date,
    enrol,
    member_make,
    mutual_aid_plan_make,
    premium_plan_make,
    resident_id,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def row(plan: str = "", *, age: int = 30, sex: str = "F", **overrides) -> dict[str, str]:
    """A valid row for a person of ``age`` whose cover started a year ago."""
    today = timezone.localdate()
    born = overrides.pop("born", None) or birth_date(age)
    values = {
        "member_number": "",
        "legal_name": "王芳",
        "id_type": "resident_id",
        "id_number": resident_id(born, sex=sex),
        "date_of_birth": born.isoformat(),
        "sex": sex,
        "phone": "13912345678",
        "email": "wang@example.com",
        "region": "11",
        "address": "北京市",
        "plan": plan,
        "payment_frequency": "monthly",
        "coverage_start": (today - dt.timedelta(days=365)).isoformat(),
        "joined_on": "",
    }
    values.update(overrides)
    return values


def csv_text(rows: list[dict[str, str]], columns=COLUMNS) -> io.StringIO:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for values in rows:
        writer.writerow([values.get(c, "") for c in columns])
    out.seek(0)
    return out


def run(rows, *, columns=COLUMNS, **kwargs):
    return members_import(file=csv_text(rows, columns), **kwargs)


@pytest.fixture
def plan():
    return premium_plan_make(code="life")


def test_a_valid_file_imports_every_member_with_cover_and_no_billing(plan, admin_user):
    """Members are active, without a login, numbered, covered under the version in force
    at the band of their age at the start; nothing is billed and no money is posted."""
    rows = [row("life", age=30), row("life", age=50, payment_frequency="annual")]

    report = run(rows, actor=admin_user)

    assert (report.total, report.valid, report.imported, report.errors) == (2, 2, 2, [])
    members = list(Member.objects.order_by("member_number"))
    assert [m.status for m in members] == ["active", "active"]
    assert all(m.user_id is None for m in members)
    year = timezone.localdate().year
    assert [m.member_number for m in members] == [member_number(year, 1), member_number(year, 2)]
    assert members[0].joined_on == dt.date.fromisoformat(rows[0]["coverage_start"])
    young, old = (Coverage.objects.get(member__id_number=r["id_number"]) for r in rows)
    assert (young.sum_assured, young.premium, young.payment_frequency) == (
        Decimal("100000.00"),
        Decimal("30.00"),
        "monthly",
    )
    assert (old.sum_assured, old.premium) == (Decimal("50000.00"), Decimal("680.00"))
    assert young.plan_version == plan and young.status == Coverage.Status.IN_FORCE
    assert young.waiting_period_end == young.start_date + dt.timedelta(days=90)
    assert ContributionDue.objects.count() == 0
    assert JournalEntry.objects.count() == 0
    events = MemberEvent.objects.filter(type=MemberEvent.Type.IMPORTED)
    assert events.count() == 2
    assert {e.actor for e in events} == {admin_user}
    assert sorted(e.data["line"] for e in events) == [2, 3]


def test_premiums_are_billed_from_the_first_period_after_the_import_date(plan):
    """What fell due up to the import date was the old system's: next_due_date is the
    first period start after today, or the start itself for cover that starts later."""
    today = timezone.localdate()
    started = today - dt.timedelta(days=45)
    later = today + dt.timedelta(days=10)
    rows = [
        row("life", coverage_start=started.isoformat()),
        row("life", coverage_start=later.isoformat(), payment_frequency="quarterly"),
        row("life", coverage_start=today.isoformat()),
    ]

    assert run(rows).imported == 3

    running, future, from_today = (
        Coverage.objects.get(member__id_number=r["id_number"]) for r in rows
    )
    assert today < running.next_due_date <= today + dt.timedelta(days=31)
    assert running.next_due_date.day == started.day or running.next_due_date.day >= 28
    assert running.term_end >= today
    assert future.next_due_date == later
    assert from_today.next_due_date > today
    assert from_today.term_end > today


def test_mutual_aid_members_have_no_premium_and_no_frequency():
    mutual_aid_plan_make(code="aid")

    report = run([row("aid", payment_frequency="")])

    assert report.imported == 1
    coverage = Coverage.objects.get()
    assert (coverage.premium, coverage.payment_frequency, coverage.next_due_date) == (
        None,
        "",
        None,
    )
    assert coverage.term_end is None
    assert coverage.sum_assured == Decimal("300000.00")


def test_a_file_with_errors_imports_nothing_and_reports_each_line_and_reason(plan):
    """Nothing is imported from a file with errors; each bad row is named with its line
    number, its column and why."""
    good = row("life")
    bad_check = row("life")
    bad_check["id_number"] = bad_check["id_number"][:17] + (
        "0" if bad_check["id_number"][17] != "0" else "1"
    )
    bad_date = row("life", coverage_start="2024/01/01")
    unknown_plan = row("nope")
    bad_phone = row("life", phone="12345")

    report = run([good, bad_check, bad_date, unknown_plan, bad_phone])

    assert Member.objects.count() == 0
    assert (report.total, report.valid, report.imported, report.refused) == (5, 1, 0, 4)
    by_line = {(line, column) for line, column, _message in report.errors}
    assert by_line == {
        (3, "id_number"),
        (4, "coverage_start"),
        (5, "plan"),
        (6, "phone"),
    }
    messages = {(line, column): message for line, column, message in report.errors}
    assert "last character should be" in messages[(3, "id_number")]
    assert "YYYY-MM-DD" in messages[(4, "coverage_start")]
    assert "nope" in messages[(5, "plan")]


def test_only_valid_imports_the_valid_rows_and_reports_the_others(plan):
    rows = [row("life"), row("life", sex="X"), row("life")]

    report = run(rows, only_valid=True)

    assert (report.total, report.valid, report.imported) == (3, 2, 2)
    assert {line for line, _c, _m in report.errors} == {3}
    assert set(Member.objects.values_list("id_number", flat=True)) == {
        rows[0]["id_number"],
        rows[2]["id_number"],
    }


def test_an_identity_number_twice_in_the_file_refuses_every_line_it_is_on(plan):
    """Which of two rows for the same person is right is the operator's call."""
    first = row("life")
    rows = [first, row("life"), dict(first, legal_name="王芳芳"), dict(first)]

    report = run(rows, only_valid=True)

    assert report.imported == 1
    refused = {(line, column) for line, column, _m in report.errors}
    assert refused == {(2, "id_number"), (4, "id_number"), (5, "id_number")}
    messages = [m for line, _c, m in report.errors if line == 2]
    assert messages == ["The same identity number is on line 4."]


def test_an_identity_number_of_an_existing_member_or_applicant_is_refused(plan):
    member = member_make(plan)
    applicant = enrol(plan, yes=("refer",)).member
    mine = row("life", born=member.date_of_birth, id_number=member.id_number, sex=member.sex)
    theirs = row(
        "life", born=applicant.date_of_birth, id_number=applicant.id_number, sex=applicant.sex
    )

    report = run([mine, theirs, row("life")])

    assert report.imported == 0
    assert [(line, column) for line, column, _m in report.errors] == [
        (2, "id_number"),
        (3, "id_number"),
    ]
    assert member.member_number in report.errors[0][2]
    assert "application" in report.errors[1][2]


def test_the_database_is_checked_batch_by_batch(plan, monkeypatch):
    """Duplicates across batches and existing members in a later batch are all found."""
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    existing = member_make(plan)
    rows = [row("life") for _ in range(5)]
    rows.append(dict(rows[0]))
    rows.append(
        row("life", born=existing.date_of_birth, id_number=existing.id_number, sex=existing.sex)
    )

    report = run(rows, only_valid=True)

    assert [line for line, _c, _m in report.errors] == [2, 7, 8]
    assert report.imported == 4
    assert Member.objects.count() == 5


def test_old_member_numbers_are_kept_and_our_own_move_the_sequence_on(plan):
    """A number from the old system is kept; one in this platform's form makes later
    numbers of its year start after it, so they never collide."""
    year = timezone.localdate().year
    own = member_number(year, 41)
    rows = [row("life", member_number="XHB-000123"), row("life", member_number=own), row("life")]

    report = run(rows)

    assert report.imported == 3
    numbers = set(Member.objects.values_list("member_number", flat=True))
    assert numbers == {"XHB-000123", own, member_number(year, 42)}
    later = member_make(plan)
    assert later.member_number == member_number(year, 43)


def test_member_numbers_are_checked(plan):
    year = timezone.localdate().year
    good = member_number(year, 7)
    wrong_digit = good[:-1] + str((int(good[-1]) + 1) % 10)
    taken = member_make(plan).member_number
    rows = [
        row("life", member_number=wrong_digit),
        row("life", member_number="has spaces"),
        row("life", member_number="OLD-1"),
        row("life", member_number="OLD-1"),
        row("life", member_number=taken),
    ]

    report = run(rows)

    assert [(line, column) for line, column, _m in report.errors] == [
        (2, "member_number"),
        (3, "member_number"),
        (4, "member_number"),
        (5, "member_number"),
        (6, "member_number"),
    ]
    assert f"should be {good[-1]}" in report.errors[0][2]
    assert taken in report.errors[4][2]


def test_the_age_at_the_start_of_cover_must_be_within_the_entry_ages(plan):
    """The entry age is judged when the cover started, not today: a member of 70 who
    joined at 60 is imported; one who started at 16 is not."""
    today = timezone.localdate()
    seventy = row("life", age=70, coverage_start=(today.replace(year=today.year - 10)).isoformat())
    teen = row("life", age=17, coverage_start=(today - dt.timedelta(days=400)).isoformat())

    report = run([seventy, teen], only_valid=True)

    assert report.imported == 1
    assert [(line, column) for line, column, _m in report.errors] == [(3, "date_of_birth")]
    assert "aged 18 to 65" in report.errors[0][2]


def test_premium_plans_need_a_payment_frequency_and_dates_must_make_sense(plan):
    today = timezone.localdate()
    rows = [
        row("life", payment_frequency=""),
        row("life", joined_on=(today + dt.timedelta(days=1)).isoformat()),
        row("life", age=30, coverage_start="1980-01-01"),
        row("life", date_of_birth="1990-02-30"),
    ]

    report = run(rows)

    columns = {(line, column) for line, column, _m in report.errors}
    assert (2, "payment_frequency") in columns
    assert (3, "joined_on") in columns
    assert (4, "coverage_start") in columns
    assert (5, "date_of_birth") in columns
    assert Member.objects.count() == 0


def test_the_plan_for_the_whole_file_serves_rows_without_one(plan):
    mutual_aid_plan_make(code="aid")
    columns = [c for c in COLUMNS if c != "plan"]

    report = run([row(), row()], columns=columns, plan_code="life")
    assert report.imported == 2
    report = run([row("aid", payment_frequency="")], plan_code="life")
    assert report.imported == 1
    assert Coverage.objects.filter(plan__code="aid").count() == 1

    report = run([row()], columns=columns)
    assert [(line, column) for line, column, _m in report.errors] == [(2, "plan")]


def test_a_plan_without_published_terms_is_refused():
    premium_plan_make(code="draft", publish=False)

    report = run([row("draft")])

    assert [(line, column) for line, column, _m in report.errors] == [(2, "plan")]
    assert "no published terms" in report.errors[0][2]


def test_a_bad_header_refuses_the_whole_file_even_for_only_valid(plan):
    columns = [c for c in COLUMNS if c != "phone"] + ["phon"]

    report = run([row("life")], columns=columns, only_valid=True)

    assert report.imported == 0 and report.valid == 0
    assert {(line, column) for line, column, _m in report.errors} == {(1, "phon"), (1, "phone")}


def test_an_empty_file_is_reported():
    report = members_import(file=io.StringIO(""))
    assert report.errors == [(1, "file", "The file is empty; it needs a header row.")]


def test_a_row_with_the_wrong_number_of_cells_is_refused_and_lines_count_physical_lines(plan):
    """A quoted cell may span lines: the line number is where the row begins."""
    good = row("life")
    text = csv_text([good, row("life", address="第一行\n第二行"), good]).getvalue()
    text += "only,three,cells\n\n"
    text += csv_text([row("life", sex="?")]).getvalue().split("\n", 1)[1]

    report = members_import(file=io.StringIO(text), only_valid=True)

    assert sorted({(line, column) for line, column, _m in report.errors}) == [
        (2, "id_number"),
        (5, "id_number"),
        (6, "file"),
        (8, "sex"),
    ]
    assert report.total == 5
    assert report.imported == 1
    assert Member.objects.get().address == "第一行\n第二行"


def test_a_dry_run_validates_and_writes_nothing(plan):
    report = run([row("life"), row("life")], dry_run=True)

    assert (report.total, report.valid, report.imported, report.dry_run) == (2, 2, 0, True)
    assert Member.objects.count() == 0


def test_values_are_normalised_like_enrolment(plan):
    """Spaces around values, a lower-case x, a phone with dashes: stored as enrolment
    stores them."""
    born = birth_date(40)
    number = resident_id(born, sex="M")
    while not number.endswith("X"):
        number = resident_id(born, sex="M")
    values = row(
        "life",
        born=born,
        sex="m",
        id_number=f" {number.lower()} ",
        phone="139-1234-5678",
        legal_name="  赵六 ",
    )

    assert run([values]).imported == 1

    member = Member.objects.get()
    assert (member.id_number, member.sex, member.phone, member.legal_name) == (
        number,
        "M",
        "13912345678",
        "赵六",
    )


# --- The management command ---


def write_csv(tmp_path, rows) -> str:
    path = tmp_path / "members.csv"
    path.write_text(csv_text(rows).getvalue(), encoding="utf-8-sig")
    return str(path)


def test_the_command_imports_a_clean_file_and_exits_0(plan, tmp_path):
    out = io.StringIO()

    call_command("import_members", write_csv(tmp_path, [row("life"), row("life")]), stdout=out)

    assert Member.objects.count() == 2
    assert "2 rows read, 2 valid, 2 imported" in out.getvalue()


def test_the_command_reports_refused_rows_and_exits_1(plan, tmp_path):
    path = write_csv(tmp_path, [row("life"), row("life", phone="1")])
    out = io.StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("import_members", path, stdout=out)

    assert refused.value.returncode == 1
    assert Member.objects.count() == 0
    assert "line 3: phone: " in out.getvalue()
    assert "nothing was imported" in str(refused.value)

    with pytest.raises(CommandError) as refused:
        call_command("import_members", path, "--only-valid", stdout=io.StringIO())
    assert refused.value.returncode == 1
    assert Member.objects.count() == 1


def test_the_command_dry_run_writes_nothing(plan, tmp_path):
    out = io.StringIO()

    call_command("import_members", write_csv(tmp_path, [row("life")]), "--dry-run", stdout=out)

    assert Member.objects.count() == 0
    assert "dry run" in out.getvalue()


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("import_members", str(tmp_path / "nope.csv"), stdout=io.StringIO())
    assert refused.value.returncode == 1


def test_text_is_stored_exactly_whatever_it_contains(plan):
    """Tabs, backslashes, quotes and line breaks survive the write (PostgreSQL's COPY
    format escapes them)."""
    address = 'Room 3\t"East"\\Wing\nLine two\r\nEnd \\N'
    values = row("life", legal_name="O'Brien \\ 王", address=address)

    assert run([values]).imported == 1

    member = Member.objects.get()
    assert member.address == address.strip()
    assert member.legal_name == "O'Brien \\ 王"
    assert member.events.get().data["coverage_start"] == values["coverage_start"]


def test_the_writes_are_set_based(plan, django_assert_num_queries):
    """Importing 40 rows takes as many queries as importing 4."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run([row("life")])  # the first import of the year creates its number sequence
    with CaptureQueriesContext(connection) as few:
        run([row("life") for _ in range(4)])
    with django_assert_num_queries(len(few.captured_queries)):
        run([row("life") for _ in range(40)])
    assert Member.objects.count() == 45


def test_a_write_the_database_refuses_imports_nothing(plan, monkeypatch):
    """Someone enrolled one of the people between the check and the write: the import
    is one transaction, so nothing of it stays."""
    existing = member_make(plan)
    monkeypatch.setattr(imports._Validator, "check_database", _skip_database_check)
    rows = [
        row("life"),
        row("life", born=existing.date_of_birth, id_number=existing.id_number, sex=existing.sex),
    ]

    with pytest.raises(InvalidInput) as refused:
        run(rows)

    assert "nothing was imported" in refused.value.message
    assert Member.objects.count() == 1


def _skip_database_check(self):
    rows, self.pending = self.pending, []
    return rows


def test_the_command_records_the_actor(plan, tmp_path, admin_user):
    call_command(
        "import_members",
        write_csv(tmp_path, [row("life")]),
        "--actor",
        "admin",
        stdout=io.StringIO(),
    )
    assert MemberEvent.objects.get(type=MemberEvent.Type.IMPORTED).actor == admin_user


def _mixed_rows() -> list[dict[str, str]]:
    """Valid rows and rows with every kind of problem the checks know."""
    today = timezone.localdate()
    valid = row("life", email="a.b+c@mail.example.com")
    twice = row("life", age=41)
    wrong_check = row("life", age=33)
    wrong_check["id_number"] = wrong_check["id_number"][:17] + (
        "0" if wrong_check["id_number"][17] != "0" else "1"
    )
    return [
        valid,
        row("life", age=25, sex="M", member_number="OLD-1", joined_on="2020-01-01"),
        row("life", age=26, id_number=" " + resident_id(birth_date(26)).lower() + " "),
        row("life", age=27, phone="139-1234 5678"),
        row("life", age=28, email="用户@例子.广告"),
        row("life", age=29, email="not-an-email"),
        row("life", age=30, email="x" * 250 + "@example.com"),
        wrong_check,
        row("life", age=34, date_of_birth="1990-01-01"),
        row("life", age=35, sex="M", id_number=resident_id(birth_date(35), sex="F")),
        row("life", age=36, date_of_birth="1990/01/01"),
        row("life", age=37, coverage_start="20240101"),
        row("life", age=38, joined_on=(today + dt.timedelta(days=3)).isoformat()),
        row("life", age=39, joined_on="1900-01-01"),
        row("life", age=40, legal_name=""),
        row("life", age=42, legal_name="名" * 101),
        row("life", age=43, address="址" * 301),
        row("life", age=44, region="99"),
        row("life", age=45, sex="X"),
        row("life", age=46, id_type="passport", id_number="E1234567"),
        row("life", age=47, id_type="passport", id_number=resident_id(birth_date(47))),
        row("life", age=48, id_type="nonsense"),
        row("life", age=49, payment_frequency="weekly"),
        row("life", age=50, payment_frequency=""),
        row("nope", age=51),
        row("", age=52),
        row("life", age=99),
        row("life", age=53, coverage_start=(today + dt.timedelta(days=30)).isoformat()),
        row("life", age=54, member_number="bad number!"),
        row("life", age=55, member_number=member_number(2020, 7)[:-1] + "0"),
        row("life", age=56, member_number=member_number(2020, 8)),
        row("life", age=57, member_number="OLD-1"),
        twice,
        dict(twice),
        row("life", age=58, phone="12345"),
        row("life", age=59, legal_name="王\t芳\\n", address="第一行\n第二行"),
    ]


@pytest.mark.parametrize("only_valid", [False, True])
def test_the_fast_path_and_the_full_check_agree(plan, monkeypatch, only_valid):
    """Rows the fast path accepts are accepted by the full check with the same values;
    the rest go to the full check, so the report and the rows written are the same
    (and the same whether written by COPY or bulk_create)."""

    rows = _mixed_rows()  # identity numbers are random: the same rows for both runs

    class PlainWriter(imports._Writer):
        def __init__(self, cursor) -> None:
            super().__init__(cursor)
            self.copy = False  # bulk_create, with the typed values

    def outcome(fast: bool):
        monkeypatch.setattr(imports, "FAST_PATH", fast)
        # The full check writes with bulk_create: on PostgreSQL this also compares the
        # COPY text formatted directly with the typed values.
        monkeypatch.setattr(imports, "_Writer", imports._Writer if fast else PlainWriter)
        # Undone after reading, for the other run: events cannot be deleted.
        with transaction.atomic():
            report, members, coverages, events = _run_and_read(rows, only_valid)
            transaction.set_rollback(True)
        # New numbers come from the sequence, which the first run moved on.
        new = f"M-{timezone.localdate().year}-"
        members = [("new" if m[0].startswith(new) else m[0], *m[1:]) for m in members]
        return report, members, coverages, events

    def _run_and_read(rows, only_valid):
        report = run(rows, only_valid=only_valid)
        members = list(
            Member.objects.order_by("id_number").values_list(
                "member_number", "legal_name", "id_type", "id_number", "date_of_birth",
                "sex", "phone", "email", "region", "address", "joined_on", "status",
            )
        )  # fmt: skip
        coverages = list(
            Coverage.objects.order_by("member__id_number").values_list(
                "plan_version_id", "start_date", "waiting_period_end", "term_end",
                "sum_assured", "premium", "payment_frequency", "next_due_date",
            )
        )  # fmt: skip
        events = sorted(
            MemberEvent.objects.filter(type=MemberEvent.Type.IMPORTED).values_list(
                "new_value", "data"
            ),
            key=lambda e: e[1]["line"],
        )
        return report, members, coverages, events

    fast_report, *fast_rows = outcome(True)
    full_report, *full_rows = outcome(False)
    assert sorted(set(fast_report.errors) ^ set(full_report.errors)) == []
    assert fast_report == full_report
    assert fast_rows == full_rows
    assert fast_report.errors and fast_report.valid >= 4
    assert bool(fast_rows[0]) is only_valid


def test_the_fast_path_takes_only_emails_the_validator_takes():
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    samples = [
        "a@b.cn", "a.b@c.d.cn", "a..b@c.cn", ".a@c.cn", "a.@c.cn", "a@-c.cn", "a@c-.cn",
        "a@c.c", "a@c.c1", "a@c", "a_b+c-d@x-y.example.com", "a@" + "b" * 64 + ".cn",
        "a@" + "b" * 63 + ".cn", "a b@c.cn", "a@c.cn.", "a@[127.0.0.1]", '"a"@c.cn',
    ]  # fmt: skip
    taken = [email for email in samples if rules.PLAIN_EMAIL_RE.fullmatch(email)]
    for email in taken:
        validate_email(email)  # raises if the fast path took too much
    # ... and it does take the ordinary addresses (else it would be a path never taken).
    assert {"a@b.cn", "a.b@c.d.cn", "a_b+c-d@x-y.example.com"} <= set(taken)
    # What it leaves to the full check includes what the validator refuses.
    refused = []
    for email in set(samples) - set(taken):
        try:
            validate_email(email)
        except ValidationError:
            refused.append(email)
    assert {"a..b@c.cn", "a b@c.cn", "a@c"} <= set(refused)


def test_the_fast_path_takes_the_ordinary_row_and_leaves_the_rest(plan):
    """The fast path is a path taken: an ordinary valid row passes it with the values the
    full check gives it; a row it is unsure of (here a phone typed with spaces) is left
    to the full check, which accepts it normalised."""
    from members.services.imports.checking import Validator
    from members.services.imports.rows import Plans

    today = timezone.localdate()

    def validator():
        return Validator(plan_code="", plans=Plans(today), today=today)

    ordinary = row("life")
    fast = validator().fast(2, dict(ordinary))
    full = validator().check(2, dict(ordinary))
    assert fast is not None
    assert fast == full

    spaced = row("life", phone="139 1234 5678")
    assert validator().fast(2, dict(spaced)) is None
    checked = validator().check(2, dict(spaced))
    assert checked is not None
    assert checked.person.phone == "13912345678"
