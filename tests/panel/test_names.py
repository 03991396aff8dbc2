"""The name normaliser of the independence check, by example and by property."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casereview.panel.names import TITLES, name_as_words, normalise_name, normalise_text, same_name

word = st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=12)
names = st.lists(word, min_size=1, max_size=4).map(" ".join)
separators = st.sampled_from([" ", "  ", "-", " - ", "\u2010", "\u2013", "\t", ".", ". "])


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Mary-Jane O'Brien", "mary jane obrien"),
        ("Dr  Mary-Jane O\u2019Brien", "MARY JANE O'BRIEN"),
        ("José Álvarez", "Jose Alvarez"),
        ("Mrs. Smith-Jones", "smith jones"),
        (" Ms\tAnn   Lee ", "ann lee"),
    ],
)
def test_same_name_ignores_case_titles_accents_spaces_and_hyphens(one, other):
    assert same_name(one, other)


@pytest.mark.parametrize(("one", "other"), [("Ann Lee", "Anne Lee"), ("Ann Lee", "Lee Ann"), ("", ""), ("Dr", "Mr")])
def test_different_or_empty_names_do_not_match(one, other):
    assert not same_name(one, other)


@given(names)
def test_normalising_twice_changes_nothing(name):
    assert normalise_name(normalise_name(name)) == normalise_name(name)


@given(names)
def test_case_does_not_matter(name):
    assert normalise_name(name.upper()) == normalise_name(name.lower()) == normalise_name(name)


@given(st.lists(word, min_size=1, max_size=4), separators)
def test_any_separator_between_the_parts_gives_the_same_name(parts, separator):
    assert normalise_name(separator.join(parts)) == normalise_name(" ".join(parts))


@given(names, st.sampled_from(sorted(TITLES)), st.sampled_from(["", "."]))
def test_a_title_in_front_does_not_matter(name, title, dot):
    assert normalise_name(f"{title.title()}{dot} {name}") == normalise_name(name)


@given(st.text(max_size=60))
def test_result_is_single_spaced_lower_case_without_hyphens(text):
    result = normalise_name(text)
    assert result == result.strip() and "  " not in result and "-" not in result
    assert result == result.casefold() or not result


marks = st.sampled_from([" ", ", ", " (", ") ", "; ", " / ", ": ", "\n", " - "])


@given(names, st.lists(word, max_size=3), st.lists(word, max_size=3), marks, marks)
def test_a_name_is_found_as_whole_words_in_free_text_whatever_marks_surround_it(name, before, after, left, right):
    text = " ".join(before) + left + name + right + " ".join(after)
    assert name_as_words(name) in normalise_text(text)


@pytest.mark.parametrize("text", ["Jane O'Neillson, HV", "JaneO'Neill"])
def test_a_longer_word_is_not_a_name_found_in_free_text(text):
    assert name_as_words("Jane O'Neill") not in normalise_text(text)
