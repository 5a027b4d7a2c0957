"""Languages: every word a form or a calendar writes comes from the catalogue of the program's language.

The catalogues are checked as files (the shipped template is a fresh extraction, every message
is translated in every language, no form template holds text of its own), then real outputs
are made for programs written inline in French, Austrian German and British English, and read
back: the PDFs' text and field labels with pypdf, their /Lang with pikepdf, the calendars with
icalendar. What is checked is that no English message of the catalogue is left in them, and
that dates are written the local way.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from babel.messages.pofile import read_po
from icalendar import Calendar
from jinja2 import Environment, nodes
from pypdf import PdfReader

from toolkit import ProgramError, load_program, prepare_packs, write_packs
from toolkit.outputs.calendar import CalendarFamily
from toolkit.outputs.forms.layout import FormsFamily, make_forms
from toolkit.program.languages import LOCALES, available, catalogue
from toolkit.render.catalogues import TEMPLATE, template_text
from toolkit.render.i18n import translator

from conftest import MINIMAL, REPO, program_yaml, write_program

FORM_TEMPLATES = sorted((REPO / "templates" / "forms").glob("*.j2"))
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
_GETTEXT = {"_", "gettext", "ngettext"}


def catalog(code: str) -> Any:
    with (LOCALES / code / "LC_MESSAGES" / "revmentor.po").open("rb") as file:
        return read_po(file, locale=code)


# --- the catalogues ----------------------------------------------------------------------


def test_six_languages_ship_and_a_region_falls_back_to_its_language() -> None:
    assert available() == ("de", "en", "en_GB", "es", "fr", "nl")
    assert [catalogue(code) for code in ("en", "en-GB", "en-US", "fr-CA", "de-AT", "es-MX", "nl-BE", "pt")] == [
        "en", "en_GB", "en", "fr", "de", "es", "nl", None]


def test_the_shipped_template_is_a_fresh_extraction_and_every_message_is_translated() -> None:
    assert TEMPLATE.read_bytes() == template_text(), "run `python -m toolkit.render.catalogues`"
    with TEMPLATE.open("rb") as file:
        wanted = [message.id for message in read_po(file) if message.id]
    for code in available():
        found = catalog(code)
        assert [message.id for message in found if message.id] == wanted, f"{code}: run the catalogues command"
        for message in found:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            forms = found.num_plurals if isinstance(message.id, tuple) else 1
            assert "fuzzy" not in message.flags and len(strings) == forms and all(strings), (code, ids[0])
            for string in strings:  # every value the message is given is written, and only those
                assert set(_PLACEHOLDER.findall(string)) == set(_PLACEHOLDER.findall(ids[-1])), (code, string)


def untranslated(source: str) -> list[str]:
    """Text of a form template that is not in the catalogue: words in the HTML (and in the labels
    read aloud, title="..."), and text passed to a macro or filter, outside `_()` and `ngettext()`."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    found = [text for node in env.parse(source).find_all(nodes.Const) for text in [node.value]
             if isinstance(text, str) and re.search(r"[A-Z][a-z]|[A-Za-z]{2} +[A-Za-z]{2}", text)]
    for call in env.parse(source).find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in _GETTEXT:
            for const in call.find_all(nodes.Const):
                if const.value in found:
                    found.remove(const.value)
    html = re.sub(r"\{%-? block kind_class -?%\}.*?\{%-? endblock -?%\}", "", source)  # a CSS class, not text
    html = re.sub(r"\{#.*?#\}|\{%.*?%\}", "", html, flags=re.S)
    html = re.sub(r"\{\{.*?\}\}", "\0", html, flags=re.S)
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    found += re.findall(r'\b(?:title|alt|placeholder|aria-label)="([^"]*[^\W\d_]{2}[^"]*)"', html)
    text = re.sub(r"<[^>]*>", " ", html)
    found += re.findall(r"[^\W\d_]{2,}(?:[^\S\n]+[^\W\d_]+)*", text)
    return found


def test_no_form_template_holds_text_outside_the_catalogue() -> None:
    assert {path.name: untranslated(path.read_text(encoding="utf-8")) for path in FORM_TEMPLATES} == {
        path.name: [] for path in FORM_TEMPLATES}
    # and a string added in English, anywhere a reader sees or hears it, is caught:
    assert untranslated('<h2>Before you meet</h2>\n<input name="x" title="Your notes">\n'
                        '{{ f.text("pair_id", "Pair") }}{{ _("Pair") }}') == ["Pair", "Your notes", "Before you meet"]


