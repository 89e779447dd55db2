//! Extraction from pages given as text, one case per row: a scanned page is described by its
//! lines (cells separated by " | ", laid out as a table) and read as OCR or as a text layer,
//! then the fields read are compared with what the page states. These cases pin what the
//! generated PDF fixtures cannot show: how OCR's misreadings of numbers are undone.

use std::str::FromStr;

use dossier_contract::DocumentKind;
use dossier_extract::extract;
use dossier_layout::{BBox, DocText, Glyph, Page, TextSource, build_lines};
use rust_decimal::Decimal;

mod classify;
mod fields;
mod sheets;
mod totals;

/// An A4 page whose lines are `rows`, 11-point text, each " | "-separated cell in its own
/// column; every word gets `confidence`.
fn page(rows: &[&str], source: TextSource, confidence: f32) -> DocText {
    let sized: Vec<(&str, f32)> = rows.iter().map(|r| (*r, 11.0)).collect();
    page_sized(&sized, source, confidence)
}

/// As [`page`], each line with its own font size (OCR sizes lines from their letters).
fn page_sized(rows: &[(&str, f32)], source: TextSource, confidence: f32) -> DocText {
    page_laid_out(rows, source, confidence, 280.0)
}

/// As [`page_sized`], columns `column_width` points apart (a four-column table needs less
/// than the default 280).
fn page_laid_out(
    rows: &[(&str, f32)],
    source: TextSource,
    confidence: f32,
    column_width: f32,
) -> DocText {
    let (width, height) = (595.0f32, 842.0f32);
    let mut glyphs = Vec::new();
    let mut baseline = height - 60.0;
    for (line, size) in rows {
        let size = *size;
        // Single-spaced: the next baseline one and a third of this line's size below.
        baseline -= size * 1.35;
        for (column, cell) in line.split(" | ").enumerate() {
            let mut x = 50.0 + column as f32 * column_width;
            // "^text": a merged cell, centred over this column and the next.
            let cell = match cell.strip_prefix('^') {
                Some(merged) => {
                    let width: f32 = merged
                        .split_whitespace()
                        .map(|w| (w.chars().count() as f32 + 0.6) * size * 0.5)
                        .sum();
                    x += column_width - width / 2.0;
                    merged
                }
                None => cell,
            };
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
        name: "labels heading their values, an HT that starts with 261 (as in article 261-4-4°)",
        totals: &[
            "Total hors taxes | TVA à 20 %",
            "2610.00 EUR | 522.00 EUR",
            "Net à payer | 3132.00 EUR",
        ],
        source: TextSource::TextLayer,
        expected: [Some("2610.00"), Some("522.00"), Some("3132.00")],
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
            // The evidence is the TTC's own line, its label included.
            if !(ttc.evidence.contains("TTC") || ttc.evidence.contains("payer")) {
                failures.push(format!("{}: evidence {:?}", case.name, ttc.evidence));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_duration_wrapped_onto_a_line_read_smaller_is_found() {
    // OCR sized "(35" taller than "heures)" on the next line of the same sentence.
    let rows = [
        ("CONVENTION DE FORMATION", 14.0),
        ("Organisme de formation : Forma Plus SAS", 11.0),
        (
            "La formation se déroulera du 24/08/2026 au 28/08/2026, durée de5 jours (35",
            12.4,
        ),
        ("heures), au bénéfice de 5 salariés.", 10.6),
        ("Total HT | 4 550,00 €", 11.0),
    ];
    let extraction = extract(&page_sized(&rows, TextSource::Ocr, 0.9));
    let duration = extraction.fields.duration_hours.as_ref().map(|f| f.value);
    assert_eq!(duration, Some(dec("35")));
}

#[test]
fn totals_under_a_header_row_are_read_in_their_columns() {
    // "Total hors taxes   Total TTC" over "1 128,00 EUR   1 138,00 EUR": each label takes the
    // value below it, not the first value of the row below, on a scan (rows sized apart
    // by OCR) as on a text layer (rows of one size).
    for (source, value_size) in [
        (TextSource::Ocr, 9.6),
        (TextSource::Ocr, 11.0),
        (TextSource::TextLayer, 11.0),
    ] {
        let mut rows: Vec<(String, f32)> = quote(&[]).into_iter().map(|r| (r, 11.0)).collect();
        rows.push(("Total hors taxes | Total TTC".into(), 11.0));
        rows.push(("1 128,00 EUR | 1 138,00 EUR".into(), value_size));
        rows.push(("TVA non applicable, art. 293 B du CGI".into(), 11.0));
        let rows: Vec<(&str, f32)> = rows.iter().map(|(r, s)| (r.as_str(), *s)).collect();
        let fields = extract(&page_sized(&rows, source, 0.9)).fields;
        let read = (
            fields.total_ht.as_ref().map(|f| f.value),
            fields.total_ttc.as_ref().map(|f| f.value),
        );
        assert_eq!(
            read,
            (Some(dec("1128.00")), Some(dec("1138.00"))),
            "{source:?}, values at {value_size} pt"
        );
    }
}

/// A sign-in sheet: its heading, then `table` (rows of slots and of trainees).
fn sheet(table: &[&'static str]) -> Vec<&'static str> {
    let mut rows = vec![
        "FEUILLE D'ÉMARGEMENT",
        "Formation : Sauveteur secouriste du travail",
        "Horaires : matin 9h00 - 12h30 / après-midi 13h30 - 17h00",
    ];
    rows.extend_from_slice(table);
    rows
}

/// The hours per trainee an extraction read (none when it read none).
fn hours_of(
    extraction: dossier_extract::Extraction,
) -> std::collections::BTreeMap<String, Decimal> {
    extraction
        .fields
        .hours_by_trainee
        .map(|f| f.value)
        .unwrap_or_default()
}

#[test]
fn a_trainee_name_split_by_ocr_on_one_table_is_one_trainee() {
    // Two tables of one sheet; OCR read "Y anis" for "Yanis" in the second.
    let rows = sheet(&[
        "Stagiaire | 27/07/2026 matin | 27/07/2026 après-midi",
        "Inès FAURE | Signé | Signé",
        "Yanis MERCIER | Signé | Signé",
        "Stagiaire | 28/07/2026 matin | 28/07/2026 après-midi",
        "Inès FAURE | Signé | Signé",
        "Y anis MERCIER | Signé | Signé",
    ]);
    let extraction = extract(&page(&rows, TextSource::Ocr, 0.9));
    assert_eq!(extraction.kind, DocumentKind::AttendanceSheet);
    let hours = hours_of(extraction);
    let names: Vec<&str> = hours.keys().map(String::as_str).collect();
    assert_eq!(names, ["Inès FAURE", "Yanis MERCIER"], "{hours:?}");
    assert_eq!(hours.get("Yanis MERCIER"), Some(&dec("14")), "{hours:?}");
}

#[test]
fn a_dash_read_in_a_signed_cell_of_a_scan_is_a_stroke_of_the_signature() {
    // OCR took a stroke of Inès's first signature for "-"; Yanis's "-" is alone in its cell.
    let rows = sheet(&[
        "Stagiaire | 27/07/2026 matin | 27/07/2026 après-midi",
        "Inès FAURE | -",
        "Yanis MERCIER | -",
    ]);
    let mut text = page(&rows, TextSource::Ocr, 0.9);
    let lines = text.pages[0].lines.clone();
    let row = |name: &str| {
        lines
            .iter()
            .find(|l| l.text.starts_with(name))
            .map(|l| l.bbox)
            .unwrap_or_else(|| panic!("no row {name}: {lines:?}"))
    };
    let signature = |x0: f32, row: BBox| dossier_layout::InkMark {
        bbox: BBox {
            x0,
            y0: row.y0 - 2.0,
            x1: x0 + 60.0,
            y1: row.y1 + 2.0,
        },
        area: 150.0,
    };
    let (ines, yanis) = (row("Inès"), row("Yanis"));
    text.pages[0].ink = vec![
        signature(335.0, ines),
        signature(620.0, ines),
        signature(620.0, yanis),
    ];
    let extraction = extract(&text);
    assert_eq!(extraction.kind, DocumentKind::AttendanceSheet);
    let hours = hours_of(extraction);
    assert_eq!(hours.get("Inès FAURE"), Some(&dec("7")), "{hours:?}");
    assert_eq!(hours.get("Yanis MERCIER"), Some(&dec("3.5")), "{hours:?}");
}

#[test]
fn letters_ocr_made_of_a_signature_sign_their_cell() {
    let rows = sheet(&[
        "Stagiaire | 27/07/2026 matin | 27/07/2026 après-midi",
        "Inès FAURE | MAUAC | Absent",
        "Yanis MERCIER | Signé | Signé",
    ]);
    // `tall`: the scribble's "word" stands 2.5 times the height of the name beside it, as
    // OCR's words made of signatures do; otherwise it is printed text nobody can place.
    let read = |tall: bool| {
        let mut text = page(&rows, TextSource::Ocr, 0.9);
        let page = &mut text.pages[0];
        for word in page.lines.iter_mut().flat_map(|l| l.words.iter_mut()) {
            // A signature is as wide as the words it was taken for, or wider.
            if word.text == "MAUAC" {
                word.bbox.x1 = word.bbox.x0 + 60.0;
                if tall {
                    word.bbox.y1 = word.bbox.y0 + word.bbox.height() * 2.5;
                    word.confidence = 0.75;
                }
            }
        }
        // Other signatures of the page were seen as ink: the page is a scanned sheet.
        page.ink = vec![dossier_layout::InkMark {
            bbox: BBox {
                x0: 400.0,
                y0: 100.0,
                x1: 460.0,
                y1: 115.0,
            },
            area: 150.0,
        }];
        extract(&text).fields.hours_by_trainee
    };
    let hours = read(true).unwrap_or_else(|| panic!("no hours"));
    assert_eq!(
        hours.value.get("Inès FAURE"),
        Some(&dec("3.5")),
        "{hours:?}"
    );
    assert_eq!(
        hours.value.get("Yanis MERCIER"),
        Some(&dec("7")),
        "{hours:?}"
    );
    assert!(hours.confidence >= 0.9, "{hours:?}");
    // Printed-looking text where a signature should be: left to an adviser.
    let hours = read(false).unwrap_or_else(|| panic!("no hours"));
    assert!(hours.confidence < 0.6, "{hours:?}");
}

#[test]
fn a_scanned_grid_whose_header_reads_poorly_is_not_trusted() {
    // Signatures ran over the header of a photographed sheet: its words read at 0.2, and a
    // half-day column may be missing. The rows read well; the slot counts must stay below
    // the rules' threshold (0.6) all the same.
    let rows = sheet(&[
        "Stagiaire | 27/07/2026 matin | 27/07/2026 après-midi",
        "Inès FAURE | Signé | Signé",
        "Yanis MERCIER | Signé | Signé",
    ]);
    let mut text = page(&rows, TextSource::Ocr, 0.95);
    for line in &mut text.pages[0].lines {
        if line.text.starts_with("Stagiaire") {
            line.confidence = 0.2;
        }
    }
    let fields = extract(&text).fields;
    let signed = fields
        .signed_slots
        .as_ref()
        .map(|f| (f.value, f.confidence));
    assert!(signed.is_some_and(|(n, c)| n == 4 && c < 0.6), "{signed:?}");
}
