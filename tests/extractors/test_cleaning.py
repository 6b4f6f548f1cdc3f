from pathlib import Path

import pytest

from extractors.cleaning import clean_text, guess_title

FURNITURE = [
    "Created with Sketch",
    "Icon Facebook",
    "numberArticlesLeft",
    "free article",
    "Sponsored Content",
    "subscription",
    "Get Unlimited access",
    "Try 3 months for $9",
    "Offer ends",
    "See all offers",
    "NAR on print phone",
    "Get unique insights",
    "Stay ahead with our exclusives",
    "© Reuters",
]


def test_seed_002_loses_its_page_furniture_and_keeps_the_article(seeds_dir: Path) -> None:
    raw = (seeds_dir / "002_c956b353fc608161.txt").read_text()
    text = clean_text(raw)
    for piece in FURNITURE:
        assert piece not in text, piece
    lines = text.split("\n")
    assert lines[0] == "US and China to test 'art of the deal' over trade"
    assert "WASHINGTON -- The U.S. and China are expected to mix charm" in text
    assert lines[-1].startswith("The U.S. and China are waging fierce battles")
    # nothing of the article body is lost: every long paragraph of the source is kept
    body = raw.split("Get unique insights")[0]
    for para in body.split("\n"):
        if len(para.split()) > 30 and "©" not in para:
            assert " ".join(para.split()) in text


@pytest.mark.parametrize("name", ["000_24c1c433c7f28843.txt", "004_4cd496e95151d6d2.txt"])
def test_clean_seeds_keep_every_paragraph(seeds_dir: Path, name: str) -> None:
    raw = (seeds_dir / name).read_text()
    text = clean_text(raw)
    for para in raw.split("\n"):
        if len(para.split()) > 8:
            assert " ".join(para.split()) in text


def test_trailing_byline_and_image_labels_are_dropped(seeds_dir: Path) -> None:
    assert "@RobynDixon_LAT" not in clean_text((seeds_dir / "003_ed467b3701b791d6.txt").read_text())
    assert "AI Generated Image" not in clean_text((seeds_dir / "001_752e1789a4b655b8.txt").read_text())


def test_paywall_block_cut_only_in_the_tail() -> None:
    body = "\n".join(f"Paragraph {i} of the story says the tariffs rose again this week." for i in range(8))
    early = "Subscribers get unlimited access to our trade coverage, the editor said in a long note."
    text = clean_text(early + "\n" + body + "\nSubscribe now for unlimited access\nMore promo text")
    assert "Paragraph 7" in text and "Paragraph 0" in text
    assert "More promo text" not in text


def test_a_sentence_mentioning_subscriptions_is_not_furniture() -> None:
    line = (
        "The company said its subscription business grew 12% in the quarter even as tariffs on "
        "imported components raised costs across the industry and squeezed margins further, "
        "analysts at three banks wrote in notes to clients on Tuesday morning."
    )
    assert clean_text(line) == line


def test_guess_title() -> None:
    assert guess_title("Trade War\nUS and China to test 'art of the deal'\nBody.") == (
        "US and China to test 'art of the deal'"
    )
    assert guess_title("China said Monday it is sending an envoy to the United States.") is None
