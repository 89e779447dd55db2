//! Totals as other people print them: one row per family of wordings and layouts (a total in
//! a sentence, a value before its label, a VAT line naming its base, "dont TVA", deposits,
//! several rates, a header row, per-unit prices and share capital as distractors), each
//! read from a text layer, with the confidence band the rules rely on: high when the
//! arithmetic or an unambiguous label backs the value, below the rules' threshold when
//! readings compete.

use dossier_contract::DocumentKind;
use dossier_extract::extract;
use dossier_layout::TextSource;

use super::{dec, page};

struct Case {
    name: &'static str,
    rows: &'static [&'static str],
    /// HT, VAT, TTC expected; `None` where the field must stay unread.
    expected: [Option<&'static str>; 3],
    /// Lowest confidence each read total must have.
    at_least: f64,
}

const HEAD: &[&str] = &[
    "DEVIS",
    "Référence D-2026-311 émis le 12/01/2026",
    "Action : Habilitation électrique B1V",
];

const CASES: &[Case] = &[
    Case {
        name: "a total stated in a sentence",
        rows: &[
            "Le coût de l'action est fixé à 800,00 € par stagiaire,",
            "soit pour 4 stagiaires un prix total de 3 200,00 EUR HT.",
            "TVA au taux de 20 % : 640,00 EUR",
            "Soit un total de 3 840,00 EUR TTC.",
        ],
        expected: [Some("3200.00"), Some("640.00"), Some("3840.00")],
        at_least: 0.9,
    },
    Case {
        name: "values before their labels",
        rows: &["1 800,00 € (HT)", "360,00 € (TVA 20 %)", "2 160,00 € (TTC)"],
        expected: [Some("1800.00"), Some("360.00"), Some("2160.00")],
        at_least: 0.9,
    },
    Case {
        name: "other wordings of the three totals",
        rows: &[
            "Montant hors TVA | 1 800,00 €",
            "Total taxes | 360,00 €",
            "Montant à régler | 2 160,00 €",
        ],
        expected: [Some("1800.00"), Some("360.00"), Some("2160.00")],
        at_least: 0.9,
    },
    Case {
        name: "a VAT line naming its base",
        rows: &[
            "Total HT | 1 176,00 €",
            "TVA 20 % sur 1 176,00 € | 235,20 €",
            "Total TTC | 1 411,20 €",
        ],
        expected: [Some("1176.00"), Some("235.20"), Some("1411.20")],
        at_least: 0.9,
    },
    Case {
        name: "a TTC that names the VAT it includes",
        rows: &[
            "Total HT | 1 000,00 €",
            "Total TTC (dont TVA 200,00 €) | 1 200,00 €",
        ],
        expected: [Some("1000.00"), Some("200.00"), Some("1200.00")],
        at_least: 0.9,
    },
    Case {
        name: "a deposit and the balance after it",
        rows: &[
            "Total HT | 1 000,00 €",
            "TVA (20 %) | 200,00 €",
            "Total TTC | 1 200,00 €",
            "Acompte versé le 02/02/2026 | 360,00 €",
            "Reste à payer | 840,00 €",
        ],
        expected: [Some("1000.00"), Some("200.00"), Some("1200.00")],
        at_least: 0.9,
    },
    Case {
        name: "two VAT rates",
        rows: &[
            "Total HT | 743,00 €",
            "TVA 5,5 % | 29,87 €",
            "TVA 20 % | 40,00 €",
            "Total TTC | 812,87 €",
        ],
        expected: [Some("743.00"), Some("69.87"), Some("812.87")],
        at_least: 0.9,
    },
    Case {
        name: "labels in a header row above their values",
        rows: &[
            "Total HT | TVA | Total TTC",
            "1 800,00 € | 360,00 € | 2 160,00 €",
        ],
        expected: [Some("1800.00"), Some("360.00"), Some("2160.00")],
        at_least: 0.9,
    },
    Case {
        name: "a label on its own line above its value",
        rows: &[
            "Montant total HT :",
            "1 800,00 €",
            "Montant TTC :",
            "1 800,00 €",
            "TVA non applicable, article 261-4-4° a du CGI",
        ],
        expected: [Some("1800.00"), None, Some("1800.00")],
        at_least: 0.9,
    },
    Case {
        name: "per-day prices and share capital are no totals",
        rows: &[
            "Prix par jour | 600,00 €",
            "Total HT | 1 800,00 €",
            "TVA 20 % | 360,00 €",
            "Total TTC | 2 160,00 €",
            "SAS au capital de 10 000,00 € - RCS Lyon",
        ],
        expected: [Some("1800.00"), Some("360.00"), Some("2160.00")],
        at_least: 0.9,
    },
    Case {
        name: "totals that do not add up, clearly labelled, are read as printed",
        rows: &[
            "Total HT | 1 500,00 €",
            "TVA 20 % | 300,00 €",
            "Total TTC | 1 900,00 €",
        ],
        expected: [Some("1500.00"), Some("300.00"), Some("1900.00")],
        at_least: 0.85,
    },
    Case {
        name: "a VAT of nothing and a table of bases",
        rows: &[
            "Taxe | Base | Montant",
            "TVA 0% export | 530,75 € | 0,00 €",
            "Total HT | 530,75 €",
            "Total taxes | 0,00 €",
            "Total TTC | 530,75 €",
        ],
        expected: [Some("530.75"), Some("0.00"), Some("530.75")],
        at_least: 0.9,
    },
    Case {
        name: "English wordings, the total with tax a bare total",
        rows: &[
            "Net total | 2,076.76 €",
            "Tax Total | 0.00 €",
            "Total | 2,076.76 €",
            "Residual | 1,453.76 €",
        ],
        expected: [Some("2076.76"), Some("0.00"), Some("2076.76")],
        at_least: 0.7,
    },
    Case {
        name: "identifiers beside a VAT label are no VAT amounts",
        rows: &[
            "Total HT | 1 365,00 €",
            "Total TTC | 1 365,00 €",
            "TVA non applicable, art. 293 B du CGI",
            "NDA 53 16 98387 16 - TVA intracommunautaire : FR41602849804",
        ],
        expected: [Some("1365.00"), None, Some("1365.00")],
        at_least: 0.9,
    },
];

