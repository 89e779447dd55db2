//! Sign-in sheets given as text, one case per row: the marks each cell is read as, the
//! shapes, and the ink of a text-layer page.

use std::str::FromStr;

use dossier_contract::{Fields, SessionPeriod};
use dossier_layout::{BBox, DocText, Glyph, InkMark, Page, TextSource, build_lines};
use rust_decimal::Decimal;

use super::Mark;
use super::cell::{Legend, text_mark};
use crate::view::DocView;

/// An A4 page whose lines are `rows`, 10-point text, each " | "-separated cell in its own
/// 110-point column (the first, the names, 160 points wide).
fn page(rows: &[&str], source: TextSource) -> DocText {
    let mut glyphs = Vec::new();
    let mut baseline = 780.0f32;
    let size = 10.0f32;
    for line in rows {
        baseline -= size * 2.2;
        for (column, cell) in line.split(" | ").enumerate() {
            let mut x = if column == 0 {
                40.0
            } else {
                200.0 + (column - 1) as f32 * 110.0
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
                    confidence: 0.95,
                });
                x += w + size * 0.3;
            }
        }
    }
    DocText {
        pages: vec![Page {
            number: 1,
            width: 595.0,
            height: 842.0,
            lines: build_lines(glyphs),
            source,
            ink: Vec::new(),
        }],
    }
}

