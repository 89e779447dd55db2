//! Sign-in sheets as other tools lay them out, one family per case: a grid whose dates sit in
//! a merged row above the half-days and whose times sit in a row below them, with the
//! trainer's own signature row under the trainees; an e-signature export whose layout puts a
//! trainee's name and the row's date in one cell; a key/value block naming the action and
//! the provider without colons; weekly classes whose columns are dates alone, the half-day
//! from the sheet's timetable, beside a total column and above a legend. Each case states
//! the slots and hours a reader must find. Header rows that print as several lines (a
//! spreadsheet's wrapped and vertically centred cells, the name column's heading between the
//! dates and the times, lengths beside the period words) give one row of columns.

use std::collections::BTreeMap;

use dossier_contract::DocumentKind;
use dossier_extract::extract;
use dossier_layout::TextSource;

use super::{dec, page_laid_out};

struct Case {
    name: &'static str,
    rows: &'static [&'static str],
    column_width: f32,
    expected_slots: u32,
    signed_slots: u32,
    hours: &'static [(&'static str, &'static str)],
    /// (training title, provider name) when the case pins them.
    title_and_provider: Option<(&'static str, &'static str)>,
}

const CASES: &[Case] = &[
    Case {
        name: "merged date row, period row, times row, and the trainer's row",
        rows: &[
            "FEUILLE D'ÉMARGEMENT",
            "Intitulé : Habilitation électrique B0",
            "Formateur : Sylvain PERROT — Lieu : Villeurbanne",
            "Stagiaire | Lundi 14/09/2026 |   | Mardi 15/09/2026",
            " | Matin | Après-midi | Matin | Après-midi",
            " | 8h30-12h00 | 13h00-16h30 | 8h30-12h00 | 13h00-16h30",
            "DUMONT Léa | Signé | Signé | Signé | Signé",
            "FERREIRA Tiago | Signé | Absent | Signé | Signé",
            "Sylvain PERROT | Signé | Signé | Signé | Signé",
        ],
        column_width: 100.0,
        expected_slots: 8,
        signed_slots: 7,
        hours: &[("DUMONT Léa", "14"), ("FERREIRA Tiago", "10.5")],
        title_and_provider: None,
    },
    Case {
        name: "unequal half-days printed under the periods, written 'de … à …'",
        rows: &[
            "FEUILLE DE PRÉSENCE",
            "Formation : Gestes et postures",
            "Formatrice : Anne LEROUX",
            "Nom | Jeudi 21/01/2027 |   | Vendredi 22/01/2027",
            " | Matin | Après-midi | Matin | Après-midi",
            " | 08h00 à 12h00 | 13h00 à 16h00 | 08h00 à 12h00 | 13h00 à 16h00",
            "Yanis BERTRAND | Signé | Signé | Signé | Signé",
            "Kevin LOPES | Signé | Signé | Absent | Signé",
        ],
        column_width: 100.0,
        expected_slots: 8,
        signed_slots: 7,
        hours: &[("Yanis BERTRAND", "14"), ("Kevin LOPES", "10")],
        title_and_provider: None,
    },
    Case {
        name: "e-signature rows whose name and date share a cell, key/value heading",
        rows: &[
            "Relevé des signatures électroniques",
            "Action | Bureautique : Excel niveau 2",
            "Organisme | Compétences Numériques du Val de Loire",
            "Intervenant | Julien Marchetti",
            "Apprenant | Horaires | Durée | Statut",
            "Camille Rousseau 03/06/2026 Matin 09:00 - 12:30 | 3,5 h | Signé électroniquement à 09:01",
            "Camille Rousseau 03/06/2026 Après-midi 13:30 - 17:00 | 3,5 h | Signé électroniquement à 13:42",
            "Ophélie Ngo 03/06/2026 Matin 09:00 - 12:30 | 3,5 h | Signé électroniquement à 09:14",
            "Ophélie Ngo 03/06/2026 Après-midi 13:30 - 17:00 | 3,5 h | Non signé",
        ],
        column_width: 280.0,
        expected_slots: 4,
        signed_slots: 3,
        hours: &[("Camille Rousseau", "7"), ("Ophélie Ngo", "3.5")],
        title_and_provider: Some((
            "Bureautique : Excel niveau 2",
            "Compétences Numériques du Val de Loire",
        )),
    },
    Case {
        name: "weekly morning classes: dates alone over the columns, a total column, a legend",
        rows: &[
            "Émargement — cours collectifs du mardi matin",
            "Cours : Anglais professionnel B1",
            "Horaires : 9h00 – 12h00 (3 heures par séance)",
            "Participant | Mardi 03/03/2026 | Mardi 10/03/2026 | Mardi 17/03/2026 | Heures",
            "Pauline GIRAUD | Signé | Signé | Signé | 9 h",
            "Théo BESNARD | Signé | Abs. | Signé | 6 h",
            "Abs. = absent. Colonne « Heures » : total des séances émargées.",
        ],
        column_width: 100.0,
        expected_slots: 6,
        signed_slots: 5,
        hours: &[("Pauline GIRAUD", "9"), ("Théo BESNARD", "6")],
        title_and_provider: None,
    },
    Case {
        name: "a spreadsheet's header row printed as three lines: a wrapped cell beside a centred one",
        rows: &[
            "FEUILLE D'ÉMARGEMENT",
            "Formation : Prévention des chutes",
            "Stagiaire (nom, prénom) | ^5 novembre 2026 |   | ^19 novembre 2026",
            " |   | Après-midi |   | Après-midi",
            " | Matin (3h30) |   | Matin (3h30) |  ",
            " |   | (3h) |   | (3h)",
            "Armelle BONNIN | Signé | Signé | Signé | Signé",
            "Cédric THÉBAULT | Signé | Absente | Signé | Signé",
        ],
        column_width: 100.0,
        expected_slots: 8,
        signed_slots: 7,
        hours: &[("Armelle BONNIN", "13"), ("Cédric THÉBAULT", "10")],
        title_and_provider: None,
    },
    Case {
        name: "the name column's heading between the dates and a row of times with no period word",
        rows: &[
            "FEUILLE DE PRÉSENCE",
            "Formation : Manutention en entrepôt",
            " | ^23/11/26 |   | ^24/11/26",
            "Nom, prénom",
            " | 8h30 – 12h00 | 13h00 – 16h30 | 8h30 – 12h00 | 13h00 – 16h00",
            "Benoît CARON | Signé | Signé | Signé | Absent",
            "Laurie DESCAMPS | Signé | Signé | Signé | Signé",
        ],
        column_width: 100.0,
        expected_slots: 8,
        signed_slots: 7,
        hours: &[("Benoît CARON", "10.5"), ("Laurie DESCAMPS", "13.5")],
        title_and_provider: None,
    },
    Case {
        name: "periods with their lengths in the same cell, unequal, under the dates",
        rows: &[
            "Liste d'émargement",
            "Action : Accueil du public",
            "Participant | ^02/02/2027 |   | ^03/02/2027",
            " | Matin (4 h) | Après-midi (3 h) | Matin (4 h) | Après-midi (3 h)",
            "Inès MOREL | Signé | Signé | Signé | Signé",
            "Hugo PETIT | Signé | Signé | Absent | Signé",
        ],
        column_width: 100.0,
        expected_slots: 8,
        signed_slots: 7,
        hours: &[("Inès MOREL", "14"), ("Hugo PETIT", "10")],
        title_and_provider: None,
    },
];

