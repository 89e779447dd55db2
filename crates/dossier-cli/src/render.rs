//! Human renderings of documents and verdicts: a French text summary for the terminal and a
//! self-contained HTML page for advisers.

use std::fmt::Write as _;

use dossier_contract::{DocumentReport, Severity, Status, Verdict};
use rust_decimal::Decimal;

fn status_fr(status: Status) -> &'static str {
    match status {
        Status::Pass => "CONFORME (pass)",
        Status::Review => "À VÉRIFIER (review)",
        Status::Fail => "NON CONFORME (fail)",
    }
}

fn severity_fr(severity: Severity) -> &'static str {
    match severity {
        Severity::Blocking => "bloquant",
        Severity::Warning => "à vérifier",
        Severity::Info => "info",
    }
}

fn eur(value: Option<Decimal>) -> String {
    value.map_or_else(|| "—".to_string(), dossier_parse::format_eur_fr)
}

/// The fields of a document as "name : value (page, confidence)" lines.
fn field_lines(report: &DocumentReport) -> Vec<String> {
    let value = serde_json::to_value(&report.fields).unwrap_or_default();
    let Some(map) = value.as_object() else {
        return Vec::new();
    };
    map.iter()
        .map(|(name, field)| {
            let shown = match &field["value"] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!(
                "{name} : {shown} (p. {}, confiance {})",
                field["page"], field["confidence"]
            )
        })
        .collect()
}

/// A document's text as read: per page its source, then one row per line with its box (PDF
/// points, origin bottom-left) and lowest word confidence, then the non-text ink blobs.
pub(crate) fn text_as_read(text: &dossier_layout::DocText) -> String {
    let mut out = String::new();
    for page in &text.pages {
        let _ = writeln!(
            out,
            "--- page {} ({:?}, {:.0} × {:.0} pt, {} lines, {} ink blobs)",
            page.number,
            page.source,
            page.width,
            page.height,
            page.lines.len(),
            page.ink.len()
        );
        for line in &page.lines {
            let b = line.bbox;
            let _ = writeln!(
                out,
                "[{:6.1} {:6.1} {:6.1} {:6.1}] {:.2} {}",
                b.x0, b.y0, b.x1, b.y1, line.confidence, line.text
            );
        }
        for mark in &page.ink {
            let b = mark.bbox;
            let _ = writeln!(
                out,
                "ink [{:6.1} {:6.1} {:6.1} {:6.1}] {:.1} pt²",
                b.x0, b.y0, b.x1, b.y1, mark.area
            );
        }
    }
    out
}

pub(crate) fn document_text(report: &DocumentReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} (confiance {:.2}), {} page(s)",
        report.file,
        report.kind.label_fr(),
        report.kind_confidence,
        report.pages
    );
    if let Some(reason) = &report.reason {
        let _ = writeln!(out, "  illisible : {reason}");
    }
    for line in field_lines(report) {
        let _ = writeln!(out, "  {line}");
    }
    out
}

pub(crate) fn verdict_text(verdict: &Verdict) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Dossier {} : {}",
        verdict.dossier_id,
        status_fr(verdict.status)
    );
    if verdict.findings.is_empty() {
        let _ = writeln!(out, "  Aucune anomalie détectée.");
    }
    for finding in &verdict.findings {
        let _ = writeln!(
            out,
            "  [{}] {} — {}",
            severity_fr(finding.severity),
            finding.rule,
            finding.message
        );
    }
    let a = &verdict.amounts;
    let _ = writeln!(
        out,
        "  Montants : demandé {}, devis HT {}, finançable {}",
        eur(a.requested),
        eur(a.quote_total_ht),
        eur(a.fundable)
    );
    for document in &verdict.documents {
        let _ = writeln!(
            out,
            "  Pièce {} : {} ({:.2})",
            document.file,
            document.kind.label_fr(),
            document.kind_confidence
        );
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(crate) fn document_html(report: &DocumentReport) -> String {
    let rows: String = field_lines(report)
        .iter()
        .map(|l| format!("<li>{}</li>", escape(l)))
        .collect();
    format!(
        "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>{0}</title><h1>{0}</h1><p>{1} (confiance {2:.2})</p><ul>{rows}</ul></html>\n",
        escape(&report.file),
        report.kind.label_fr(),
        report.kind_confidence
    )
}

pub(crate) fn verdict_html(verdict: &Verdict) -> String {
    let findings: String = verdict
        .findings
        .iter()
        .map(|f| {
            let evidence: String = f
                .evidence
                .iter()
                .map(|e| {
                    format!(
                        "<li><code>{}</code> p.{} : {}</li>",
                        escape(&e.document_id),
                        e.page.map_or("—".into(), |p| p.to_string()),
                        escape(&e.text)
                    )
                })
                .collect();
            format!(
                "<tr class=\"{0:?}\"><td>{1}</td><td>{2}</td><td>{3}<ul>{evidence}</ul></td></tr>",
                f.severity,
                severity_fr(f.severity),
                escape(&f.rule),
                escape(&f.message)
            )
        })
        .collect();
    let documents: String = verdict
        .documents
        .iter()
        .map(|d| {
            format!(
                "<li>{} : {} ({:.2})</li>",
                escape(&d.file),
                d.kind.label_fr(),
                d.kind_confidence
            )
        })
        .collect();
    format!(
        "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Dossier {id}</title>\
<style>body{{font-family:sans-serif;max-width:60em;margin:auto}}td{{vertical-align:top;padding:.3em}}.Blocking td:first-child{{color:#b00}}.Warning td:first-child{{color:#b60}}</style>\
<h1>Dossier {id} : {status}</h1><table>{findings}</table><p>Montants : demandé {req}, devis HT {quote}, finançable {fund}</p><h2>Pièces</h2><ul>{documents}</ul></html>\n",
        id = escape(&verdict.dossier_id),
        status = status_fr(verdict.status),
        req = eur(verdict.amounts.requested),
        quote = eur(verdict.amounts.quote_total_ht),
        fund = eur(verdict.amounts.fundable),
    )
}
