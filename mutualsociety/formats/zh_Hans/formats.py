# Chinese pages: 2026年12月4日, short and long alike, times in 24 hours (Django's own).
DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
# Amounts in Chinese pages are grouped by thousands, as on bank and insurance statements
# (300,000.00); Django's zh_Hans formats group nothing. Every other format is Django's.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
