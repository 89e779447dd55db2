//! Table-driven tests of the French parsers: each row is an input and what must be read.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

#[test]
fn amounts() {
    let cases: &[(&str, Option<&str>)] = &[
        ("1 234,56 €", Some("1234.56")),
        ("1\u{a0}234,56\u{a0}€", Some("1234.56")),
        ("1\u{202f}234,56 €", Some("1234.56")),
        ("1.234,56 EUR", Some("1234.56")),
        ("350.00 EUR", Some("350.00")),
        ("€ 1 234,56", Some("1234.56")),
        ("-12,50 €", Some("-12.50")),
        ("10 890 €", Some("10890")),
        ("1234,5", Some("1234.5")),
        ("1,234.56", Some("1234.56")),
        ("03/02/2026", None),
        ("20 %", None),
        ("F2026-12", None),
        ("35h", None),
    ];
    for (input, expected) in cases {
        assert_eq!(parse_amount(input), expected.map(dec), "{input}");
    }
}

#[test]
fn amounts_in_text_skip_percentages_and_dates() {
    let found = find_amounts("TVA (20.00 %) le 03/02/2026 : 70.00 EUR");
    let values: Vec<_> = found.iter().map(|m| m.value).collect();
    assert_eq!(values, [dec("70.00")]);
    assert!(found[0].has_currency);
    // A typographic dash is a minus before an amount, and glues a reference's digits.
    let values =
        |text: &str| -> Vec<Decimal> { find_amounts(text).iter().map(|m| m.value).collect() };
    assert_eq!(values("Remise : –120,00 €"), [dec("-120.00")]);
    // A spaced typographic dash is a separator (word processors turn " - " into " – ").
    assert_eq!(values("Formation Excel – 1 200,00 € HT"), [dec("1200.00")]);
    assert_eq!(values("Facture FA–2026–014"), Vec::<Decimal>::new());
}

#[test]
fn ocr_amount_readings_list_the_text_as_read_then_its_repairs() {
    // (text as OCR read it, readings in order; "!" marks a repaired reading)
    let cases: &[(&str, &[&str])] = &[
        ("1 234,56 €", &["1234.56"]),
        ("1 234 56 €", &["56", "!1234.56"]),
        ("1 234;56 €", &["56", "!1234.56"]),
        ("1 80000 €", &["!1800.00"]),
        ("180000 €", &["180000", "!1800.00"]),
        ("1.80000", &["!1800.00"]),
        ("1 5OO,OO €", &["1", "!1500.00"]),
        ("l 200,00 €", &["200.00", "!1200.00"]),
        ("(20 %) 240,00 €", &["240.00"]),
        ("le 03/02/2026", &[]),
    ];
    for (text, expected) in cases {
        let got: Vec<String> = ocr_amount_readings(text)
            .iter()
            .map(|r| {
                let mut value = r.value;
                value.rescale(2);
                let shown = value.normalize().to_string();
                if r.repaired {
                    format!("!{shown}")
                } else {
                    shown
                }
            })
            .collect();
        let want: Vec<String> = expected
            .iter()
            .map(|e| {
                let (mark, number) = e.strip_prefix('!').map_or(("", *e), |n| ("!", n));
                format!("{mark}{}", dec(number).normalize())
            })
            .collect();
        assert_eq!(got, want, "{text}");
        for reading in ocr_amount_readings(text) {
            assert!(
                reading.start < reading.end && reading.end <= text.len(),
                "{text}"
            );
        }
    }
}

