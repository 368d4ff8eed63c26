"""Reference material shared by the robustness tests."""

from __future__ import annotations

from typing import Any

from tests.standins.crossref import load_fixture_works

WORKS = [w for w in load_fixture_works() if w.get("type") == "journal-article"][:5]


def citation(work: dict[str, Any]) -> str:
    """An AMA-style reference string for a Crossref work record, with its DOI."""
    authors = ", ".join(
        f"{a.get('family', '')} {a.get('given', '')[:1]}" for a in (work.get("author") or [])[:3]
    ) or "Anonymous"
    year = work["issued"]["date-parts"][0][0]
    container = (work.get("container-title") or [""])[0]
    return (f"{authors}. {work['title'][0]}. {container}. {year};{work.get('volume', '')}"
            f"({work.get('issue', '')}):{work.get('page', '')}. doi:{work['DOI']}")