#[test]
fn totals_are_read_whatever_the_wording_and_layout() {
    let mut failures = Vec::new();
    for case in CASES {
        let rows: Vec<&str> = HEAD.iter().chain(case.rows).copied().collect();
        let extraction = extract(&page(&rows, TextSource::TextLayer, 1.0));
        if extraction.kind != DocumentKind::Quote {
            failures.push(format!("{}: kind {:?}", case.name, extraction.kind));
            continue;
        }
        let fields = &extraction.fields;
        let read = [&fields.total_ht, &fields.vat_amount, &fields.total_ttc];
        for ((field, want), name) in read.iter().zip(case.expected).zip(["HT", "TVA", "TTC"]) {
            let got = field.as_ref().map(|f| (f.value, f.confidence));
            match (got, want.map(dec)) {
                (None, None) => {}
                (Some((value, confidence)), Some(want)) if value == want => {
                    if confidence < case.at_least {
                        failures.push(format!(
                            "{}: {name} {value} read at {confidence}, expected ≥ {}",
                            case.name, case.at_least
                        ));
                    }
                }
                (got, want) => failures.push(format!(
                    "{}: {name} read {got:?}, expected {want:?}",
                    case.name
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Competing readings that nothing decides are reported below the rules' threshold (0.6),
/// never as a confident value.
#[test]
fn competing_totals_that_do_not_add_up_stay_below_the_rules_threshold() {
    let rows = [
        "DEVIS",
        "Total HT | 1 500,00 €",
        "Total HT | 1 650,00 €",
        "TVA 20 % | 300,00 €",
        "Total TTC | 1 900,00 €",
    ];
    let extraction = extract(&page(&rows, TextSource::TextLayer, 1.0));
    let ht = extraction
        .fields
        .total_ht
        .as_ref()
        .map_or(0.0, |f| f.confidence);
    assert!(ht < 0.6, "HT read at {ht}");
}
