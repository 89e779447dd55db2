//! Extraction from pages given as text, one case per row: a scanned page is described by its
//! lines (cells separated by " | ", laid out as a table) and read as OCR or as a text layer,
//! then the fields read are compared with what the page states. These cases pin what the
//! generated PDF fixtures cannot show: how OCR's misreadings of numbers are undone.

use std::str::FromStr;

use dossier_contract::DocumentKind;
use dossier_extract::extract;
use dossier_layout::{BBox, DocText, Glyph, Page, TextSource, build_lines};
use rust_decimal::Decimal;

/// An A4 page whose lines are `rows`, 11-point text, each " | "-separated cell in its own
/// column; every word gets `confidence`.
fn page(rows: &[&str], source: TextSource, confidence: f32) -> DocText {
    let (width, height, size) = (595.0f32, 842.0f32, 11.0f32);
    let mut glyphs = Vec::new();
    for (row, line) in rows.iter().enumerate() {
        let baseline = height - 60.0 - row as f32 * 22.0;
        for (column, cell) in line.split(" | ").enumerate() {
            let mut x = 50.0 + column as f32 * 280.0;
            for word in cell.split_whitespace() {
                let w = word.chars().count() as f32 * size * 0.5;
                glyphs.push(Glyph {
                    text: word.to_string(),
                    bbox: BBox {
                        x0: x,
                        y0: baseline - size * 0.2,
                        x1: x + w,
                        y1: baseline + size * 0.75,
                    },
                    baseline,
                    size,
                    confidence,
                });
                x += w + size * 0.3;
            }
        }
    }
    DocText {
        pages: vec![Page {
            number: 1,
            width,
            height,
            lines: build_lines(glyphs),
            source,
            ink: Vec::new(),
        }],
    }
}

/// A quote whose totals block reads `totals`.
fn quote(totals: &[&str]) -> Vec<String> {
    let mut rows: Vec<String> = [
        "DEVIS N° D-2026-117",
        "Date du devis : 12/01/2026",
        "Organisme de formation : Forma Plus SAS",
        "Formation : Soudage TIG sur acier inoxydable",
        "Du 02/03/2026 au 06/03/2026, durée 35 heures",
        "Désignation | Montant HT",
        "Formation inter-entreprises, 5 jours | 1 500,00 €",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    rows.extend(totals.iter().map(ToString::to_string));
    rows
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_default()
}

struct Case {
    name: &'static str,
    totals: &'static [&'static str],
    source: TextSource,
    /// HT, VAT, TTC expected; `None` where the field must stay unread.
    expected: [Option<&'static str>; 3],
    /// Whether the TTC is a repair (its confidence lowered).
    repaired: bool,
}

const CASES: &[Case] = &[
    Case {
        name: "clean OCR",
        totals: &[
            "Total HT | 1 500,00 €",
            "TVA 20 % | 300,00 €",
            "Total TTC | 1 800,00 €",
        ],
        source: TextSource::Ocr,
        expected: [Some("1500.00"), Some("300.00"), Some("1800.00")],
        repaired: false,
    },
    Case {
        name: "decimal comma lost in the TTC",
        totals: &[
            "Total HT | 1 500,00 €",
            "TVA 20 % | 300,00 €",
            "Total TTC | 1 80000 €",
        ],
        source: TextSource::Ocr,
        expected: [Some("1500.00"), Some("300.00"), Some("1800.00")],
        repaired: true,
    },
    Case {
        name: "decimal comma read as a space",
        totals: &[
            "Total HT | 1 500,00 €",
            "TVA 20 % | 300,00 €",
            "Total TTC | 1 800 00 €",
        ],
        source: TextSource::Ocr,
        expected: [Some("1500.00"), Some("300.00"), Some("1800.00")],
        repaired: true,
    },
    Case {
        name: "O read for 0 and a semicolon for the comma",
        totals: &[
            "Total HT | 1 500,00 €",
            "TVA 20 % | 3OO;00 €",
            "Total TTC | 1 8OO,00 €",
        ],
        source: TextSource::Ocr,
        expected: [Some("1500.00"), Some("300.00"), Some("1800.00")],
        repaired: true,
    },
    Case {
        name: "a real error on a scan is not explained away",
        totals: &[
            "Total HT | 1 500,00 €",
            "TVA 20 % | 300,00 €",
            "Total TTC | 1 900,00 €",
        ],
        source: TextSource::Ocr,
        expected: [Some("1500.00"), Some("300.00"), Some("1900.00")],
        repaired: false,
    },
    Case {
        name: "a text layer is taken as written",
        totals: &[
            "Total HT | 1 500,00 €",
            "TVA 20 % | 300,00 €",
            "Total TTC | 1 80000 €",
        ],
        source: TextSource::TextLayer,
        expected: [Some("1500.00"), Some("300.00"), None],
        repaired: false,
    },
];

#[test]
fn ocr_misreadings_of_totals_are_undone_by_their_arithmetic() {
    let mut failures = Vec::new();
    for case in CASES {
        let rows = quote(case.totals);
        let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
        let confidence = if case.source == TextSource::Ocr {
            0.9
        } else {
            1.0
        };
        let extraction = extract(&page(&rows, case.source, confidence));
        if extraction.kind != DocumentKind::Quote {
            failures.push(format!("{}: kind {:?}", case.name, extraction.kind));
            continue;
        }
        let fields = &extraction.fields;
        let read = [
            fields.total_ht.as_ref().map(|f| f.value),
            fields.vat_amount.as_ref().map(|f| f.value),
            fields.total_ttc.as_ref().map(|f| f.value),
        ];
        let expected = case.expected.map(|e| e.map(dec));
        if read != expected {
            failures.push(format!(
                "{}: read {read:?}, expected {expected:?}",
                case.name
            ));
        }
        if let (Some(ht), Some(ttc)) = (&fields.total_ht, &fields.total_ttc) {
            let lowered = ttc.confidence < ht.confidence;
            if lowered != case.repaired {
                failures.push(format!(
                    "{}: TTC confidence {} vs HT {}, repaired expected: {}",
                    case.name, ttc.confidence, ht.confidence, case.repaired
                ));
            }
            if !ttc.evidence.contains("TTC") {
                failures.push(format!("{}: evidence {:?}", case.name, ttc.evidence));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