def english_fragments(code: str) -> list[str]:
    """The English words of every message this language translates differently: each run of a
    message between its placeholders with four letters or more that its translation does not share."""
    fragments = set()
    for message in catalog(code):
        if not message.id:
            continue
        pairs = zip(message.id if isinstance(message.id, tuple) else (message.id,),
                    message.string if isinstance(message.string, tuple) else (message.string,), strict=False)
        for english, translated in pairs:
            if english == translated:
                continue
            for piece in _PLACEHOLDER.split(english):
                piece = " ".join(piece.split()).strip(" .,;:()\"'")
                if len(re.findall(r"[A-Za-z]", piece)) >= 4 and piece not in translated:
                    fragments.add(piece)
    return sorted(fragments)


def english_messages(code: str) -> list[re.Pattern[str]]:
    """Every message this language translates differently, whole, its placeholders standing for any value."""
    patterns = []
    for message in catalog(code):
        for english, translated in zip(message.id if isinstance(message.id, tuple) else (message.id,),
                                       message.string if isinstance(message.string, tuple) else (message.string,),
                                       strict=False):
            pieces = _PLACEHOLDER.split(" ".join(english.split()))
            if english and english != translated and len(re.findall(r"[A-Za-z]", "".join(pieces))) >= 2 \
                    and len(pieces) > 1:
                values = [r"\d+" if found.endswith("d") else ".{1,200}?" for found in _PLACEHOLDER.findall(english)]
                body = "".join(re.escape(piece) + (values[i] if i < len(values) else "") for i, piece in enumerate(pieces))
                patterns.append(re.compile(rf"(?<!\w){body}"))
    return patterns


def english_left(text: str, code: str) -> list[str]:
    """The English of the catalogue found in `text`: runs of words, and whole messages with their values."""
    return [piece for piece in english_fragments(code) if re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", text)] + [
        pattern.pattern for pattern in english_messages(code) if pattern.search(text)]


def pdf_words(data: bytes) -> str:
    """A PDF's page text and the labels its fields are announced by, as one line of words."""
    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() or "" for page in reader.pages]
    parts += [str(field.get("/TU", "")) for field in (reader.get_fields() or {}).values()]
    return " ".join(unicodedata.normalize("NFKC", " ".join(parts)).split())


def pdf_language(data: bytes) -> str:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return str(pdf.Root.Lang)


def field_values(data: bytes) -> dict[str, str]:
    reader = PdfReader(io.BytesIO(data))
    return {name: str(field["/V"]) for name, field in (reader.get_fields() or {}).items()
            if field.get("/V") not in (None, "", "/Off")}


def events(data: bytes) -> Iterator[dict[str, str]]:
    for event in Calendar.from_ical(data).walk("VEVENT"):
        yield {key: str(event.get(key)) for key in ("SUMMARY", "DESCRIPTION", "LOCATION")}


