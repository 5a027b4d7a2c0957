"""The leak checks read files as people do: a secret compressed inside a PDF or a deck is still found."""

from __future__ import annotations

from pathlib import Path

from toolkit.outputs.slides import DeckSpec, SlideSpec, render_deck
from toolkit.render.pdf import PdfRenderer

from leaks import leaks

SECRET = "Quillon Zaraveth"


def test_a_secret_inside_a_compressed_pdf_and_a_decks_notes_is_found(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    renderer = PdfRenderer(None)
    page = renderer.render("page.pdf", f"<html lang='en'><body><h1>Notes</h1><p>Pair {SECRET} with care.</p>"
                                       "</body></html>").data
    (folder / "page.pdf").write_bytes(page)
    deck = DeckSpec("Deck", "Acme", "", "en", "2027-01-04",
                    (SlideSpec("content", "Agenda", bullets=("Welcome",), notes=f"Ask {SECRET} first."),))
    (folder / "slides.pptx").write_bytes(render_deck(deck, None))
    (folder / "index.html").write_text(f'<p>Hello</p><img src="x.png" alt="{SECRET.split()[0]}&#32;Zaraveth">',
                                       encoding="utf-8")
    (folder / "search.json").write_text('{"docs": [{"text": "Quillon\\u0020Zaraveth"}]}', encoding="utf-8")
    raw = {path.name: SECRET.encode() in path.read_bytes() for path in folder.iterdir()}
    assert raw == {"page.pdf": False, "slides.pptx": False, "index.html": False, "search.json": False}
    assert leaks(folder, [SECRET]) == {name: [SECRET] for name in ("index.html", "page.pdf", "search.json",
                                                                    "slides.pptx")}


def test_nothing_is_found_where_nothing_is(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<p>Quillon</p><p>Zaravet</p>", encoding="utf-8")
    assert leaks(tmp_path, [SECRET, "  "]) == {}


def test_a_secret_in_an_encoded_e_mail_draft_is_found(tmp_path: Path) -> None:
    from email.message import EmailMessage
    from email.policy import SMTP

    message = EmailMessage(policy=SMTP)
    message["To"] = "Zoë Zaraveth <z@example.org>"
    message["Subject"] = "Für dich"
    message.set_content("Dear Quillon Zaraveth, schön dich zu sehen.\n", charset="utf-8", cte="base64")
    (tmp_path / "draft.eml").write_bytes(message.as_bytes())
    raw = (tmp_path / "draft.eml").read_bytes()
    assert SECRET.encode() not in raw and "Zoë Zaraveth".encode() not in raw  # the body and the To are encoded
    assert leaks(tmp_path, [SECRET, "Zoë Zaraveth"]) == {"draft.eml": [SECRET, "Zoë Zaraveth"]}