fn read(text: &DocText) -> Fields {
    let view = DocView::new(text);
    let mut fields = Fields::default();
    super::extract_attendance(&view, &mut fields);
    fields
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

const HEAD: [&str; 3] = [
    "FEUILLE D'ÉMARGEMENT",
    "Formation : Sauveteur secouriste du travail",
    "Horaires : matin 9h00 - 12h30 / après-midi 13h30 - 17h00",
];

fn sheet(extra: &[&str], table: &[&str]) -> DocText {
    let mut rows: Vec<&str> = HEAD.to_vec();
    rows.extend_from_slice(extra);
    rows.extend_from_slice(table);
    page(&rows, TextSource::TextLayer)
}

#[test]
fn crosses_dashes_and_initials_are_never_signatures() {
    let none = Legend::default();
    // (cell text, mark without a legend)
    let cases = [
        ("Signé", Mark::Signed),
        ("✓", Mark::Signed),
        ("Présent", Mark::Signed),
        ("Signé 08:52", Mark::Signed),
        ("Absent", Mark::Absent),
        ("Absent excusé", Mark::Absent),
        ("✗", Mark::Uncertain),
        ("✘", Mark::Uncertain),
        ("☒", Mark::Uncertain),
        ("x", Mark::Uncertain),
        ("X", Mark::Uncertain),
        ("×", Mark::Uncertain),
        ("/", Mark::Uncertain),
        ("-", Mark::Uncertain),
        ("—", Mark::Uncertain),
        ("JD", Mark::Uncertain),
        ("J.D.", Mark::Uncertain),
    ];
    for (text, expected) in cases {
        let folded = crate::view::fold(&dossier_layout::normalize_text(text)).0;
        assert_eq!(text_mark(&folded, &none), Some(expected), "{text:?}");
    }
    assert_eq!(text_mark("  ", &none), None);
}

#[test]
fn a_legend_makes_its_strokes_absences_and_nothing_else() {
    // (legend line, stroke it explains, a stroke it does not)
    let cases = [
        ("Légende : X = absent", "x", "-"),
        ("Légende : ✗ : absent(e)", "✗", "/"),
        ("- : absence", "—", "x"),
        ("Absent : /", "/", "x"),
        ("Code : (X) absent, ✓ présent", "X", "/"),
        ("X signifie absent", "X", "-"),
    ];
    for (legend_line, explained, other) in cases {
        let text = page(&[legend_line], TextSource::TextLayer);
        let view = DocView::new(&text);
        let legend = Legend::of(&view);
        let fold = |t: &str| crate::view::fold(&dossier_layout::normalize_text(t)).0;
        assert_eq!(
            text_mark(&fold(explained), &legend),
            Some(Mark::Absent),
            "{legend_line:?} {explained:?} {legend:?}"
        );
        assert_eq!(
            text_mark(&fold(other), &legend),
            Some(Mark::Uncertain),
            "{legend_line:?} {other:?}"
        );
    }
}

#[test]
fn a_crossed_cell_sends_the_sheet_to_review_and_is_named() {
    // (afternoon cell of Inès, hours expected when the sheet is certain)
    for cross in ["✗", "✘", "☒", "x", "X", "/", "—", "-", "JD"] {
        let row = format!("Inès FAURE | Signé | {cross}");
        let text = sheet(
            &[],
            &[
                "Stagiaire | 27/07/2026 matin | 27/07/2026 après-midi",
                &row,
                "Yanis MERCIER | Signé | Signé",
            ],
        );
        let fields = read(&text);
        let signed = fields.signed_slots.as_ref().map(|f| f.value);
        assert_eq!(signed, Some(3), "{cross}: {fields:?}");
        let hours = fields
            .hours_by_trainee
            .unwrap_or_else(|| panic!("{cross}: no hours"));
        assert!(hours.confidence < 0.6, "{cross}: {hours:?}");
        let uncertain = fields
            .uncertain_slots
            .unwrap_or_else(|| panic!("{cross}: no uncertain slot"))
            .value;
        assert_eq!(uncertain.len(), 1, "{cross}");
        assert_eq!(uncertain[0].trainee, "Inès FAURE");
        assert_eq!(uncertain[0].period, SessionPeriod::Pm);
    }
}

#[test]
fn a_legend_absence_is_absent_with_confidence() {
    let text = sheet(
        &["Légende : X = absent"],
        &[
            "Stagiaire | 27/07/2026 matin | 27/07/2026 après-midi",
            "Inès FAURE | Signé | X",
            "Yanis MERCIER | Signé | Signé",
        ],
    );
    let fields = read(&text);
    let hours = fields
        .hours_by_trainee
        .unwrap_or_else(|| panic!("no hours"));
    assert!(hours.confidence >= 0.6, "{hours:?}");
    assert_eq!(hours.value.get("Inès FAURE"), Some(&dec("3.5")));
    assert!(fields.uncertain_slots.is_none());
}

#[test]
fn an_empty_text_layer_grid_with_no_ink_anywhere_is_not_read_as_absent_for_sure() {
    let text = sheet(
        &[],
        &[
            "Nom | Signature matin | Signature après-midi",
            "Inès FAURE",
            "Yanis MERCIER",
        ],
    );
    let mut text = text;
    text.pages[0].lines.insert(
        0,
        build_lines(vec![Glyph {
            text: "02/03/2026".into(),
            bbox: BBox {
                x0: 400.0,
                y0: 800.0,
                x1: 450.0,
                y1: 810.0,
            },
            baseline: 802.0,
            size: 10.0,
            confidence: 1.0,
        }])
        .remove(0),
    );
    let fields = read(&text);
    let signed = fields.signed_slots.unwrap_or_else(|| panic!("no slots"));
    assert_eq!(signed.value, 0);
    assert!(signed.confidence < 0.6, "{signed:?}");
    // The same grid with a drawn signature in one cell: the page's ink is seen, empty
    // cells are empty.
    let centre = |name: &str| {
        text.pages[0]
            .lines
            .iter()
            .find(|l| l.text.starts_with(name))
            .map(|l| (l.bbox.y0 + l.bbox.y1) / 2.0)
            .unwrap_or_default()
    };
    let y = centre("Inès");
    text.pages[0].ink = vec![InkMark {
        bbox: BBox {
            x0: 215.0,
            y0: y - 6.0,
            x1: 285.0,
            y1: y + 8.0,
        },
        area: 180.0,
    }];
    let fields = read(&text);
    let signed = fields.signed_slots.unwrap_or_else(|| panic!("no slots"));
    assert_eq!(signed.value, 1, "{signed:?}");
    assert!(signed.confidence >= 0.6, "{signed:?}");
    let sessions = fields
        .sessions
        .unwrap_or_else(|| panic!("no sessions"))
        .value;
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0].date.to_string(), "2026-03-02");
}