ENGLISH_DATES = re.compile(r"\b(?:January|February|March|April|June|July|August|September|October|November|December"
                           r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b")


def english_dates(text: str, language: str) -> list[str]:
    """English month and day names in `text` that the language does not share (German writes "Apr." too)."""
    locale = translator(language).locale
    own = {name.rstrip(".") for names in (locale.months, locale.days) for context in names.values()
           for width in context.values() for name in width.values()}
    return [word for word in ENGLISH_DATES.findall(text) if word not in own]


# --- a French program and an Austrian one -------------------------------------------------

PAIRS = """\
pair_id,mentor_id,mentor_name,mentor_email,mentee_id,mentee_name,mentee_email,score,reasons
P001,E1,Chloé Durand,chloe@lumiere.example,E9,Jérôme Nkemelu,jerome@lumiere.example,4.5,
"""


def french(language: str = "fr", **words: str) -> str:
    """A program written in French from the first line to the last (German with `words`)."""
    w = {"name": "Regards croisés", "organisation": "Groupe Lumière", "mentor": "Mentor junior", "mentee": "Dirigeant",
         "summary": "Des dirigeants apprennent les outils numériques auprès de jeunes collègues.",
         "goal": "Aisance numérique", "goal_text": "Les dirigeants utilisent les outils récents avec aisance.",
         "promise": "Ce que vous vous dites reste entre vous, sauf si vous en décidez autrement tous les deux.",
         "exception": "un risque pour la santé ou la sécurité de quelqu'un", "about": "Tout ce qui vous inquiète",
         "contact": "Le service RH, rh@lumiere.example", "module": "Lancement", "module_text": "Le dispositif et son déroulé.",
         "session": "Premier rendez-vous", "purpose": "Fixer vos objectifs.", "prompt": "Vos attentes respectives",
         "question": "De quoi avez-vous besoin de votre binôme ?", "survey": "Bilan de fin", "agree": "D'accord",
         "disagree": "Pas d'accord", "statement": "Je suis à l'aise avec nos outils.", "sponsor": "DRH", **words}
    return program_yaml(
        program={"name": w["name"], "organisation": w["organisation"], "summary": w["summary"], "language": language,
                 "start_date": "2027-03-01", "duration_weeks": 12, "time_zone": "Europe/Paris",
                 "meeting_format": "hybrid", "video_tool": "Teams", "contact": w["contact"],
                 "terminology": {"mentor": w["mentor"], "mentee": w["mentee"]}, "sponsor": {"title": w["sponsor"]}},
        goals=[{"id": "digital", "title": w["goal"], "description": w["goal_text"],
                "measures": [{"metric": w["goal"], "target": 60, "method": w["survey"], "question": "aise"}]}],
        roles=[{"id": "mentor", "name": w["mentor"], "summary": w["summary"], "time_commitment": "1 h"},
               {"id": "mentee", "name": w["mentee"], "summary": w["summary"], "time_commitment": "1 h"}],
        training=[{"id": "lancement", "title": w["module"], "summary": w["module_text"], "audience": ["mentor", "mentee"],
                   "week": 1, "start_time": "09:30", "objectives": [w["module_text"]],
                   "agenda": [{"title": w["module"], "kind": "talk", "minutes": 45}]}],
        checkins={"schedule": {"weeks": [2, 6]}, "time": "12:30", "sessions": [
            {"title": w["session"], "purpose": w["purpose"], "prompts": [w["prompt"]], "questions": [w["question"]]},
            {"title": w["module"], "purpose": w["purpose"]}]},
        confidentiality={"promise": w["promise"], "exceptions": [w["exception"]],
                         "concerns": [{"about": w["about"], "contact": w["contact"]}]},
        feedback={"scales": [{"id": "accord", "labels": [w["disagree"], w["agree"]]}],
                  "questions": [{"id": "aise", "text": w["statement"], "scale": "accord"}],
                  "surveys": [{"id": "fin", "title": w["survey"], "moment": "end", "week": 11,
                               "audience": ["mentor", "mentee"], "questions": ["aise"]}]},
    )


GERMAN = {"name": "Perspektivwechsel", "organisation": "Großhandel Huber", "mentor": "Junior-Mentorin",
          "mentee": "Führungskraft", "summary": "Führungskräfte lernen digitale Werkzeuge von jungen Kolleginnen.",
          "goal": "Digitale Sicherheit", "goal_text": "Führungskräfte nutzen neue Werkzeuge sicher.",
          "promise": "Was Sie einander sagen, bleibt unter Ihnen, außer Sie vereinbaren beide etwas anderes.",
          "exception": "eine Gefahr für Gesundheit oder Sicherheit", "about": "Alles, was Sie beunruhigt",
          "contact": "Die Personalabteilung, hr@huber.example", "module": "Auftakt", "module_text": "Ablauf und Ziele.",
          "session": "Erstes Treffen", "purpose": "Ziele festlegen.", "prompt": "Ihre Erwartungen",
          "question": "Was brauchen Sie von Ihrem Gegenüber?", "survey": "Abschlussbefragung", "agree": "Stimme zu",
          "disagree": "Stimme nicht zu", "statement": "Ich komme mit unseren Werkzeugen gut zurecht.",
          "sponsor": "Personalleitung"}


def packs(tmp_path: Path, text: str) -> tuple[Any, Path]:
    folder = write_program(tmp_path / "prog", text)
    (tmp_path / "pairs.csv").write_text(PAIRS, encoding="utf-8")
    written = write_packs(prepare_packs(folder, tmp_path / "pairs.csv"), tmp_path / "packs")
    return load_program(folder), written.output


def test_a_french_program_has_french_forms_and_calendars(tmp_path: Path) -> None:
    loaded, output = packs(tmp_path, french())
    family = CalendarFamily()
    calendars = {item.path: item.data for item in family.render(loaded, family.plan(loaded.program), None).artifacts}
    assert sorted(calendars) == ["calendar/regards-croises-mentee.ics", "calendar/regards-croises-mentor.ics",
                                 "calendar/regards-croises.ics"]  # the program's name keeps its letters
    forms = FormsFamily()
    survey = [item for item in forms.plan(loaded.program) if item.topic == "survey-fin"]
    pdfs = {path.name: path.read_bytes() for path in sorted(output.rglob("*.pdf"))}
    pdfs |= {item.path: item.data for item in forms.render(loaded, survey, None).artifacts}
    assert len(pdfs) == 10  # agreement, 2 pair records, 2 pulses for each of them, 2 certificates, the survey
    for name, data in pdfs.items():
        text = pdf_words(data)
        assert (pdf_language(data), english_left(text, "fr"), english_dates(text, "fr")) == ("fr", [], []), name
    agreement = pdf_words(pdfs["P001-agreement.pdf"])
    assert "Notre charte de binôme" in agreement and "du lun. 1 mars 2027 au dim. 23 mai 2027" in agreement
    assert "Page 1 sur 3" in agreement
    assert field_values(pdfs["P001-checkin-1.pdf"])["meeting_date"] == "lun. 8 mars 2027"
    assert field_values(pdfs["P001-checkin-2-pulse-mentee.pdf"])["checkin"] == "2 sur 2, lun. 5 avr. 2027"
    assert field_values(pdfs["P001-certificate-mentor.pdf"])["hours"] == "2 heures 15 minutes prévues"
    assert "du 1 mars 2027 au 23 mai 2027" in pdf_words(pdfs["P001-certificate-mentor.pdf"])
    ics = [*calendars.values(), *(path.read_bytes() for path in sorted(output.rglob("*.ics")))]
    assert len(ics) == 5
    for data in ics:
        for event in events(data):
            assert english_left(" ".join(event.values()), "fr") == [], event
    first = list(events(calendars["calendar/regards-croises.ics"]))[1]
    assert first == {"SUMMARY": "Regards croisés, entretien 1 sur 2\u00a0: Premier rendez-vous",
                     "DESCRIPTION": "Semaine 2, 45 minutes. Fixer vos objectifs.\n\nOrdre du jour\u00a0:\n"
                                    "- Vos attentes respectives", "LOCATION": "Sur place ou Teams"}


def test_an_austrian_program_is_written_from_the_german_catalogue(tmp_path: Path) -> None:
    loaded, output = packs(tmp_path, french("de-AT", **GERMAN))
    assert translator(loaded.program.program.language).code == "de"
    pdfs = {path.name: path.read_bytes() for path in sorted(output.rglob("*.pdf"))}
    assert len(pdfs) == 9
    for name, data in pdfs.items():
        text = pdf_words(data)
        assert (pdf_language(data), english_left(text, "de"), english_dates(text, "de-AT")) == ("de", [], []), name
    agreement = pdf_words(pdfs["P001-agreement.pdf"])
    assert "vom Mo., 1. März 2027 bis zum So., 23. Mai 2027" in agreement
    assert "liegt die Expertise bei der Rolle Junior-Mentorin" in agreement  # a German role keeps its capital
    assert "vom 1. März 2027 bis zum 23. Mai 2027" in pdf_words(pdfs["P001-certificate-mentee.pdf"])
    for path in sorted(output.rglob("*.ics")):
        for event in events(path.read_bytes()):
            assert english_left(" ".join(event.values()), "de") == [], event


def test_a_british_program_writes_programme_and_dates_the_british_way(tmp_path: Path) -> None:
    folder = write_program(tmp_path / "prog", MINIMAL.replace("  name: Bridge\n", "  name: Bridge\n  language: en-GB\n"))
    loaded = load_program(folder)
    made = make_forms(loaded)
    assert len(made.blanks) == 8
    for name, data in made.blanks.items():
        text = pdf_words(data)
        assert (pdf_language(data), re.findall(r"\bprograms?\b", text, re.IGNORECASE)) == ("en-GB", []), name
    assert "the programme knows you have started" in pdf_words(made.blanks["agreement"])
    assert "from 4 January 2027 to 28 March 2027" in pdf_words(made.blanks["certificate-mentor"])


def test_a_language_without_a_catalogue_is_a_located_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = write_program(tmp_path / "prog", MINIMAL.replace("  name: Bridge\n", "  name: Bridge\n  language: xx\n"))
    with pytest.raises(ProgramError) as caught:
        load_program(folder)
    assert caught.value.format() == (
        "prog/program.yaml:3:13: program.language: no catalogue for language 'xx': the toolkit writes its forms and"
        " calendars in de, en, en-GB, es, fr, nl\n"
        "  fix: write one of de, en, en-GB, es, fr, nl (a region such as fr-CA falls back to its language), or add"
        " the language: run `python -m toolkit.render.catalogues --add xx` and translate"
        " toolkit/locales/xx/LC_MESSAGES/revmentor.po")


