# ruff: noqa: RUF001, RUF003  (Cyrillic letters are the point of these tests)
"""Spellings of one name meet on one skeleton; different names do not."""

import pytest

from attendance.names import name_skeleton, names_match


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Иван Петров", "Ivan Petrov"),
        ("Иван Петров", "Petrov Ivan"),
        ("Иван Петров", "ivan petrov (iPhone)"),
        ("Иван Петров", "Ivan Petrov’s iPad"),
        ("Иван Петров", "Ivan Petrov Galaxy S21"),
        ("Иван Петров", "IVAN   PETROV"),
        ("Иван Петров", "Ivan Petrov - iPhone 13 Pro Max"),
        ("Иван Петров", "Ivan_Petrov"),
        ("Сергей Зайцев", "Sergey Zaitsev"),  # й→y, ц→ts
        ("Сергей Зайцев", "Sergei Zajcev"),  # й→i/j, ц→c
        ("Юлия Соловьёва", "Yuliya Solovyova"),  # ю→yu, ё→yo, ь dropped
        ("Юлия Соловьёва", "Julia Solovieva"),  # ю→ju
        ("Юлия Соловьёва", "Iuliia Soloveva"),  # ю→iu, ё→e
        ("Дмитрий Хрущёв", "Dmitry Khrushchev"),  # х→kh, щ→shch
        ("Дмитрий Хрущёв", "Dmitriy Hruschev"),  # х→h, щ→sch
        ("Ксения Цветкова", "Xenia Tsvetkova"),
        ("Мария Жукова", "Mariya Zhukova"),  # я→ya, ж→zh
        ("Мария Жукова", "Maria Zhukova"),
        ("Яна Ким", "Jana Kim"),  # я→ja
        ("Яна Ким", "Iana Kim"),  # я→ia
        ("Фёдор Ёлкин", "Fyodor Yolkin"),
        ("Фёдор Ёлкин", "Fedor Elkin"),
        ("Наталья Васильева", "Natalia Vasilyeva"),
        ("Ольга Подъячева", "Ol'ga Podyacheva"),  # ь and ъ dropped
        ("José Müller", "jose muller"),  # accents
        ("Anna-Maria O’Neil", "anna maria oneil"),  # punctuation
    ],
)
def test_spellings_of_one_name_match(first, second):
    assert names_match(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Иван Петров", "Ivan Petrova"),
        ("Иван Петров", "Ivan"),
        ("Мария Смирнова", "Марина Смирнова"),
        ("Anna Ivanova", "Anna Ivanov"),
        ("nick199", "nick19"),  # doubled letters fold, doubled digits do not
    ],
)
def test_different_names_do_not_match(first, second):
    assert not names_match(first, second)


@pytest.mark.parametrize("display_name", ["iPhone", "Galaxy S21", "+7 900 123-45-67", "", "   ", "(Android)"])
def test_a_display_name_with_no_name_in_it_matches_nothing(display_name):
    assert name_skeleton(display_name) == ""
    assert not names_match(display_name, display_name)


def test_the_skeleton_is_sorted_lower_case_latin():
    assert name_skeleton("Петров Иван (iPhone)") == "ivan petrov"
