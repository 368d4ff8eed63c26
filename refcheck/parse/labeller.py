"""Fallback labeller (placeholder until the CRF lands)."""

from __future__ import annotations

from refcheck.parse.dates import find_year
from refcheck.parse.normalise import clean_container, clean_title
from refcheck.parse.rules import Draft, Prepared, split_sentences, tidy


def label_draft(prep: Prepared) -> Draft:
    """A crude sentence-based reading."""
    rest = tidy(prep.rest)
    draft = Draft(year=find_year(rest))
    sentences = split_sentences(rest)
    if len(sentences) >= 2:
        draft.authors = sentences.pop(0)
    if sentences:
        draft.title = clean_title(sentences.pop(0))
    if sentences:
        draft.container = clean_container(" ".join(sentences))
    return draft
