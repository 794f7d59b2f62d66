"""ClaimEvent on the one event base (mutualsociety.common.events): the status columns are
renamed, not dropped (old_status → old_value, new_status → new_value; every row kept),
the type takes its typed choices, the table reads newest first and is indexed by claim
and time."""

from django.db import migrations, models

TYPES = [
    ("submitted", "Submitted"),
    ("under_review", "Under review"),
    ("info_requested", "Information requested"),
    ("info_provided", "Information provided"),
    ("assessed", "Assessed"),
    ("sent_back", "Returned for review"),
    ("first_approval", "First approval (a second person completes it)"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("appealed", "Appealed"),
    ("paid", "Paid"),
    ("withdrawn", "Withdrawn"),
    ("document", "Document added"),
    ("objection", "Objection"),
    ("panel_drawn", "Review panel drawn"),
    ("panel_to_staff", "No members left to draw; to claims staff"),
    ("panel_staff_decided", "Decided by claims staff for the panel"),
    ("panel_close_refused", "Review panel could not be closed"),
    ("cleared", "Public notice cleared"),
    ("overturned", "Overturned by the review panel"),
    ("appeal_dismissed", "Appeal dismissed by the review panel"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0002_panel_eligibility_frozen_staff_fallback"),
    ]

    operations = [
        migrations.RenameField(
            model_name="claimevent", old_name="old_status", new_name="old_value"
        ),
        migrations.RenameField(
            model_name="claimevent", old_name="new_status", new_name="new_value"
        ),
        migrations.AlterField(
            model_name="claimevent",
            name="old_value",
            field=models.CharField(blank=True, max_length=200, verbose_name="from"),
        ),
        migrations.AlterField(
            model_name="claimevent",
            name="new_value",
            field=models.CharField(blank=True, max_length=200, verbose_name="to"),
        ),
        migrations.AlterField(
            model_name="claimevent",
            name="type",
            field=models.CharField(choices=TYPES, max_length=32, verbose_name="event"),
        ),
        migrations.AlterModelOptions(
            name="claimevent",
            options={
                "get_latest_by": ["at", "id"],
                "ordering": ["-at", "-id"],
                "verbose_name": "claim event",
                "verbose_name_plural": "claim events",
            },
        ),
        migrations.AddIndex(
            model_name="claimevent",
            index=models.Index(fields=["claim", "at"], name="claims_event_claim_at"),
        ),
    ]