#[test]
fn dates() {
    let cases: &[(&str, Option<NaiveDate>)] = &[
        ("03/02/2026", Some(ymd(2026, 2, 3))),
        ("03.02.2026", Some(ymd(2026, 2, 3))),
        ("3-2-26", Some(ymd(2026, 2, 3))),
        ("2026-02-03", Some(ymd(2026, 2, 3))),
        ("3 février 2026", Some(ymd(2026, 2, 3))),
        ("1er mars 2026", Some(ymd(2026, 3, 1))),
        // OCR glues a day to its month when the print is tight.
        ("1erjuin 2026", Some(ymd(2026, 6, 1))),
        ("26mai 2026", Some(ymd(2026, 5, 26))),
        ("ler août 2024", Some(ymd(2024, 8, 1))),
        ("Ier août 2024", Some(ymd(2024, 8, 1))),
        ("31/02/2026", None),
        ("03/02/1850", None),
    ];
    for (input, expected) in cases {
        assert_eq!(parse_date(input), *expected, "{input}");
    }
    let found = find_dates("Session du lundi 2 mars 2026, facture 12/03/2026");
    assert_eq!(
        found.iter().map(|m| m.date).collect::<Vec<_>>(),
        [ymd(2026, 3, 2), ymd(2026, 3, 12)]
    );
}

#[test]
fn date_ranges() {
    let cases: &[(&str, (NaiveDate, NaiveDate))] = &[
        (
            "du 02/03/2026 au 06/03/2026",
            (ymd(2026, 3, 2), ymd(2026, 3, 6)),
        ),
        ("Du 2 au 6 mars 2026", (ymd(2026, 3, 2), ymd(2026, 3, 6))),
        // Dashes are kept as printed: an en or em dash joins two dates like a hyphen.
        (
            "Dates : 02/03/2026 – 06/03/2026",
            (ymd(2026, 3, 2), ymd(2026, 3, 6)),
        ),
        (
            "du 02/03/2026 — 06/03/2026",
            (ymd(2026, 3, 2), ymd(2026, 3, 6)),
        ),
        (
            "du 30 mars au 3 avril 2026",
            (ymd(2026, 3, 30), ymd(2026, 4, 3)),
        ),
        (
            "du lundi 2 mars 2026 au vendredi 6 mars 2026",
            (ymd(2026, 3, 2), ymd(2026, 3, 6)),
        ),
        (
            "02/03/2026 - 06/03/2026",
            (ymd(2026, 3, 2), ymd(2026, 3, 6)),
        ),
        ("Du 2/03 au 6/03/2026", (ymd(2026, 3, 2), ymd(2026, 3, 6))),
        (
            "du 26 mai 2026 au 1erjuin 2026",
            (ymd(2026, 5, 26), ymd(2026, 6, 1)),
        ),
        (
            "du 26mai au 1erjuin 2026",
            (ymd(2026, 5, 26), ymd(2026, 6, 1)),
        ),
        (
            "valable du ler août 2024 au 31 juillet 2027",
            (ymd(2024, 8, 1), ymd(2027, 7, 31)),
        ),
    ];
    for (input, (start, end)) in cases {
        let found = find_date_range(input).map(|(s, e, _, _)| (s, e));
        assert_eq!(found, Some((*start, *end)), "{input}");
    }
}

#[test]
fn durations() {
    let cases: &[(&str, Option<&str>)] = &[
        ("35 heures", Some("35")),
        ("35 h", Some("35")),
        ("Durée : 35h", Some("35")),
        ("3h30", Some("3.5")),
        ("7,5 heures", Some("7.5")),
        ("5 jours (35 heures)", Some("35")),
        ("8 heures soit 1 jour", Some("8")),
        ("14 h sur 2 jours", Some("14")),
        ("3 jours de 7 heures", Some("21")),
        ("2 jours 1/2 (17 heures)", Some("17")),
        ("10 h 30, en trois demi-journées de 3 h 30", Some("10.5")),
        ("Durée : 15 h 30", Some("15.5")),
        ("2 x 7 heures", Some("14")),
        ("2 × 7 h en présentiel", Some("14")),
        ("4 séances de 3,5 heures", Some("14")),
        ("15 h 30 : 2 x 7 heures puis 1 h 30", Some("15.5")),
        ("de 9 h 00 à 12 h 30", None),
        ("de 9h00 à 12h30", None),
        ("09:00 - 12:30", None),
        ("7 heures par jour", None),
        ("5 jours", None),
    ];
    for (input, expected) in cases {
        assert_eq!(
            find_duration_hours(input).map(|(h, _, _)| h),
            expected.map(dec),
            "{input}"
        );
    }
}

