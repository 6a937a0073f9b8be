"""The English catalogue is complete and compiled."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "facturier" / "locale" / "en" / "LC_MESSAGES" / "django.po"


@dataclass
class Entry:
    msgid: str = ""
    msgstr: str = ""  # msgstr[0] for plural entries
    fuzzy: bool = False
    simple: bool = True  # no context, no plural, no escape: a plain gettext() finds it


def entries() -> list[Entry]:
    found = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        entry, current = Entry(), ""
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                entry.fuzzy = True
            elif line.startswith(("msgctxt ", "msgid_plural ")):
                entry.simple, current = False, ""
            elif line.startswith(("msgid ", "msgstr ", "msgstr[0] ")):
                keyword, _sep, value = line.partition(" ")
                current = "msgid" if keyword == "msgid" else "msgstr"
                setattr(entry, current, value[1:-1])
            elif line.startswith("msgstr["):
                current = ""
            elif line.startswith('"') and current:
                setattr(entry, current, getattr(entry, current) + line[1:-1])
        if entry.msgid:  # the header has an empty msgid
            entry.simple = entry.simple and "\\" not in entry.msgid + entry.msgstr
            found.append(entry)
    return found


def test_english_catalogue_is_complete() -> None:
    catalogue = entries()
    assert len(catalogue) > 100
    assert [e.msgid for e in catalogue if not e.msgstr] == []
    assert [e.msgid for e in catalogue if e.fuzzy] == []


def test_english_catalogue_is_compiled() -> None:
    assert PO.with_suffix(".mo").exists()
    with translation.override("en"):
        stale = [
            e.msgid for e in entries() if e.simple and e.msgstr and translation.gettext(e.msgid) != e.msgstr
        ]
    assert stale == [], "the .mo is older than the .po: run compilemessages"
