//! Document classification from content, never from the file name.
//!
//! Each kind scores weighted cues. Cues in the title zone of the first page (its top third
//! and its large-font lines) weigh most: a bundle is what its first page says it is, so a
//! quote with its general terms appended stays a quote, and a quality-label attestation with
//! a copy of a Qualiopi certificate on page 2 is not a certificate. Cues that mark look-alikes
//! (a label attestation, a certificat de réalisation, general terms of sale, a catalogue)
//! count against the kinds they imitate, and the first document-type name met in the title
//! lines ([`DOCUMENT_TYPES`]) is the document's own: a look-alike type there counts against
//! every kind. A line stating a type and a number ("Facture n°…") is a title line wherever
//! it sits. Below a minimum score the kind is `unknown`.

use dossier_contract::DocumentKind;
use regex::Regex;
use std::sync::LazyLock;

use crate::lexicon::{DOCUMENT_TYPES, Titled, cues, words};
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
        cue(Invoice, Title, r"\bfacture\b|\binvoice\b", 6.0),
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
        // Look-alikes of a certificate: labels, completion certificates, attestations (an
        // attestation whose title opens with its being a certification is a certificate:
        // see `ATTESTATION_IN_TITLE`).
        cue(QualiopiCertificate, Title, r"\blabel\b|labellisation", -9.0),
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
        // Certificat de réalisation (the ministry's model) and attestation d'assiduité.
        cue(
            CompletionCertificate,
            Title,
            r"certificat de realisation|attestation d'assiduite|attestation de realisation",
            9.0,
        ),
        cue(
            CompletionCertificate,
            First,
            r"nature de l'action|a suivi|assiduite|effectivement (suivie?s?|realisee?s?)|heures? (realisee?s?|suivies?|effectuees?)|duree (realisee|effective)",
            1.5,
        ),
        // A distance-learning platform's connection record.
        cue(
            ConnectionLog,
            Title,
            r"(releve|journal|historique|rapport|suivi|export) (des |de )?connexions?|temps de connexion",
            9.0,
        ),
        cue(
            ConnectionLog,
            First,
            r"connexions?|temps passe|duree de (la )?session|\bplateforme\b|e-?learning|\blms\b|a distance",
            1.0,
        ),
    ]
});

/// A line that states a document's type and number ("Facture n°562044387 du 02 Juillet
/// 2015", "Devis DEV-2026-014", "Facture FA-2017-0010") is a title wherever it sits on the
/// first page: invoicing tools print a sender block first and the type mid-page.
static IDENTITY_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^\W*(facture|devis|avoir|convention|proposition|invoice)\b[^\d\n]{0,24}\d")
});

/// Facts only a training's quote states: a duration in hours or days of training, the
/// people trained, the provider's declaration number. A purchase order for supplies or a
/// quote for goods states none (a stationery order "pour la salle de formation" is no
/// training quote).
static TRAINING_FACT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\d\s*(h\b|h\d\d|heures?\b)|\b(une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|\d+)\s+(demi-)?journees?\b|jours? de formation|stagiaires?|participants?|apprenants?|beneficiaires?|personnes?\b|declaration d'activite|\bnda\b|programme",
    )
});

/// Titles that name a training's quote whatever else it says: a dossier's "devis" or
/// "convention" is the training's. A purchase order, an offer or a pro forma is a quote of
/// this domain only when it states a training fact.
static TRAINING_QUOTE_TITLE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bdevis\b|\bconvention\b|contrat de formation|\bproposition\b"));

/// What a quote without any training fact loses: more than its general cues, less than a
/// title and its cues together, so only a document titled as a quote and read as one in
/// every other respect stays a quote.
const NO_TRAINING_PENALTY: f64 = 6.0;

/// What a title naming a piece's type adds when no title cue of that kind matched (the
/// lexicon knows wordings the cue patterns do not: "Fiche individuelle de présence").
const HEAD_TYPE_WEIGHT: f64 = 5.0;