#[test]
fn sheets_are_read_whatever_their_layout() {
    let mut failures = Vec::new();
    for case in CASES {
        let rows: Vec<(&str, f32)> = case.rows.iter().map(|r| (*r, 9.0)).collect();
        let extraction = extract(&page_laid_out(
            &rows,
            TextSource::TextLayer,
            1.0,
            case.column_width,
        ));
        if extraction.kind != DocumentKind::AttendanceSheet {
            failures.push(format!("{}: kind {:?}", case.name, extraction.kind));
            continue;
        }
        let fields = &extraction.fields;
        let slots = (
            fields.expected_slots.as_ref().map(|f| f.value),
            fields.signed_slots.as_ref().map(|f| f.value),
        );
        if slots != (Some(case.expected_slots), Some(case.signed_slots)) {
            failures.push(format!(
                "{}: (expected, signed) slots {slots:?}, want ({}, {}); sessions {:?}",
                case.name,
                case.expected_slots,
                case.signed_slots,
                fields.sessions.as_ref().map(|f| &f.value)
            ));
        }
        let hours: BTreeMap<String, _> = fields
            .hours_by_trainee
            .as_ref()
            .map(|f| f.value.clone())
            .unwrap_or_default();
        let want: BTreeMap<String, _> = case
            .hours
            .iter()
            .map(|(n, h)| (n.to_string(), dec(h)))
            .collect();
        if hours != want {
            failures.push(format!("{}: hours {hours:?}, want {want:?}", case.name));
        }
        if let Some((title, provider)) = case.title_and_provider {
            let read = (
                fields.training_title.as_ref().map(|f| f.value.as_str()),
                fields.provider_name.as_ref().map(|f| f.value.as_str()),
            );
            if read != (Some(title), Some(provider)) {
                failures.push(format!("{}: title and provider {read:?}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
