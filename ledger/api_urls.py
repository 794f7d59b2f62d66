from django.urls import path

from . import api

app_name = "ledger-api"

urlpatterns = [
    path("accounts/", api.AccountListApi.as_view(), name="accounts"),
    path("entries/", api.EntryListApi.as_view(), name="entries"),
    path("entries/<int:entry_id>/reverse/", api.EntryReverseApi.as_view(), name="entry-reverse"),
    path("trial-balance/", api.TrialBalanceApi.as_view(), name="trial-balance"),
    path("balance-sheet/", api.BalanceSheetApi.as_view(), name="balance-sheet"),
    path("income-statement/", api.IncomeStatementApi.as_view(), name="income-statement"),
]
