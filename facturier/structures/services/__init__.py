"""Writes on structures (STYLE.md §2): keyword-only ``<entity>_<verb>(*, actor, …)`` functions that
check the actor's role, write, and append to the audit journal in one transaction.

Modules: ``structures`` (identity, parameters, status, spaces, services, bank details),
``documents`` (pièces jointes, billing mandate), ``technical`` (technical accounts, API
applications, API connections).
"""

from ._common import require_manager
from .documents import structure_add_document, structure_generate_mandate
from .structures import (
    bank_account_add,
    bank_account_deactivate,
    check_subscribable,
    service_activate,
    service_create,
    service_deactivate,
    service_update,
    service_usable_for,
    structure_activate,
    structure_close_space,
    structure_inactivate,
    structure_open_space,
    structure_require_active,
    structure_update,
)
from .technical import (
    api_application_register,
    api_connection_deactivate,
    api_connection_declare,
    api_connection_validate,
    technical_account_create,
    technical_account_reset_password,
    technical_passwords_warn_expiry,
)

__all__ = [
    "api_application_register",
    "api_connection_deactivate",
    "api_connection_declare",
    "api_connection_validate",
    "bank_account_add",
    "bank_account_deactivate",
    "check_subscribable",
    "require_manager",
    "service_activate",
    "service_create",
    "service_deactivate",
    "service_update",
    "service_usable_for",
    "structure_activate",
    "structure_add_document",
    "structure_close_space",
    "structure_generate_mandate",
    "structure_inactivate",
    "structure_open_space",
    "structure_require_active",
    "structure_update",
    "technical_account_create",
    "technical_account_reset_password",
    "technical_passwords_warn_expiry",
]
