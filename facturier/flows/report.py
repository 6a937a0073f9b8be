"""The integration report (compte rendu) of a flow: a JSON document and its PDF rendering.

JSON shape (stable, documented in docs/deposits.md)::

    {"numeroFluxDepot", "nomFichier", "syntaxeFlux", "canal", "dateDepot", "etat", "dateEtat",
     "nbFactures", "nbIntegrees", "nbRejetees",
     "erreursTechniques": [{"code", "nature", "message": {"fr", "en"}}],
     "factures": [{"index", "fichier", "numeroDP", "identifiantFournisseur", "identifiantDestinataire",
                   "resultat": "INTEGRE"|"REJETE", "identifiantFactureCPP", "statut",
                   "erreurs": [{"rule", "terms", "location", "line", "message": {"fr", "en"}}]}]}
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from xml.sax.saxutils import escape

from .models import Flow, FlowItem


def report_data(flow: Flow, items: list[FlowItem]) -> dict[str, Any]:
    return {
        "numeroFluxDepot": flow.number,
        "nomFichier": flow.file_name,
        "syntaxeFlux": flow.syntax,
        "canal": flow.channel,
        "dateDepot": flow.received_at.isoformat(),
        "etat": flow.state,
        "dateEtat": flow.state_changed_at.isoformat(),
        "nbFactures": len(items),
        "nbIntegrees": sum(1 for i in items if i.outcome == FlowItem.Outcome.INTEGRE),
        "nbRejetees": sum(1 for i in items if i.outcome == FlowItem.Outcome.REJETE),
        "erreursTechniques": list(flow.technical_errors),
        "factures": [
            {
                "index": item.index,
                "fichier": item.entry_name,
                "numeroDP": item.number,
                "identifiantFournisseur": item.supplier_identifier,
                "identifiantDestinataire": item.recipient_identifier,
                "resultat": item.outcome,
                "identifiantFactureCPP": item.invoice_id,
                "statut": item.invoice.status if item.invoice_id else None,
                "erreurs": item.errors,
            }
            for item in items
        ],
    }


_LABELS = {
    "title": ("Compte rendu d'intégration du flux", "Flow integration report"),
    "number": ("Numéro de flux", "Flow number"),
    "file": ("Fichier", "File"),
    "syntax": ("Syntaxe", "Syntax"),
    "channel": ("Canal", "Channel"),
    "deposit": ("Date de dépôt", "Deposit date"),
    "state": ("État", "State"),
    "counts": ("Factures : %(n)s, intégrées : %(ok)s, rejetées : %(ko)s", "Invoices: %(n)s, integrated: %(ok)s, rejected: %(ko)s"),
    "technical": ("Erreurs techniques", "Technical errors"),
    "invoices": ("Factures", "Invoices"),
    "head": (("N°", "Fichier", "Numéro", "Résultat", "Détail"), ("#", "File", "Number", "Result", "Detail")),
}


def render_pdf(data: dict[str, Any], *, lang: str = "fr") -> bytes:
    """A PDF of the report, in French (default) or English."""
    k = 0 if lang == "fr" else 1
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
        title=f"{_LABELS['title'][k]} {data['numeroFluxDepot']}", author="facturier",
    )
    story: list[Any] = [Paragraph(escape(_LABELS["title"][k]), styles["Title"])]
    rows = [
        (_LABELS["number"][k], data["numeroFluxDepot"]),
        (_LABELS["file"][k], data["nomFichier"]),
        (_LABELS["syntax"][k], data["syntaxeFlux"]),
        (_LABELS["channel"][k], data["canal"]),
        (_LABELS["deposit"][k], data["dateDepot"]),
        (_LABELS["state"][k], data["etat"]),
    ]
    table = Table([[Paragraph(escape(a), small), Paragraph(escape(str(b)), small)] for a, b in rows], colWidths=[45 * mm, 135 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
    story += [table, Spacer(1, 4 * mm)]
    story.append(
        Paragraph(
            escape(_LABELS["counts"][k] % {"n": data["nbFactures"], "ok": data["nbIntegrees"], "ko": data["nbRejetees"]}),
            styles["BodyText"],
        )
    )
    lang_key = "fr" if k == 0 else "en"
    if data["erreursTechniques"]:
        story.append(Paragraph(escape(_LABELS["technical"][k]), styles["Heading2"]))
        for error in data["erreursTechniques"]:
            story.append(Paragraph(escape(f"{error['code']} : {error['message'][lang_key]}"), small))
    if data["factures"]:
        story.append(Paragraph(escape(_LABELS["invoices"][k]), styles["Heading2"]))
        body = [[Paragraph(escape(h), small) for h in _LABELS["head"][k]]]
        for item in data["factures"]:
            if item["erreurs"]:
                detail = "<br/>".join(
                    escape(f"{e['rule']} ({', '.join(e.get('terms') or [])}) : {e['message'][lang_key]}")
                    for e in item["erreurs"]
                )
            else:
                detail = escape(f"identifiantFactureCPP {item['identifiantFactureCPP']} — {item['statut']}")
            body.append(
                [
                    Paragraph(str(item["index"] + 1), small),
                    Paragraph(escape(item["fichier"]), small),
                    Paragraph(escape(item["numeroDP"] or ""), small),
                    Paragraph(escape(item["resultat"]), small),
                    Paragraph(detail, small),
                ]
            )
        invoices = Table(body, colWidths=[10 * mm, 40 * mm, 30 * mm, 20 * mm, 80 * mm], repeatRows=1)
        invoices.setStyle(
            TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])
        )
        story.append(invoices)
    doc.build(story)
    return out.getvalue()
