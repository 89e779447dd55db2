//! Line building: rows, words and cells from positioned glyphs.

use super::*;

fn chars(text: &str, x: f32, baseline: f32, size: f32) -> Vec<Glyph> {
    let advance = size * 0.5;
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            let x0 = x + i as f32 * advance;
            Glyph {
                text: c.to_string(),
                bbox: BBox {
                    x0,
                    y0: baseline - 2.0,
                    x1: x0 + advance,
                    y1: baseline + size,
                },
                baseline,
                size,
                confidence: 1.0,
            }
        })
        .collect()
}

#[test]
fn a_table_row_keeps_its_cells_and_amount_groups() {
    let mut glyphs = chars("Total HT", 50.0, 100.0, 10.0);
    glyphs.extend(chars("10\u{a0}890,00 €", 400.0, 100.5, 10.0));
    glyphs.extend(chars("Devis", 50.0, 700.0, 18.0));
    let lines = build_lines(glyphs);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].text, "Devis");
    assert_eq!(lines[1].text, "Total HT 10 890,00 €");
    let cells: Vec<_> = lines[1].cells.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(cells, ["Total HT", "10 890,00 €"]);
}

#[test]
fn ligatures_and_typographic_marks_are_normalised() {
    assert_eq!(
        normalize_text("ﬁche d’émargement – ok"),
        "fiche d'émargement – ok"
    );
}

#[test]
fn doubled_glyphs_of_fake_bold_are_dropped() {
    let mut glyphs = chars("AB", 10.0, 10.0, 10.0);
    glyphs.extend(chars("AB", 10.3, 10.0, 10.0));
    let lines = build_lines(glyphs);
    assert_eq!(lines[0].text, "AB");
}
