"""The check functions of the Peppol BIS 3 Schematron (its ``u:`` XSLT functions), in Python.

Each reproduces the XPath function exactly, including its behaviour on odd input (lengths other
than expected, non-digits), since verdicts on broken identifiers depend on it. Source:
OpenPEPPOL/peppol-bis-invoice-3, ``rules/sch/PEPPOL-EN16931-UBL.sch`` (3.0.19), functions
``u:gln``, ``u:mod11``, ``u:mod97-0208``, ``u:checkCodiceIPA``, ``u:checkCF``, ``u:checkCF16``,
``u:checkPIVAseIT``, ``u:abn``, ``u:TinVerification``, ``u:checkSEOrgnr``, ``u:slack``.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from ._xpath import is_integer, number

__all__ = [
    "abn",
    "check_cf",
    "check_codice_ipa",
    "check_piva_se_it",
    "check_se_orgnr",
    "gln",
    "mod11",
    "mod97_0208",
    "slack",
    "tin_verification",
]

_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ALNUM = _ASCII_LETTERS | frozenset("0123456789")


def _weighted(val: str, weight) -> float:  # type: ignore[no-untyped-def]
    # digits = reverse(for $i in string-to-codepoints(substring($val, 0, $length + 1)) return $i - 48)
    body = val[:-1] if val else ""
    digits = [ord(c) - 48 for c in reversed(body)]
    return sum(d * weight(i) for i, d in enumerate(digits))


def _last_digit(val: str) -> float:
    return number(val[-1:]) if val else math.nan


def gln(val: str) -> bool:
    """``u:gln``: GS1 check digit (weights 3, 1, 3, … from the right, check digit excluded)."""
    s = _weighted(val, lambda i: 1 + ((i + 1) % 2) * 2)
    return (10 - s % 10) % 10 == _last_digit(val)


def mod11(val: str) -> bool:
    """``u:mod11``: Norwegian organisation number check (weights 2..7 from the right)."""
    if not number(val) > 0:
        return False
    s = _weighted(val, lambda i: (i % 6) + 2)
    return (11 - s % 11) % 11 == _last_digit(val)


def mod97_0208(val: str) -> bool:
    """``u:mod97-0208``: Belgian enterprise number, 97 - (first 8 digits mod 97) = digits 9-10."""
    head = val[:8]
    if not is_integer(head):
        return False  # xs:integer() would raise; the callers test ^[0-9]{10}$ first
    calculated = 97 - int(head) % 97
    return number(val[8:10]) == float(calculated)


def check_codice_ipa(arg: str) -> bool:
    """``u:checkCodiceIPA``: six ASCII letters or digits."""
    return len(arg) == 6 and all(c in _ALNUM for c in arg)


def _letters(s: str) -> bool:
    return all(c in _ASCII_LETTERS for c in s)


def _check_cf16(arg: str) -> bool:
    return (
        _letters(arg[0:6])
        and is_integer(arg[6:8])
        and _letters(arg[8:9])
        and is_integer(arg[9:11])
        and is_integer(arg[14:15])
        and _letters(arg[15:16])
    )


def check_cf(arg: str) -> bool:
    """``u:checkCF``: Italian tax code, 16 characters (pattern) or 11 digits."""
    if len(arg) == 16:
        return _check_cf16(arg)
    if len(arg) == 11:
        return is_integer(arg)
    return False


def _add_piva(arg: str, pari: int) -> int:
    total = 0
    while is_integer(arg):
        d = int(arg[0]) if arg[0].isdigit() else 0
        total += int("0246813579"[d]) if pari == 1 else d
        arg = arg[1:]
        pari = 1 if pari == 0 else 0
    return total


def check_piva_se_it(arg: str) -> bool:
    """``u:checkPIVAseIT``: an ``IT``/``it``-prefixed code must be 11 digits with a Luhn-like sum."""
    if arg[:2] not in ("IT", "it"):
        return True
    codice = arg[2:]
    if len(codice) != 11:
        return False
    check = 1 if not is_integer(codice) else _add_piva(codice, 0) % 10
    return check == 0


_ABN_WEIGHTS = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)


def abn(val: str) -> bool:
    """``u:abn``: Australian Business Number (first digit minus one, weighted sum mod 89)."""
    if len(val) < 11:
        return False  # an empty substring makes the whole sum empty, and () = 0 is false
    total = (ord(val[0]) - 49) * 10
    for i in range(1, 11):
        total += (ord(val[i]) - 48) * _ABN_WEIGHTS[i]
    return total % 89 == 0


_TIN_WEIGHTS = (256, 128, 64, 32, 16, 8, 4, 2)


def tin_verification(val: str) -> bool:
    """``u:TinVerification``: Greek TIN (AFM) check digit; NaN anywhere makes it false."""
    digits = [number(c) for c in val[:9]]
    if len(digits) < 9:
        return False
    checksum = sum(d * w for d, w in zip(digits[:8], _TIN_WEIGHTS, strict=True))
    if math.isnan(checksum):
        return False
    return math.fmod(math.fmod(checksum, 11), 10) == digits[8]


_ALL_DIGITS = re.compile(r"\d+")


def check_se_orgnr(number_: str) -> bool:
    """``u:checkSEOrgnr``: Luhn check digit of a Swedish organisation number (10th digit)."""
    if not _ALL_DIGITS.fullmatch(number_):
        return False
    main = number_[:9]
    if not main.isascii():
        return False  # number() of a non-ASCII digit is NaN: the xs:integer sum cannot be built
    total = 0
    for pos in range(1, len(main) + 1):
        d = int(main[len(main) - pos])
        total += (d * 2) % 10 + (d * 2) // 10 if pos % 2 == 1 else d
    return (10 - total % 10) % 10 == number(number_[9:10])


_SLACK = Decimal("0.02")


def slack(exp: Decimal, val: Decimal, tolerance: Decimal = _SLACK) -> bool:
    """``u:slack(exp, val, slack)``: ``exp - slack <= val <= exp + slack``."""
    return exp + tolerance >= val and exp - tolerance <= val