/// An address block's label ("Facturé à :", "Livré à ACME") names no document type: a quote
/// addressed "Facturé à" a company is no invoice. Blanked before the cues are matched.
static ADDRESS_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(facturee?s?|livree?s?|adressee?s?|envoyee?s?)\s+a\b(\s*l'attention)?")
});

/// A type named only to be denied: "Ce document ne constitue pas une facture".
static NEGATED_TYPE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(ne|n')\s*(constitue|est|vaut|remplace)\s+(pas|nullement|en aucun cas)\s+(une?\s+)?\w+")
});

/// The one-word type names of [`DOCUMENT_TYPES`], which OCR may split in two.
static TYPE_WORDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    DOCUMENT_TYPES
        .iter()
        .map(|(stem, _, _)| *stem)
        .filter(|stem| !stem.contains([' ', '*']))
        .collect()
});

/// Folded text without the words that name no type (address labels and denials), and
/// with a type name OCR split in two put back together ("Factu re" for a letter-spaced
/// "Facture" on a scanned invoice).
fn not_a_type(folded: &str) -> String {
    // "Facture à l'attention de …" is a title addressed to someone, not an address label.
    let without_labels = ADDRESS_LABEL.replace_all(folded, |caps: &regex::Captures<'_>| {
        if caps.get(2).is_some() {
            caps[0].to_string()
        } else {
            " ".to_string()
        }
    });
    let text = NEGATED_TYPE.replace_all(&without_labels, " ");
    let mut out: Vec<String> = Vec::new();
    let mut words = text.split(' ').peekable();
    while let Some(word) = words.next() {
        if let Some(next) = words.peek() {
            let joined = format!("{word}{next}");
            if !TYPE_WORDS.contains(&word)
                && TYPE_WORDS.contains(&joined.trim_matches(|c: char| !c.is_alphanumeric()))
            {
                out.push(joined);
                words.next();
                continue;
            }
        }
        out.push(word.to_string());
    }
    out.join(" ")
}

/// What a look-alike title costs every kind: enough that a programme's body vocabulary and
/// its "Programme" heading (13.5 on the convocation of `tests/it/classify.rs`) fall below
/// `MIN_SCORE` once it is paid, so
/// a convocation or an attestation d'inscription that describes its training in a
/// programme's words stays `unknown`.
const LOOK_ALIKE_PENALTY: f64 = 12.0;

static ATTESTATION_IN_TITLE: LazyLock<Regex> = LazyLock::new(|| re(r"\battestation\b"));

/// What an attestation in the title costs a certificate: as much as a label's (9), enough
/// that a certifier's letter in a certificate's vocabulary stays `unknown`.
const ATTESTATION_PENALTY: f64 = 9.0;

/// Below this score a document is `unknown`.
const MIN_SCORE: f64 = 4.5;

