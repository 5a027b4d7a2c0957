"""What a form is, written into it when it is made and read back when it returns: its identity.

Why: returned forms come back renamed ("scan 12.pdf", "Re: check-in.pdf"), so `collect` never
trusts a file name. Every form the toolkit makes carries one document-information entry,
`/Revmentor`, holding a small JSON object: the form's kind, a digest of the program it was made
for, and where it applies (round, check-in, survey, side, pair). Blank forms carry what they
know (a blank pulse has no pair); a pair pack's copy adds its pair and check-in in the same
incremental update that fills its fields. The text is JSON with sorted keys, so the same form
has the same bytes on every run. PDF readers keep document information when they save a
filled form; a flattened print or scan loses it, and `collect` says so.

This module sits below outputs/ (which writes identities) and beside collect.py (which reads
them), so both use one definition.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ..program.model import Program

INFO_KEY = "/Revmentor"
"""The document-information key that holds a form's identity."""
VERSION = 1
KINDS = ("agreement", "checkin", "pulse", "survey", "certificate", "application")


def program_digest(program: Program) -> str:
    """A short digest naming the program a form belongs to: its organisation and name."""
    text = f"{program.program.organisation}\n{program.program.name}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class FormIdentity:
    """What one form is; absent parts are None (a blank form has no pair)."""

    kind: str
    program: str
    """`program_digest` of the program it was made for."""
    checkin: int | None = None
    """The check-in, counted over the whole program (a pair record's, or a pair pack's pulse)."""
    round: int | None = None
    side: str | None = None
    """mentor or mentee, for a pulse or a certificate."""
    survey: str | None = None
    pair: str | None = None

    def text(self) -> str:
        """The identity as stored: JSON, sorted keys, no absent parts."""
        data: dict[str, Any] = {"v": VERSION, "kind": self.kind, "program": self.program}
        for key in ("checkin", "round", "side", "survey", "pair"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def with_pair(self, pair: str, checkin: int | None = None, round_number: int | None = None) -> FormIdentity:
        """This identity for a pair pack's copy: the pair, and the check-in and round it is for."""
        return FormIdentity(self.kind, self.program, checkin if checkin is not None else self.checkin,
                            round_number if round_number is not None else self.round, self.side, self.survey, pair)


def form_identity(program: Program, name: str, round_number: int | None = None) -> FormIdentity:
    """The identity of a blank form, from its name in the form plan (agreement, checkin-3,
    pulse-mentor, survey-end, certificate-mentee, application)."""
    digest = program_digest(program)
    kind, _, rest = name.partition("-")
    if kind == "checkin" and rest.isdigit():
        number = int(rest)
        owner = program.checkin_round(number)
        return FormIdentity("checkin", digest, number, owner.number if owner is not None else round_number)
    if kind in ("pulse", "certificate"):
        return FormIdentity(kind, digest, round=round_number, side=rest or None)
    if kind == "survey":
        return FormIdentity("survey", digest, survey=rest)
    return FormIdentity(kind if kind in KINDS else name, digest, round=round_number)


def parse_identity(text: str) -> FormIdentity | None:
    """An identity read back from a form; None when the text is not one this toolkit wrote."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        return None
    kind, program = data.get("kind"), data.get("program")
    if not isinstance(kind, str) or not isinstance(program, str):
        return None

    def number(key: str) -> int | None:
        value = data.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None

    def word(key: str) -> str | None:
        value = data.get(key)
        return value if isinstance(value, str) and value else None

    return FormIdentity(kind, program, number("checkin"), number("round"), word("side"), word("survey"), word("pair"))
