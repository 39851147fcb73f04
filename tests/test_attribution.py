"""Source notes: each attribution pattern on small hand-written cases (real model),
pronouns, unbalanced quotes, and what the page shows without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import build_site_folder, read_article

from sitegen.model import Article
from sitegen.nlp.annotator import SpacyAnnotator

pytestmark = pytest.mark.model


def annotate(markdown: str, annotator: SpacyAnnotator) -> Article:
    return read_article(f"---\ntitle: T\n---\n{markdown}\n", annotator)


def found(article: Article) -> list[tuple[str, str, str, str]]:
    return [(a.source, a.kind, a.cue, a.text) for a in article.attributions]


CASES = {
    "cue after, inverted": (
        '"We need to get to the negotiation," said John Kerry.',
        [("John Kerry", "direct", "said", "We need to get to the negotiation")],
    ),
    "cue after": (
        '"The talks will continue next week," Andrew Tabler said.',
        [("Andrew Tabler", "direct", "said", "The talks will continue next week")],
    ),
    "cue before": (
        'John Kerry said last week, "It does not have to be on day one."',
        [("John Kerry", "direct", "said", "It does not have to be on day one.")],
    ),
    "present tense": (
        '"The fires are still burning out of control," Phil Koperberg says.',
        [("Phil Koperberg", "direct", "says", "The fires are still burning out of control")],
    ),
    "quote continues after the cue": (
        '"We are ready to talk," Maria Lopez said. "But we will not wait forever."',
        [
            ("Maria Lopez", "direct", "said", "We are ready to talk"),
            ("Maria Lopez", "direct", "said", "But we will not wait forever."),
        ],
    ),
    "partial quote inside a sentence": (
        'Barack Obama condemned the moves, saying that the deployments were "doomed to failure."',
        [("Barack Obama", "direct", "saying", "the deployments were “doomed to failure.”")],
    ),
    "reported speech": (
        "Andrew Tabler cautioned that any agreement over Syria would be tenuous at best.",
        [
            (
                "Andrew Tabler",
                "indirect",
                "cautioned",
                "any agreement over Syria would be tenuous at best",
            )
        ],
    ),
    "reported speech, cue after": (
        "Any agreement over Syria will be tenuous at best, Andrew Tabler cautioned.",
        [
            (
                "Andrew Tabler",
                "indirect",
                "cautioned",
                "Any agreement over Syria will be tenuous at best",
            )
        ],
    ),
    "organisation speaks": (
        "The Rural Fire Service says the weather is expected to worsen tomorrow.",
        [("Rural Fire Service", "indirect", "says", "the weather is expected to worsen tomorrow")],
    ),
    "unnamed group speaks": (
        "Police say it is likely the fire was deliberately lit.",
        [("Police", "indirect", "say", "it is likely the fire was deliberately lit")],
    ),
    "outlet reports a quote": (
        '"The administration reached out to Moscow on Friday," the New York Times reported.',
        [
            (
                "New York Times",
                "direct",
                "reported",
                "The administration reached out to Moscow on Friday",
            )
        ],
    ),
    "according to an outlet": (
        "Russia sent a dozen ships to the base in May, according to the Wall Street Journal.",
        [
            (
                "Wall Street Journal",
                "according_to",
                "according to",
                "Russia sent a dozen ships to the base in May",
            )
        ],
    ),
    "a name with an apostrophe, made typographic by the parse stage": (
        '"The exact cause has not been determined," said O\'Neill.',
        [("O’Neill", "direct", "said", "The exact cause has not been determined")],
    ),
    "according to documents": (
        "The company paid the fine in 2019, according to court documents.",
        [("court documents", "according_to", "according to", "The company paid the fine in 2019")],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_attribution_patterns(case: str, real_annotator: SpacyAnnotator) -> None:
    markdown, expected = CASES[case]
    assert found(annotate(markdown, real_annotator)) == expected


def test_told_the_times_names_the_speaker_and_the_medium(real_annotator: SpacyAnnotator) -> None:
    article = annotate(
        '"The Pentagon has been unable to train a viable opposition," Middle East '
        "policy expert Andrew Tabler told the *New York Times*.",
        real_annotator,
    )
    (a,) = article.attributions
    assert (a.source, a.cue, a.medium) == ("Andrew Tabler", "told", "New York Times")
    assert a.description == "Middle East policy expert"
    assert a.entity == "person/andrew-tabler"


def test_description_and_canonical_entity(real_annotator: SpacyAnnotator) -> None:
    article = annotate(
        "US Secretary of State John Kerry met officials.\n\n"
        '"We are prepared to negotiate," said Kerry.\n\n'
        '"The deployments are a mistake," said US Defense Department spokesman Peter Cook.',
        real_annotator,
    )
    kerry, cook = article.attributions
    assert (kerry.source, kerry.entity) == ("John Kerry", "person/john-kerry")
    assert (cook.source, cook.description) == ("Peter Cook", "US Defense Department spokesman")


def test_pronouns_are_the_person_most_recently_attributed_or_named(
    real_annotator: SpacyAnnotator,
) -> None:
    article = annotate(
        '"We need to get to the negotiation," said John Kerry.\n\n'
        '"Is Assad prepared to negotiate?" he said.\n\n'
        "Andrew Tabler, a policy expert, was more cautious.\n\n"
        '"It is hard to see how this ends," he said.',
        real_annotator,
    )
    assert [a.source for a in article.attributions] == ["John Kerry", "John Kerry", "Andrew Tabler"]


def test_a_quotation_across_paragraphs_shares_its_speaker(real_annotator: SpacyAnnotator) -> None:
    article = annotate(
        '"The first part of a long statement runs here.\n\n'
        '"And it goes on in a second paragraph," said Maria Lopez.',
        real_annotator,
    )
    assert [(a.source, a.block) for a in article.attributions] == [
        ("Maria Lopez", 0),
        ("Maria Lopez", 1),
    ]


def test_paragraphs_run_together_keep_one_quotation(real_annotator: SpacyAnnotator) -> None:
    article = annotate(
        '"The first part of the statement runs here. "And the second part closes it," '
        "said Maria Lopez.",
        real_annotator,
    )
    assert [(a.source, a.text) for a in article.attributions] == [
        ("Maria Lopez", "The first part of the statement runs here."),
        ("Maria Lopez", "And the second part closes it"),
    ]


@pytest.mark.parametrize(
    ("markdown", "reported"),
    [
        (
            '"This quotation opens and never closes, said nobody in particular',
            ["This quotation opens and never closes, said nobody in particular"],
        ),
        ('He said "one “two" three” four ” five “', []),
        ("“Curly” and 'single' and \"straight\" — em dashes — and ... ellipses,” he said.", []),
        ('""', []),
        ("“”””“““", []),
        ("“Quote” “Quote” “Quote” said", []),
    ],
)
def test_unbalanced_or_odd_quotes_attribute_nothing(
    markdown: str, reported: list[str], real_annotator: SpacyAnnotator
) -> None:
    """Odd marks never crash and never make a source up: a cue inside an unclosed
    quotation is quoted words, and one-word quotations are scare quotes."""
    article = annotate(markdown, real_annotator)
    assert article.attributions == ()
    blocks = article.document.blocks
    assert [blocks[b].text[start:end] for b, start, end in article.unattributed] == reported


def test_an_unattributed_quote_is_reported_not_invented(real_annotator: SpacyAnnotator) -> None:
    article = annotate(
        'The meeting ended late. "Nobody expected the talks to last this long into the night."\n\n'
        'Officials called the group "rebel" forces.',
        real_annotator,
    )
    assert article.attributions == ()
    ((block, start, end),) = article.unattributed
    assert article.document.blocks[block].text[start:end].startswith("Nobody expected")


SITE = {
    "content/a.md": "---\ntitle: Talks\ndate: 2015-09-21\nsources:\n  - name: New York Times\n"
    "    url: https://www.nytimes.com/2015/09/19/world/talks.html\n---\n"
    '"We need to get to the negotiation," said John Kerry.\n\n'
    '"The administration reached out to Moscow on Friday," the New York Times reported.\n\n'
    "Andrew Tabler cautioned that any agreement would be tenuous.[^1]\n\n"
    "[^1]: Tabler is a fellow at a think tank.\n",
}


def test_notes_render_without_javascript(
    make_site: Callable[..., Path], real_annotator: SpacyAnnotator
) -> None:
    site = make_site(SITE)
    build_site_folder(site, real_annotator)
    html = (site / "build" / "a" / "index.html").read_text()
    # Numbered markers and notes, footnotes in the same sequence, with DPUB-ARIA roles.
    for number in (1, 2, 3, 4):
        assert f'href="#note-{number}" id="noteref-{number}" role="doc-noteref"' in html
        assert f'id="note-{number}" role="doc-footnote"' in html
    assert "is a fellow at a think tank." in html.split('id="note-4"')[1]
    note1 = html.split('id="note-1"')[1].split("</span>\n")[0]
    assert '<a href="../entities/person/john-kerry/">John Kerry</a>' in note1 and "said" in note1
    note2 = html.split('id="note-2"')[1]
    assert 'href="https://www.nytimes.com/2015/09/19/world/talks.html"' in note2.split("note-3")[0]
    # The sources ledger: people and outlets apart, direct and reported told apart.
    sources = html.split('id="sources-heading"')[1].split("</section>")[0]
    people, outlets = sources.split("Outlets, organisations and documents")
    assert "John Kerry" in people and "1 direct quote" in people
    assert "Andrew Tabler" in people and "1 reported statement" in people
    assert "New York Times" in outlets and 'href="#note-2"' in outlets
    assert "<script" not in html.split('<div class="article-body">')[1].split("</div>")[0]
    # Printed, the notes are listed at the end as footnotes.
    assert '<section class="print-notes"' in html
    site_sources = (site / "build" / "sources" / "index.html").read_text()
    assert "John Kerry" in site_sources and "New York Times" in site_sources
    kerry = (site / "build" / "entities/person/john-kerry/index.html").read_text()
    quoted = kerry.split('id="quoted"')[1]
    assert "We need to get to the negotiation" in quoted
    # its link to the note is named with the article, not "note 1" alone
    assert re.search(
        r'#noteref-\d+">note \d+<span class="visually-hidden"> of [^<]+</span></a>', quoted
    )


def test_according_to_around_a_quote_says_where_it_was_said(
    real_annotator: SpacyAnnotator,
) -> None:
    article = annotate(
        'John Kerry arrived.\n\n"We are prepared to negotiate," he said, according to the '
        "*New York Times*.",
        real_annotator,
    )
    (a,) = article.attributions
    assert (a.source, a.kind, a.medium) == ("John Kerry", "direct", "New York Times")
