"""The gazetteers: which names count as an actor."""

from __future__ import annotations

import pytest

from extractors.gazetteer import gazetteer


@pytest.mark.parametrize(
    "text",
    [
        "tariffs on 34 billion U.S. dollars worth of Chinese imports",
        "paid in Chinese yuan",
        "the Japanese yen rose",
        "priced in U.S. dollar terms",
    ],
)
def test_a_currency_names_no_actor(text: str) -> None:
    found = {m.value for m in gazetteer().actors.find(text)}
    assert "US" not in found and "JP" not in found
    assert ("CN" in found) == ("Chinese imports" in text)


def test_the_country_beside_a_currency_elsewhere_is_still_named() -> None:
    text = "The U.S. paid 5 billion U.S. dollars; China won the case."
    assert [m.value for m in gazetteer().actors.find(text)] == ["US", "CN"]
