//! Document classification from content, never from the file name.
//!
//! Each kind scores weighted cues. Cues in the title zone of the first page (its top third
//! and its large-font lines) weigh most: a bundle is what its first page says it is, so a
//! quote with its general terms appended stays a quote, and a quality-label attestation with
//! a copy of a Qualiopi certificate on page 2 is not a certificate. Cues that mark look-alikes
//! (a label attestation, a certificat de réalisation, general terms of sale, a catalogue)
//! count against the kinds they imitate. Below a minimum score the kind is `unknown`.

use dossier_contract::DocumentKind;
use regex::Regex;
use std::sync::LazyLock;

use crate::view::{DocView, re};

struct Cue {
    kind: DocumentKind,
    zone: Zone,
    pattern: Regex,
    weight: f64,
}

#[derive(Clone, Copy, PartialEq)]
enum Zone {
    /// Top third or large-font lines of the first page.
    Title,
    /// The whole first page.
    First,
    /// Pages after the first (weighed down).
    Rest,
}

fn cue(kind: DocumentKind, zone: Zone, pattern: &str, weight: f64) -> Cue {
    Cue {
        kind,
        zone,
        pattern: re(pattern),
        weight,
    }
}

static CUES: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    use DocumentKind::*;
    use Zone::*;
    vec![
        // Quote, convention, proposal.
        cue(Quote, Title, r"\bdevis\b", 6.0),
        cue(
            Quote,
            Title,
            r"\bproposition (commerciale|de formation|financiere|tarifaire|d'intervention)",
            5.0,
        ),
        cue(
            Quote,
            Title,
            r"\bconvention (de formation|simplifiee|de stage|d'action|de prestation)",
            6.0,
        ),
        cue(Quote, Title, r"\bcontrat de (formation|prestation)", 5.0),
        cue(
            Quote,
            Title,
            r"\bbon de commande\b|\boffre (de prix|commerciale|de formation)\b|\bpro ?-?forma\b",
            4.0,
        ),
        cue(
            Quote,
            First,
            r"\btotal\s*(general\s*)?h\.?\s?t\b|\bmontant\s*(total\s*)?h\.?\s?t\b|hors tax",
            1.5,
        ),
        cue(
            Quote,
            First,
            r"bon pour accord|lu et approuve|signature du client|accord du client|date de validite|valable \d+ jours|validite de l'offre|validite du devis",
            1.5,
        ),
        cue(Quote, First, r"\bdevis\b", 1.5),
        // Invoice.
        cue(Invoice, Title, r"\bfacture\b|\binvoice\b|\bavoir\b", 6.0),
        cue(
            Invoice,
            First,
            r"facture\s*(n|no|num)|n\W{0,2}\s*(de\s*)?facture|numero de facture",
            2.0,
        ),
        cue(
            Invoice,
            First,
            r"echeance|net a payer|a regler|reglement a reception|penalites? de retard|indemnite forfaitaire|acquittee",
            1.5,
        ),
        cue(Quote, Title, r"\bpro ?-?forma\b", 3.0),
        // Programme.
        cue(Programme, Title, r"\bprogramme\b", 5.0),
        cue(Programme, Title, r"programme de certification", -5.0),
        cue(
            Programme,
            Title,
            r"\bfiche (programme|formation|pedagogique|descriptive|technique de formation)|\bplan de cours\b|\bsyllabus\b|\bcontenu de (la )?formation",
            4.0,
        ),
        cue(
            Programme,
            First,
            r"objectifs? (pedagogiques?|de (la )?formation|operationnels?|generaux)|\bobjectifs?\b",
            1.5,
        ),
        cue(Programme, First, r"pre-?\s?requis", 1.5),
        cue(
            Programme,
            First,
            r"public (vise|concerne|cible)|a qui s'adresse|profil (des|du) (stagiaire|apprenant|participant)",
            1.5,
        ),
        cue(
            Programme,
            First,
            r"methodes? (pedagogiques?|mobilisees)|moyens pedagogiques|modalites pedagogiques",
            1.0,
        ),
        cue(
            Programme,
            First,
            r"modalites d'evaluation|evaluation des acquis|suivi et evaluation",
            1.0,
        ),
        cue(
            Programme,
            First,
            r"contenu|deroule|progression pedagogique|\bmodule\b",
            1.0,
        ),
        cue(
            Programme,
            Rest,
            r"accessibilite|situation de handicap|methodes? pedagogiques|modalites d'evaluation",
            0.5,
        ),
        // Qualiopi certificate.
        cue(QualiopiCertificate, First, r"qualiopi", 3.0),
        cue(
            QualiopiCertificate,
            First,
            r"6316\s*-\s*1|l\.?\s?6313-1",
            3.0,
        ),
        cue(
            QualiopiCertificate,
            First,
            r"referentiel national (sur la |de )?qualite|certification qualite|actions concourant au developpement des competences",
            3.0,
        ),
        cue(QualiopiCertificate, Title, r"\bcertificat\b", 3.0),
        cue(
            QualiopiCertificate,
            First,
            r"organisme certificateur|certifie que|atteste que|est certifie|jugees? conformes?|programme de certification",
            2.0,
        ),
        cue(
            QualiopiCertificate,
            First,
            r"categories? d'actions?|categorie\(s\) d'action",
            2.0,
        ),
        cue(
            QualiopiCertificate,
            First,
            r"valable jusqu|fin de validite|date d'expiration|cycle de certification|accreditation",
            1.0,
        ),
        // Look-alikes of a certificate: label attestations, completion certificates.
        cue(
            QualiopiCertificate,
            Title,
            r"\blabel\b|labellisation|\battestation\b",
            -9.0,
        ),
        cue(
            QualiopiCertificate,
            First,
            r"certificat de realisation|attestation de (fin de )?formation|attestation d'assiduite|attestation de presence",
            -9.0,
        ),
        // Attendance sheet.
        cue(AttendanceSheet, Title, r"emargement", 9.0),
        cue(
            AttendanceSheet,
            Title,
            r"feuilles? de presences?|listes? de presences?|releve de presences?|registre de presence",
            8.0,
        ),
        cue(
            AttendanceSheet,
            First,
            r"\bmatin\b|apres-?\s?midi|\bam\b|\bpm\b|demi-?journee",
            1.5,
        ),
        cue(AttendanceSheet, First, r"signature|signe le|\bsigne\b", 1.0),
        cue(
            AttendanceSheet,
            First,
            r"stagiaires?|participants?|apprenants?",
            0.5,
        ),
        cue(
            Programme,
            First,
            r"description du programme|programme (detaille )?de (la )?formation|contenu du programme|\bprogramme\s*:",
            2.5,
        ),
        cue(
            Programme,
            First,
            r"objectifs pedagogiques|objectifs operationnels|competences visees",
            2.0,
        ),
        cue(Programme, First, r"\bduree\s*:", 1.0),
    ]
});

