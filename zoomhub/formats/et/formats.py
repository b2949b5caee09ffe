# Django's Estonian formats lack a date-and-time form, so the admin fell back to the American
# "dets. 4, 2026, 12:36 p.l."; Estonians write "4. detsember 2026, 12:36".
DATETIME_FORMAT = "j. F Y, G:i"
SHORT_DATETIME_FORMAT = "d.m.Y G:i"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
