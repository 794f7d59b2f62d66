"""The society's date and number formats, one per language (FORMAT_MODULE_PATH).

One date format everywhere a person reads a date: a short and a long date are the same
(zh-hans ``2026年12月4日``, en ``4 Dec 2026``), and a time is added in 24 hours. Amounts
are grouped by thousands with two decimals in both languages (``1,360.00 CNY``), through
the ``money`` and ``amount`` template filters (``mutualsociety.common.display``); rates
are shown as percentages (``8%``). Whatever is not set here is Django's.
"""
