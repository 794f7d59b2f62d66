# Amounts in Chinese pages are grouped by thousands, as on bank and insurance statements
# (300,000.00); Django's zh_Hans formats group nothing. Every other format is Django's.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
