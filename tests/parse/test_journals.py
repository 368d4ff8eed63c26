"""The journal names the parser uses to place an unmarked title/journal boundary."""

from __future__ import annotations

import gzip
import pathlib

import pytest

from refcheck.parse.journals import NAMES_PATH, build, is_known_journal, journal_key

# shared/ lies beside the repository (in CI beside the fresh clone).
SOURCE = pathlib.Path(__file__).resolve().parents[3] / "shared" / "data" / "journals"
if not SOURCE.exists():
    SOURCE = pathlib.Path("/work/shared/data/journals")


@pytest.mark.parametrize(
    "name", ["N Engl J Med", "Cancer Lett", "Aust N Z J Surg", "Phys. Rev. Lett.", "Cell",
             "Fertility and Sterility"],
)
def test_known_journals(name: str) -> None:
    assert is_known_journal(name)


@pytest.mark.parametrize("name", ["Intermediate Cell", "Metastasis Rev", "J", "Lett", ""])
def test_fragments_are_not_journals(name: str) -> None:
    assert not is_known_journal(name)


def test_key_folds_case_accents_and_punctuation() -> None:
    assert journal_key("Acta Méd. Port.") == "actamedport"
    assert journal_key("Obstet & Gynecol") == "obstetandgynecol"


@pytest.mark.skipif(not SOURCE.exists(), reason="the shared journal lists are not beside the clone")
def test_shipped_list_is_built_from_the_shared_lists() -> None:
    with gzip.open(NAMES_PATH, "rt", encoding="utf-8") as fh:
        shipped = fh.read().splitlines()
    assert shipped == build(SOURCE)
