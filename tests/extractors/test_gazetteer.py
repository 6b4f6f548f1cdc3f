"""The gazetteers: which names count as an actor."""

from __future__ import annotations

import pytest

from extractors.gazetteer import gazetteer


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("tariffs on 34 billion U.S. dollars worth of Chinese imports", {"CN"}),
        ("paid in Chinese yuan", set()),
        ("the Japanese yen rose", set()),
        ("priced in U.S. dollar terms", set()),
        # every word of data/currencies.txt counts, singular and plural
        ("the Turkish lira and Russian roubles fell against Indian rupees", set()),
        ("a Mexican peso, a Canadian cent", set()),
    ],
)
def test_a_currency_names_no_actor(text: str, want: set[str]) -> None:
    assert {m.value for m in gazetteer().actors.find(text)} == want


def test_the_country_beside_a_currency_elsewhere_is_still_named() -> None:
    text = "The U.S. paid 5 billion U.S. dollars; China won the case."
    assert [m.value for m in gazetteer().actors.find(text)] == ["US", "CN"]