#[test]
fn time_ranges() {
    let cases: &[(&str, &str)] = &[
        ("9h00-12h30", "3.5"),
        ("09:00 – 12:30", "3.5"),
        ("de 14h à 17h30", "3.5"),
        ("13h30 - 17h00", "3.5"),
    ];
    for (input, hours) in cases {
        assert_eq!(
            find_time_range(input).map(|(h, _, _)| h),
            Some(dec(hours)),
            "{input}"
        );
    }
}

#[test]
fn identifiers() {
    assert!(is_valid_siret("91311329600036"));
    assert!(!is_valid_siret("91311329600037"));
    assert!(is_valid_siret("35600000000048"));
    assert!(is_valid_siret("35600000049837"));
    assert!(is_valid_siren("939769147"));
    assert_eq!(
        find_siret("SIRET : 913 113 296 00036 - NDA")[0].value,
        "91311329600036"
    );
    assert_eq!(
        find_siret("Numéro SIRET: 91311329600036,")[0].value,
        "91311329600036"
    );
    assert!(find_siret("Tel 01 23 45 67 89 01 23").is_empty());
    assert_eq!(find_siren("N° SIREN : 939 769 147")[0].value, "939769147");
    assert_eq!(
        find_nda("déclaration d'activité 93 13 20131 13")[0].value,
        "93132013113"
    );
    assert!(find_nda("99132013113").is_empty());
    assert_eq!(
        find_nda("enregistrée sous le numéro 75 66 84829 66 auprès")[0].value,
        "75668482966"
    );
    // OCR confusions are repaired only when the check digit then holds.
    let repaired = find_siret("SIRET 9131132960OO36");
    assert_eq!(repaired[0].value, "91311329600036");
    assert!(repaired[0].repaired);
    assert!(find_siret("SIRET 9131132960OO37").is_empty());
    assert_eq!(
        find_vat_numbers("TVA intracom. FR 40 303 265 045")[0].value,
        "FR40303265045"
    );
}

#[test]
fn french_formats() {
    assert_eq!(format_eur_fr(dec("3430")), "3 430,00 €");
    assert_eq!(format_eur_fr(dec("-1234567.5")), "-1 234 567,50 €");
    assert_eq!(format_hours_fr(dec("3.50")), "3,5 h");
    assert_eq!(format_date_fr(ymd(2026, 3, 2)), "02/03/2026");
}

#[test]
fn a_list_of_days_before_a_month_gives_every_day() {
    let days = |text: &str| -> Vec<String> {
        crate::find_dates(text)
            .iter()
            .map(|m| format!("{} {}", m.date, &text[m.start..m.end]))
            .collect()
    };
    assert_eq!(
        days("Calendrier : 13, 20 et 27 avril 2026 (3 journées)"),
        ["2026-04-13 13", "2026-04-20 20", "2026-04-27 27 avril 2026"]
    );
    assert_eq!(
        days("les 1er & 8 juin 2026"),
        ["2026-06-01 1", "2026-06-08 8 juin 2026"]
    );
    // A range is no list; a day that the month lacks is dropped.
    assert_eq!(days("du 2 au 6 mars 2026"), ["2026-03-06 6 mars 2026"]);
    assert_eq!(days("30, 31 février 2026"), Vec::<String>::new());
    // A number and a comma before a date are no list without "et" or "&".
    assert_eq!(days("Article 3, 12 mars 2026"), ["2026-03-12 12 mars 2026"]);
    assert_eq!(
        days("Jour 1, 9 mars 2026 (7 h)"),
        ["2026-03-09 9 mars 2026"]
    );
}
