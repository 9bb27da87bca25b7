"""What the site's tests read of an HTML page nufa site writes (test_site.py on a site of a
fake build, test_site_html.py on one built for real): links, ids, headings, tags, scripts
and the text a reader sees."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path


class Page(HTMLParser):
    """One page, parsed once."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: list[str] = []  # in order, repeats kept
        self.headings: list[tuple[int, str]] = []  # (level, text)
        self.lang: str | None = None
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []  # a footnote's number and back link left out
        self._heading: int | None = None
        self._script = False
        self._note_mark = False
        self.feed(text)

    @property
    def levels(self) -> list[int]:
        return [level for level, _ in self.headings]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if tag == "html":
            self.lang = values.get("lang")
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = int(tag[1])
            self.headings.append((self._heading, ""))
        for attribute in ("href", "src"):
            if values.get(attribute) is not None:
                self.links.append((tag, attribute, str(values[attribute])))
        if tag == "a" and values.get("class") in ("footnote-ref", "footnote-back"):
            self._note_mark = True
        if tag == "script":
            self._script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = None
        if tag == "a":
            self._note_mark = False
        if tag == "script":
            self._script = False

    def handle_data(self, data: str) -> None:
        if not self._note_mark:
            self.text.append(data)
        if self._heading is not None:
            level, text = self.headings[-1]
            self.headings[-1] = (level, text + data)
        if self._script:
            self.scripts[-1] += data


def pages(site: Path) -> dict[Path, Page]:
    """Every HTML page of the site, by path."""
    return {path: Page(path.read_text(encoding="utf-8")) for path in sorted(site.rglob("*.html"))}
