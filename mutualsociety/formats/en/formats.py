# English pages: day month year, as the society's documents write it ("4 Dec 2026"), never
# the American 12/04/2026 that reads as 12 April; one format for short and long dates.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "j M"
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