const KINDS: [DocumentKind; 7] = [
    DocumentKind::Quote,
    DocumentKind::Invoice,
    DocumentKind::Programme,
    DocumentKind::QualiopiCertificate,
    DocumentKind::AttendanceSheet,
    DocumentKind::CompletionCertificate,
    DocumentKind::ConnectionLog,
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
    // Each cell of a heading line stands alone: a letterhead and the document's title often
    // share a baseline ("Cap Manager Formation | Fiche individuelle de présence").
    let headings: Vec<String> = first_page
        .iter()
        .filter(|l| {
            l.line.size >= median * 1.2
                || (l.top_fraction() < 0.25 && l.text().chars().count() <= 70)
        })
        .flat_map(|l| cells_folded(l))
        .map(|cell| not_a_type(&cell))
        .collect();
    // A line stating a type and a number is a title only when no heading names a type: an
    // invoice headed "FACTURE" that cites "Convention de formation n° CF-2026-014 du …"
    // stays an invoice.
    let own = head_type(&headings);
    let identity: Vec<String> = if own.is_none() {
        first_page
            .iter()
            .filter(|l| IDENTITY_LINE.is_match(&l.folded))
            .map(|l| not_a_type(&l.folded))
            .collect()
    } else {
        Vec::new()
    };
    // Under a document's own title, a heading that states another type with its number is a
    // reference to another piece ("FACTURE" … "Convention de formation n° CF-2026-014 du …").
    let title_lines: Vec<&str> = headings
        .iter()
        .filter(|h| !(IDENTITY_LINE.is_match(h) && head_type(&[h.as_str()]) != own))
        .chain(&identity)
        .map(String::as_str)
        .collect();
    let title = title_lines.join("\n");
    let first = not_a_type(&join(&mut first_page.iter().map(|l| l.folded.as_str())));
    let first_number = first_page[0].page;
    let rest = join(
        &mut view
            .lines
            .iter()
            .filter(|l| l.page != first_number && l.page <= first_number + 8)
            .map(|l| l.folded.as_str()),
    );

    let mut scores = [0.0f64; KINDS.len()];
    let mut titled = [false; KINDS.len()];
    for cue in CUES.iter() {
        let text = match cue.zone {
            Zone::Title => &title,
            Zone::First => &first,
            Zone::Rest => &rest,
        };
        if cue.pattern.is_match(text) {
            if let Some(slot) = KINDS.iter().position(|k| *k == cue.kind) {
                scores[slot] += cue.weight;
                titled[slot] |= cue.zone == Zone::Title && cue.weight > 0.0;
            }
        }
    }
    let head = head_type(&title_lines);
    // An attestation named anywhere in the title ("AFNOR Certification — Attestation
    // d'engagement") is no certificate, unless the title opens by naming one (lexicon:
    // "attestation de certification").
    if ATTESTATION_IN_TITLE.is_match(&title)
        && head != Some(Titled::Piece(DocumentKind::QualiopiCertificate))
    {
        if let Some(slot) = KINDS
            .iter()
            .position(|k| *k == DocumentKind::QualiopiCertificate)
        {
            scores[slot] -= ATTESTATION_PENALTY;
        }
    }
    match head {
        Some(Titled::LookAlike) => {
            for score in &mut scores {
                *score -= LOOK_ALIKE_PENALTY;
            }
        }
        Some(Titled::Piece(kind)) => {
            if let Some(slot) = KINDS.iter().position(|k| *k == kind) {
                if !titled[slot] {
                    scores[slot] += HEAD_TYPE_WEIGHT;
                }
            }
        }
        None => {}
    }
    if !TRAINING_QUOTE_TITLE.is_match(&title)
        && !TRAINING_FACT.is_match(&first)
        && !TRAINING_FACT.is_match(&rest)
    {
        if let Some(slot) = KINDS.iter().position(|k| *k == DocumentKind::Quote) {
            scores[slot] -= NO_TRAINING_PENALTY;
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

/// The type the document's title names: the first document-type name met in its title
/// lines, in reading order.
pub(crate) fn head_type<S: AsRef<str>>(title_lines: &[S]) -> Option<Titled> {
    title_lines.iter().find_map(|line| {
        let words = words(line.as_ref());
        // A type names the document when it opens its line or cell, after a determiner at
        // most ("Notre devis"); further on it is a sentence's word ("Prérequis : avoir …").
        let opening = words.iter().take_while(|w| DETERMINERS.contains(w)).count();
        cues(DOCUMENT_TYPES, &words)
            .into_iter()
            .find(|m| m.word == opening)
            .map(|m| m.cue)
    })
}

/// Words that may precede a type name at the head of a title.
const DETERMINERS: &[&str] = &[
    "le", "la", "les", "l", "un", "une", "notre", "votre", "nos", "vos",
];

/// The folded text of each cell of a line (the line itself when it has one cell).
fn cells_folded(line: &crate::view::LineView<'_>) -> Vec<String> {
    if line.line.cells.len() <= 1 {
        return vec![line.folded.clone()];
    }
    line.line
        .cells
        .iter()
        .map(|cell| crate::view::fold(&cell.text).0)
        .collect()
}
