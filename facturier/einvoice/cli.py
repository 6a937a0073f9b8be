"""``facturier validate`` and ``facturier convert``: the e-invoice core on the command line.

Called by :func:`facturier.cli.main` before anything imports Django, so the first validation of a
fresh process stays well under a second. Keep the imports here lazy.

Exit codes (documented in ``docs/einvoice.md``):

* 0: every file is valid (``validate``) / the conversion was written (``convert``);
* 1: at least one file was read and is invalid;
* 2: at least one file is unreadable or unsupported, or the command line is wrong;
* 3: the validator itself could not run (for example the reference engine does not start).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from .validate import Report

__all__ = ["EXIT_INTERNAL", "EXIT_INVALID", "EXIT_UNREADABLE", "EXIT_VALID", "main"]

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2
EXIT_INTERNAL = 3

LANGUAGES = ("fr", "en")  # same as validate.LANGUAGES, repeated so that --help imports nothing

_FILE_UNREADABLE = "file_unreadable"

_MESSAGES = {
    "no_file": {
        "fr": "Fichier illisible : %(detail)s",
        "en": "Cannot read the file: %(detail)s",
    },
    "directory": {
        "fr": "Annuaire illisible (%(path)s) : %(detail)s",
        "en": "Cannot load the directory (%(path)s): %(detail)s",
    },
    "internal": {
        "fr": "Le validateur ne peut pas s'exécuter : %(detail)s",
        "en": "The validator cannot run: %(detail)s",
    },
    "no_convert": {
        "fr": "La conversion n'est pas disponible dans cette version de facturier.",
        "en": "Conversion is not available in this build of facturier.",
    },
    "converted": {
        "fr": "%(src)s -> %(dst)s (%(to)s)",
        "en": "%(src)s -> %(dst)s (%(to)s)",
    },
}


def _say(stream: TextIO, lang: str, key: str, **params: object) -> None:
    template = _MESSAGES[key][lang]
    print(template % params if params else template, file=stream)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="facturier", description="E-invoice tools (UBL, CII, Factur-X).")
    sub = parser.add_subparsers(dest="command", required=True)

    v = sub.add_parser(
        "validate",
        help="validate e-invoices",
        description="Validate UBL 2.1, CII D16B and Factur-X/ZUGFeRD invoices layer by layer "
        "(pdf, xsd, en16931, cius, platform). Exit code: 0 valid, 1 invalid, "
        "2 unreadable or unsupported, 3 internal error.",
    )
    v.add_argument("files", nargs="+", metavar="FILE", help="invoice files ('-' reads standard input)")
    v.add_argument("--json", action="store_true", help="print one JSON array, one object per file")
    v.add_argument("--lang", choices=LANGUAGES, default=LANGUAGES[0], help="language of the human output")
    v.add_argument(
        "--reference",
        action="store_true",
        help="run the official EN 16931 Schematron (saxonche) instead of the native rules",
    )
    v.add_argument(
        "--directory",
        metavar="FILE.json",
        help="run the platform rules against this directory of recipients (JSON)",
    )
    v.set_defaults(func=_validate)

    c = sub.add_parser(
        "convert",
        help="convert an e-invoice to another syntax",
        description="Convert UBL, CII or Factur-X to UBL 2.1, CII D16B or Factur-X PDF/A-3.",
    )
    c.add_argument("input", metavar="IN")
    c.add_argument("--to", required=True, choices=("ubl", "cii", "facturx"))
    c.add_argument("-o", "--output", required=True, metavar="OUT")
    c.add_argument("--lang", choices=LANGUAGES, default=LANGUAGES[0], help="language of the messages")
    c.set_defaults(func=_convert)
    return parser


def _read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as fh:
        return fh.read()


def _exit_code(reports: Sequence[Report]) -> int:
    if any(r.error is not None for r in reports):
        return EXIT_UNREADABLE
    if any(not r.valid for r in reports):
        return EXIT_INVALID
    return EXIT_VALID


def _validate(args: argparse.Namespace) -> int:
    from .validate import Report, ReportError, validate

    lang: str = args.lang
    platform = None
    if args.directory:
        from .platform import load_context

        try:
            platform = load_context(args.directory)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            _say(sys.stderr, lang, "directory", path=args.directory, detail=exc)
            return EXIT_UNREADABLE

    # Only the reference engine can fail for reasons that are not the document's (saxonche
    # missing or a stylesheet that does not compile); a native validation never raises.
    engine_errors: tuple[type[Exception], ...] = ()
    if args.reference:
        from .reference import ReferenceEngineError

        engine_errors = (ReferenceEngineError,)

    reports: list[Report] = []
    for path in args.files:
        try:
            data = _read_input(path)
        except OSError as exc:
            detail = exc.strerror or str(exc)
            error = ReportError(
                _FILE_UNREADABLE,
                _MESSAGES["no_file"]["fr"] % {"detail": detail},
                _MESSAGES["no_file"]["en"] % {"detail": detail},
            )
            report = Report(file=path, format="unknown", profile="unknown", error=error, lang=lang)
        else:
            try:
                report = validate(data, file=path, reference=args.reference, platform=platform, lang=lang)
            except engine_errors as exc:
                _say(sys.stderr, lang, "internal", detail=exc)
                return EXIT_INTERNAL
        reports.append(report)
        if not args.json:
            print(report.text(lang), flush=True)

    if args.json:
        json.dump([r.to_dict() for r in reports], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return _exit_code(reports)


def _convert(args: argparse.Namespace) -> int:
    lang: str = args.lang
    try:
        from .convert import convert
    except ImportError as exc:
        if exc.name != __package__ + ".convert":
            raise
        _say(sys.stderr, lang, "no_convert")
        return EXIT_INTERNAL
    from .errors import EInvoiceError

    try:
        data = _read_input(args.input)
    except OSError as exc:
        _say(sys.stderr, lang, "no_file", detail=exc.strerror or exc)
        return EXIT_UNREADABLE
    try:
        out = convert(data, args.to)
    except EInvoiceError as exc:
        print(f"{exc.code}: {exc.message.get(lang, str(exc))}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        with open(args.output, "wb") as fh:
            fh.write(out)
    except OSError as exc:
        _say(sys.stderr, lang, "no_file", detail=exc.strerror or exc)
        return EXIT_UNREADABLE
    _say(sys.stdout, lang, "converted", src=args.input, dst=args.output, to=args.to)
    return EXIT_VALID


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``argv`` starts with the sub-command (``["validate", "a.xml"]``)."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