/// Titles of documents that are none of the kinds (terms of sale, catalogues, rules):
/// they count against every kind.
static NOT_A_PIECE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"conditions generales|reglement interieur|\bcatalogue\b|calendrier|\bplaquette\b|\bbrochure\b|livret d'accueil|nos formations|offre de formations|charte|politique de confidentialite|mentions legales",
    )
});

/// Below this score a document is `unknown`.
const MIN_SCORE: f64 = 4.5;

const KINDS: [DocumentKind; 5] = [
    DocumentKind::Quote,
    DocumentKind::Invoice,
    DocumentKind::Programme,
    DocumentKind::QualiopiCertificate,
    DocumentKind::AttendanceSheet,
];

/// The kind of the document and a confidence in `[0, 1]`.
pub(crate) fn classify(view: &DocView<'_>) -> (DocumentKind, f64) {
    let first_page: Vec<_> = view.first_page().collect();
    if first_page.is_empty() {
        return (DocumentKind::Unknown, 0.5);
    }
    let mut sizes: Vec<f32> = first_page.iter().map(|l| l.line.size).collect();
    sizes.sort_by(f32::total_cmp);
    let median = sizes[sizes.len() / 2];
    let join = |lines: &mut dyn Iterator<Item = &str>| lines.collect::<Vec<_>>().join("\n");
    // Headings: large lines, or short lines at the top of the page (not prose that happens
    // to sit high on the page).
    let title = join(
        &mut first_page
            .iter()
            .filter(|l| {
                l.line.size >= median * 1.2
                    || (l.top_fraction() < 0.25 && l.text().chars().count() <= 70)
            })
            .map(|l| l.folded.as_str()),
    );
    let first = join(&mut first_page.iter().map(|l| l.folded.as_str()));
    let first_number = first_page[0].page;
    let rest = join(
        &mut view
            .lines
            .iter()
            .filter(|l| l.page != first_number && l.page <= first_number + 8)
            .map(|l| l.folded.as_str()),
    );

    let mut scores = [0.0f64; 5];
    for cue in CUES.iter() {
        let text = match cue.zone {
            Zone::Title => &title,
            Zone::First => &first,
            Zone::Rest => &rest,
        };
        if cue.pattern.is_match(text) {
            if let Some(slot) = KINDS.iter().position(|k| *k == cue.kind) {
                scores[slot] += cue.weight;
            }
        }
    }
    if NOT_A_PIECE.is_match(&title) {
        for score in &mut scores {
            *score -= 8.0;
        }
    }
    let mut ranked: Vec<(DocumentKind, f64)> = KINDS.iter().copied().zip(scores).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (best, best_score) = ranked[0];
    let second = ranked[1].1.max(0.0);
    if best_score < MIN_SCORE {
        let confidence = 0.6 + 0.35 * ((MIN_SCORE - best_score) / MIN_SCORE).clamp(0.0, 1.0);
        return (DocumentKind::Unknown, (confidence * 100.0).round() / 100.0);
    }
    let margin = ((best_score - second) / 8.0).clamp(0.0, 1.0);
    let strength = (best_score / 10.0).clamp(0.0, 1.0);
    let confidence = 0.5 + 0.49 * margin.min(strength).max(margin * strength);
    (best, (confidence * 100.0).round() / 100.0)
}
