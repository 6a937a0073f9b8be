"""Imports every CIUS rule module once, which registers its rules in the CIUS layer."""

from . import (  # noqa: F401
    peppol_cii,
    peppol_codes,
    peppol_de,
    peppol_gr_is,
    peppol_national_cii,
    peppol_national_ubl,
    peppol_se_nl_cii,
    peppol_se_nl_ubl,
    peppol_ubl,
)
