# A day and a month in Russian take the genitive month: "25 февраля", not "25 Февраль".
MONTH_DAY_FORMAT = "j E"
