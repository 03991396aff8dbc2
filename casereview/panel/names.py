"""Comparing people's names as the independence check does: case, titles, accents, spaces and hyphens aside.
Pure Python, no Django."""

import re
import unicodedata

TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lady", "lord", "rev", "revd"}
)
# Hyphens and dashes of every kind, and the other marks that join or separate parts of a name.
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u00ad_.,;:]+")
APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`]")
# Letters whose upper and lower case fold apart: the dotless i is upper-cased to I.
FOLD_TOO = str.maketrans({"\u0131": "i"})


def _fold(text: str) -> str:
    """Case folded, compatibility forms and accents removed; repeated, because a fold can expose another."""
    if text.isascii():  # most text: nothing to decompose, and casefold is lower for ASCII
        return text.lower()
    for _ in range(3):
        folded = unicodedata.normalize("NFKD", text.casefold().translate(FOLD_TOO))
        folded = "".join(char for char in folded if not unicodedata.combining(char))
        if folded == text:
            break
        text = folded
    return text


def normalise_name(name: str) -> str:
    """The name as compared: "Dr  Mary-Jane O'Brien" gives "mary jane obrien". An empty result matches nothing."""
    text = APOSTROPHES.sub("", _fold(name or ""))
    words = [word for word in SEPARATORS.split(text) if word]
    while words and words[0] in TITLES:
        words.pop(0)
    return " ".join(words)


NOT_A_LETTER = re.compile(r"[\W_]+")


def normalise_text(text: str) -> str:
    """Free text as names are compared in it: folded like a name, every mark between words a single space, and a
    space at each end so that a name is found as whole words with `f" {name} " in text`."""
    return " " + " ".join(word for word in NOT_A_LETTER.split(APOSTROPHES.sub("", _fold(text or ""))) if word) + " "


def name_as_words(name: str) -> str:
    """A name ready to be found in `normalise_text` output: titles dropped, normalised the same way, padded;
    empty for a name with no letters."""
    words = normalise_text(normalise_name(name))
    return words if words.strip() else ""


def same_name(one: str, other: str) -> bool:
    first = normalise_name(one)
    return bool(first) and first == normalise_name(other)