/// Signed half-days per trainee, and the number of slots.
fn signed_by_trainee(fields: &Fields) -> (Vec<(String, usize)>, u32, u32) {
    let expected = fields.expected_slots.as_ref().map_or(0, |f| f.value);
    let signed = fields.signed_slots.as_ref().map_or(0, |f| f.value);
    let hours: Vec<(String, usize)> = fields
        .hours_by_trainee
        .as_ref()
        .map(|f| {
            f.value
                .iter()
                .map(|(n, h)| (n.clone(), (*h / dec("3.5")).round().try_into().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    (hours, expected, signed)
}

#[test]
fn per_slot_sections_read_their_trainees_not_the_title() {
    // Variations of the section heading and of the trainee line.
    let headings = [
        (
            "Séance du 02/03/2026 (matin, 09:00 - 12:30)",
            "Séance du 02/03/2026 (après-midi, 13:30 - 17:00)",
        ),
        (
            "Session : 02/03/2026 - Matin 9h00-12h30",
            "Session : 02/03/2026 - Après-midi 13h30-17h00",
        ),
        ("Lundi 02/03/2026 matin", "Lundi 02/03/2026 après-midi"),
    ];
    let lines = [
        ("Julie MARTIN | 09:02", "Julie MARTIN | 13:41"),
        (
            "MARTIN Julie | Signé le 02/03/2026 à 09:02",
            "MARTIN Julie | Signé le 02/03/2026 à 13:41",
        ),
    ];
    for (am, pm) in headings {
        for (julie_am, julie_pm) in lines {
            let text = sheet(
                &[],
                &[
                    am,
                    julie_am,
                    "Karim BENALI | 09:05",
                    pm,
                    julie_pm,
                    "Karim BENALI | Absent",
                ],
            );
            let fields = read(&text);
            let (by, expected, signed) = signed_by_trainee(&fields);
            assert_eq!((expected, signed), (4, 3), "{am} / {julie_am}: {fields:?}");
            assert_eq!(by.len(), 2, "{am} / {julie_am}: {by:?}");
            assert!(
                by.iter()
                    .all(|(n, _)| n.contains("MARTIN") || n.contains("BENALI")),
                "{am} / {julie_am}: {by:?}"
            );
        }
    }
}

#[test]
fn e_signature_rows_give_hours_from_their_durations() {
    let rows = [
        "Julie MARTIN | 02/03/2026 | Matin | 3,5 h | Signé électroniquement à 09:02",
        "Julie MARTIN | 02/03/2026 | Après-midi | 3,5 h | Signé électroniquement à 13:40",
        "Karim BENALI | 02/03/2026 | Matin | 3,5 h | Signé électroniquement à 09:04",
        "Karim BENALI | 02/03/2026 | Après-midi | 3,5 h | Non signé",
    ];
    // Without the sheet's timetable: the rows' durations give the hours.
    let mut all = vec![
        "FEUILLE D'ÉMARGEMENT",
        "Stagiaire | Date | Demi-journée | Durée | Statut",
    ];
    all.extend_from_slice(&rows);
    let fields = read(&page(&all, TextSource::TextLayer));
    let hours = fields
        .hours_by_trainee
        .unwrap_or_else(|| panic!("no hours"));
    assert_eq!(
        hours.value.get("Julie MARTIN"),
        Some(&dec("7")),
        "{hours:?}"
    );
    assert_eq!(
        hours.value.get("Karim BENALI"),
        Some(&dec("3.5")),
        "{hours:?}"
    );
    assert!(hours.confidence >= 0.6);
}

#[test]
fn a_list_of_signed_half_days_per_trainee_is_read() {
    let text = sheet(
        &[],
        &[
            "Participant | Demi-journées signées",
            "Julie MARTIN | 02/03/2026 matin, 02/03/2026 après-midi, 03/03/2026 matin",
            "Karim BENALI | 02/03/2026 matin, 02/03/2026 après-midi, 03/03/2026 matin, 03/03/2026 après-midi",
        ],
    );
    let fields = read(&text);
    let (by, expected, signed) = signed_by_trainee(&fields);
    assert_eq!((expected, signed), (8, 7), "{fields:?}");
    assert_eq!(
        by,
        [
            ("Julie MARTIN".to_string(), 3),
            ("Karim BENALI".to_string(), 4)
        ]
    );
}

#[test]
fn a_sheet_with_signature_columns_and_a_date_per_row_or_in_the_title() {
    // "AM" beside "Matin" is the afternoon (après-midi), as on a photographed sheet.
    let headers = [
        "Nom & Prénom | Signature Matin | Signature AM",
        "Stagiaire | Signature matin | Signature après-midi",
        "Nom | Matin | Après-midi",
    ];
    for header in headers {
        for (title, rows) in [
            (
                "Dates : 30/01/2026 - 30/01/2026",
                [
                    "Marine KERLEAU | Signé | Signé",
                    "claire houdelier | Signé | Absent",
                ],
            ),
            (
                "Journée du 30/01/2026",
                [
                    "Marine KERLEAU | Signé | Signé",
                    "claire houdelier | Signé | Absent",
                ],
            ),
        ] {
            let text = sheet(&[title], &[header, rows[0], rows[1]]);
            let fields = read(&text);
            let (by, expected, signed) = signed_by_trainee(&fields);
            assert_eq!((expected, signed), (4, 3), "{header} / {title}: {fields:?}");
            assert_eq!(by.len(), 2, "{by:?}");
            let sessions = fields
                .sessions
                .unwrap_or_else(|| panic!("no sessions"))
                .value;
            assert_eq!(sessions.len(), 2);
            assert_eq!(sessions[1].period, SessionPeriod::Pm, "{header}");
        }
    }
}

#[test]
fn a_provider_name_stops_before_the_next_label() {
    let mut fields = Fields::default();
    let field = |v: &str| dossier_contract::Field {
        value: v.to_string(),
        confidence: 0.9,
        page: 1,
        evidence: v.to_string(),
        bbox: None,
    };
    for (read, kept) in [
        ("FORMA PLUS - Formateur : Jean DUPONT", Some("FORMA PLUS")),
        ("FORMA PLUS – Intervenante : Anne ROY", Some("FORMA PLUS")),
        ("FORMA PLUS | Lieu : Lyon", Some("FORMA PLUS")),
        ("Formation: Valeurs de la République", None),
        ("FORMA PLUS SAS", Some("FORMA PLUS SAS")),
    ] {
        fields.provider_name = Some(field(read));
        super::provider_apart_from_labels(&mut fields);
        assert_eq!(
            fields.provider_name.as_ref().map(|f| f.value.as_str()),
            kept,
            "{read}"
        );
    }
}

#[test]
fn a_trainer_stops_before_the_next_label() {
    // The trainer's line runs on into other labels, with various separators.
    let lines = [
        "Formateur : Sylvie KERJEAN Lieu : Centre de formation",
        "Formateur : Sylvie KERJEAN — Organisme : Institut Alpes Sécurité",
        "Formateur : Sylvie KERJEAN - Salle : B12",
        "Formateur : Sylvie KERJEAN Nombre de stagiaires : 8",
        "Formateur : Sylvie KERJEAN",
    ];
    for line in lines {
        let text = sheet(
            &[line],
            &[
                "Stagiaire | 02/03/2026 matin | 02/03/2026 après-midi",
                "Julie MARTIN | Signé | Signé",
            ],
        );
        let fields = read(&text);
        let trainer = fields.trainer.map(|f| f.value);
        assert_eq!(trainer.as_deref(), Some("Sylvie KERJEAN"), "{line}");
    }
}
