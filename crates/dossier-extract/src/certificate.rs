//! Fields of a Qualiopi certificate: number, certifying body, holder, SIREN/SIRET, NDA,
//! issue and expiry dates, and the categories of actions it covers.

use std::sync::LazyLock;

use chrono::NaiveDate;

use dossier_contract::{Field, Fields};
use regex::Regex;

use crate::values;
use crate::view::{DocView, Found, find_labeled, fold, found_at, re};

/// Certifying bodies and labelling instances named in public lists (domain rule QUAL-03),
/// as (folded pattern, canonical name). Kept in sync with the rulebook's accredited list.
const CERTIFIERS: &[(&str, &str)] = &[
    (r"ab certification", "AB Certification"),
    (r"activcert", "ACTIVCERT"),
    (r"afnor", "AFNOR Certification"),
    (r"alpha certif", "Alpha Certif 12"),
    (r"alticert", "ALTICERT"),
    (r"apave", "Apave Certification"),
    (r"atalia", "Atalia Certification"),
    (r"atecq", "ATECQ Certification"),
    (r"bcs certification", "BCS Certification"),
    (
        r"bureau de certification international",
        "Bureau de Certification International France",
    ),
    (r"bureau veritas", "Bureau Veritas Certification"),
    (r"capcert", "CAPCERT"),
    (r"ccta", "CCTA Certification"),
    (r"certifopac", "Certifopac"),
    (r"certi\.? ?kontrol", "Certi. Kôntrol"),
    (r"certup", "CertUp Maïeutika"),
    (r"cidees", "Cidées Certification"),
    (r"dauge fideliance", "Dauge Fideliance"),
    (r"dekra", "DEKRA Certification"),
    (r"global certification", "Global Certification"),
    (r"gqc", "GQC-Global Quality Cert"),
    (r"\bi\.? ?cert\b", "I.Cert"),
    (r"\bicpf\b", "ICPF"),
    (r"\bisq\b", "ISQ"),
    (r"label qualite systeme", "Label Qualité Système"),
    (r"\blrqa\b", "LRQA France"),
    (r"proneo", "Proneo Certification"),
    (r"qoanix", "QOANIX"),
    (r"qualianor", "Qualianor Certification"),
    (r"qualibat", "Qualibat"),
    (r"qualinow", "Qualinow"),
    (r"qualitia", "Qualitia Certification"),
    (r"\bsgs\b", "SGS ICS"),
    (r"socotec", "Socotec Certification"),
    (r"\blne\b", "LNE"),
    (r"procertif", "Procertif"),
    (r"qualiformagri", "Qualiformagri"),
];

pub(crate) fn extract_certificate(view: &DocView<'_>, fields: &mut Fields) {
    static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"certificat\s*(n|no|num|numero|#)\b\W{0,3}|(numero|n\W{0,2}|no)\s*(du\s*|de\s*)?certificat\W{0,3}|certificate\s*(n|no|number)\W{0,2}",
        )
    });
    fields.certificate_number = find_labeled(view, &NUMBER, &values::reference)
        .into_iter()
        .next()
        .or_else(|| title_number(view))
        .map(Found::into_field);
    fields.certifier = certifier(view).map(Found::into_field);

    static VALID_UNTIL: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(valable|valide|validite|certifie|certification)\s*(jusqu.?\s*(au|a)|au)\b|jusqu.?\s*au|date d'(expiration|echeance)|expire le|fin de (validite|certification)|date de fin( de validite)?|echeance\s*:|valid until|expiry date",
        )
    });
    static ISSUED: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"delivre le|date de delivrance|date d'(emission|edition|effet|octroi)|edite le|emis le|date de (la )?certification|valable (a compter )?du|a compter du|debut de (validite|certification)|date de debut|date de decision|\bdate\s*:",
        )
    });
    let mut valid_until = find_labeled(view, &VALID_UNTIL, &values::date)
        .into_iter()
        .next();
    // The first certification of a renewed certificate ("Date de certification initiale
    // 18/03/2020") is not this certificate's date of issue.
    static INITIAL: LazyLock<Regex> =
        LazyLock::new(|| re(r"initiale?\b|premiere (emission|certification)"));
    // Only the words just before the date speak (a merged line may hold both dates:
    // "Date de certification initiale : 18/03/2020   Date d'émission : 18/03/2026").
    let label_before = |f: &Found<chrono::NaiveDate>| -> String {
        /// Words before a date that make its label.
        const LABEL_WORDS: usize = 6;
        let words: Vec<&str> = view.lines[f.line_index]
            .line
            .words
            .iter()
            .filter(|w| w.bbox.x1 <= f.bbox.x0 + 0.5)
            .map(|w| w.text.as_str())
            .collect();
        // The label starts after the previous value on the line, if any.
        let from = words
            .iter()
            .rposition(|w| w.chars().any(|c| c.is_ascii_digit()))
            .map_or(0, |i| i + 1)
            .max(words.len().saturating_sub(LABEL_WORDS));
        fold(&words[from..].join(" ")).0
    };
    let mut issued = find_labeled(view, &ISSUED, &values::date)
        .into_iter()
        .find(|f| !INITIAL.is_match(&label_before(f)));
    // "valable du 01/08/2025 au 31/07/2028".
    if valid_until.is_none() || issued.is_none() {
        static VALIDITY: LazyLock<Regex> =
            LazyLock::new(|| re(r"valid|valable|certifi|attribu|periode"));
        let range = view.lines.iter().enumerate().find_map(|(index, line)| {
            if !VALIDITY.is_match(&line.folded) {
                return None;
            }
            values::date_range(line.text())
                .map(|((s, e), a, b)| found_at(view, index, (s, e), a, b, 0.9))
        });
        if let Some(range) = range {
            let (start, end) = range.value;
            issued = issued.or_else(|| Some(range.clone().map(|_| start)));
            valid_until = valid_until.or_else(|| Some(range.map(|_| end)));
        }
    }
    // The place and date the certifier signed at ("Fait à PARIS le 05 novembre 2024", "Le
    // Plessis-Robinson, le 10 avril 2026"): the certificate's date of issue when no label
    // names one.
    if issued.is_none() {
        issued = signed_at(view).map(|mut f| {
            f.confidence = f.confidence.min(SIGNED_AT_CONFIDENCE);
            f
        });
    }
    if let (Some(i), Some(v)) = (&issued, &valid_until) {
        if i.value >= v.value {
            issued = None;
        }
    }
    fields.valid_until = valid_until.map(Found::into_field);
    fields.issued_on = issued.map(Found::into_field);
    fields.categories = categories(view);
    fields.provider_name = holder(view)
        .map(Found::into_field)
        .or(fields.provider_name.take());
    drop_certifier_identifiers(view, fields);
}

/// A certificate prints its certifier's own legal notice ("Qualitias Évaluation SAS · … ·
/// SIRET 478 461 684 00019 · Accréditation COFRAC n° 5-0698"): a SIRET read on that line is
/// the certifier's, not the provider's. So is a SIRET whose SIREN differs from the holder's
/// SIREN printed off the certifier's lines. Such a SIRET is dropped; another one printed off
/// the certifier's lines replaces it, trusted only when it starts with the holder's SIREN
/// (otherwise it is shown, under the rules' threshold, for the adviser).
fn drop_certifier_identifiers(view: &DocView<'_>, fields: &mut Fields) {
    static ACCREDITATION: LazyLock<Regex> = LazyLock::new(|| re(r"\bcofrac\b|accreditation"));
    let certifier_name = fields
        .certifier
        .as_ref()
        .map(|c| fold(&c.value).0)
        .filter(|n| n.chars().filter(|c| c.is_alphabetic()).count() >= MIN_CERTIFIER_NAME_LETTERS);
    let certifier_line = |line: &crate::view::LineView<'_>| {
        ACCREDITATION.is_match(&line.folded)
            || certifier_name
                .as_ref()
                .is_some_and(|n| line.folded.contains(n.as_str()))
    };
    let line_of = |field: &Field<String>| crate::view::line_of_field(view, field).map(|(_, l)| l);
    // A VAT number on the certifier's notice is the certifier's too.
    if fields
        .provider_vat_number
        .as_ref()
        .is_some_and(|v| line_of(v).is_some_and(certifier_line))
    {
        fields.provider_vat_number = None;
    }
    let Some(siret) = &fields.provider_siret else {
        return;
    };
    // The holder's SIREN, when printed off the certifier's lines.
    let holder_siren = fields
        .provider_siren
        .as_ref()
        .filter(|s| line_of(s).is_some_and(|l| !certifier_line(l)))
        .filter(|s| !siret.value.starts_with(&s.value))
        .map(|s| s.value.clone());
    let on_certifier_line = line_of(siret).is_some_and(certifier_line);
    if !on_certifier_line && holder_siren.is_none() {
        return;
    }
    let rejected = siret.value.get(..9).unwrap_or_default().to_string();
    fields.provider_siret = view.lines.iter().enumerate().find_map(|(index, line)| {
        if certifier_line(line) {
            return None;
        }
        let m = dossier_parse::find_siret(line.text())
            .into_iter()
            .find(|m| !m.value.starts_with(&rejected))?;
        let confidence = if holder_siren
            .as_ref()
            .is_some_and(|s| m.value.starts_with(s))
        {
            HOLDER_SIRET_CONFIDENCE
        } else {
            UNCONFIRMED_SIRET_CONFIDENCE
        };
        Some(found_at(view, index, m.value, m.start, m.end, confidence).into_field())
    });
    // A SIREN taken from the dropped SIRET goes with it.
    if fields
        .provider_siren
        .as_ref()
        .is_some_and(|s| s.value == rejected)
    {
        fields.provider_siren = None;
    }
}

/// Letters a certifier's name must have to identify its notice line by containment ("AB
/// Certification" is 14; shorter readings are fragments that would match other lines).
const MIN_CERTIFIER_NAME_LETTERS: usize = 8;
/// Confidence of a replacement SIRET that starts with the holder's printed SIREN.
const HOLDER_SIRET_CONFIDENCE: f64 = 0.85;
/// Confidence of a replacement SIRET nothing ties to the holder: shown to the adviser, under
/// the rules' 0.6.
const UNCONFIRMED_SIRET_CONFIDENCE: f64 = 0.55;

/// The place and date a document was signed at ("Fait à PARIS le 05 novembre 2024", "Le
/// Plessis-Robinson, le 10 avril 2026"), read as the date.
pub(crate) fn signed_at(view: &DocView<'_>) -> Option<Found<NaiveDate>> {
    static SIGNED_AT: LazyLock<Regex> = LazyLock::new(|| {
        re(r"^\W*fait\s+a\s+[^,\d:]{2,40}?,?\s+le\b|^\W*[a-z][a-z' -]{2,40},\s+le\b")
    });
    find_labeled(view, &SIGNED_AT, &values::date)
        .into_iter()
        .next()
}

/// Confidence of an issue date read from the signature's place and date: a certificate may
/// be re-edited later than issued (a renewal printed with the day of printing), so it stays
/// under the clear 0.95 of a labelled date and under 0.8, where a reading counts as sure.
pub(crate) const SIGNED_AT_CONFIDENCE: f64 = 0.75;

/// How far down the first page a certificate's own number is printed with its title
/// ("CERTIFICAT QUA007764", "Certificat" then "N° 2022/102576.2"): the ten certifiers'
/// certificates of `../shared/benchmarks` print it within the top 30 %; lower, a bare "N°"
/// is an accreditation's or a decree's.
const TITLE_NUMBER_ZONE: f32 = 0.4;

/// The certificate's number printed as part of its title, without a "numéro" label: the
/// title word followed by a reference ("CERTIFICAT QUA007764"), or a bare "N°" opening one of
/// the lines just below the title word ("Certificat" / "N° 2022/102576.2"); a bare "N°"
/// elsewhere is an accreditation's ("Accréditation" / "N° 5-0616" in the Qualiopi mark).
/// The reference keeps a short letter prefix printed apart ("N° RNQ 3836").
fn title_number(view: &DocView<'_>) -> Option<Found<String>> {
    static TITLE: LazyLock<Regex> =
        LazyLock::new(|| re(r"^\W*certificat\b\s*((n\b\W{0,2}|no\b|numero\b)\s*)?:?\s*"));
    static BARE: LazyLock<Regex> = LazyLock::new(|| re(r"^\W*(n\b\W{0,2}|no\b)\s*:?\s*"));
    // As printed (case kept): a short capital prefix may stand apart from the digits.
    static REFERENCE: LazyLock<Regex> =
        LazyLock::new(|| re(r"^(?:[A-Z]{2,4} )?[A-Z]{0,4}\d[A-Za-z0-9\-_/.]*"));
    static ACCREDITATION: LazyLock<Regex> = LazyLock::new(|| re(r"accreditation|cofrac"));
    /// Lines below the title word where its bare "N°" may stand (a blank or decorative
    /// line may sit between them).
    const LINES_BELOW_TITLE: usize = 2;
    let first_page = view.first_page_indexed();
    let title = first_page
        .iter()
        .position(|(_, l)| l.top_fraction() < TITLE_NUMBER_ZONE && TITLE.is_match(&l.folded))?;
    first_page
        .iter()
        .skip(title)
        .take(LINES_BELOW_TITLE + 1)
        .enumerate()
        .find_map(|(offset, (index, line))| {
            // A bare number under an accreditation's line is the accreditation's.
            if offset > 0
                && first_page
                    .get(title + offset - 1)
                    .is_some_and(|(_, above)| ACCREDITATION.is_match(&above.folded))
            {
                return None;
            }
            let label = if offset == 0 { &TITLE } else { &BARE };
            let label = label.find(&line.folded)?;
            let start = line.orig(label.end());
            let found = REFERENCE.find(line.text().get(start..)?)?;
            let value = found.as_str().trim_end_matches(['.', '-', '/']);
            let end = start + value.len();
            (dossier_parse::parse_date(value).is_none()
                && value.chars().filter(char::is_ascii_digit).count() >= 3)
                .then(|| found_at(view, *index, value.to_string(), start, end, 0.85))
        })
}

fn certifier(view: &DocView<'_>) -> Option<Found<String>> {
    static PATTERNS: LazyLock<Vec<(Regex, &'static str)>> =
        LazyLock::new(|| CERTIFIERS.iter().map(|(p, n)| (re(p), *n)).collect());
    static ROLE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"certificateur|atteste|certifie|delivre par|organisme de certification|accreditation|cofrac",
        )
    });
    let mut best: Option<(u8, Found<String>)> = None;
    for (index, line) in view.lines.iter().enumerate() {
        for (pattern, name) in PATTERNS.iter() {
            if let Some(m) = pattern.find(&line.folded) {
                let rank = if ROLE.is_match(&line.folded) { 2 } else { 1 };
                if best.as_ref().is_none_or(|(r, _)| rank > *r) {
                    let (s, e) = (line.orig(m.start()), line.orig(m.end()));
                    best = Some((
                        rank,
                        found_at(
                            view,
                            index,
                            (*name).to_string(),
                            s,
                            e,
                            if rank == 2 { 0.95 } else { 0.85 },
                        ),
                    ));
                }
            }
        }
    }
    best.map(|(_, f)| f)
}

/// The categories of actions: taken from the lines following a "catégorie" heading when there
/// is one (the legal boilerplate elsewhere names categories too), else from the whole text.
/// A category next to an unticked box is not covered.
pub(crate) fn categories(view: &DocView<'_>) -> Option<Field<Vec<String>>> {
    static HEADING: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"categorie|realisation de prestations|au titre (de la|des) categor|perimetre|portee de la certification|scope",
        )
    });
    static APPRENTICESHIP: LazyLock<Regex> = LazyLock::new(|| {
        re(r"actions? de formation par (la voie de l.)?apprentissage|\bapprentissage\b|\bcfa\b")
    });
    static TRAINING: LazyLock<Regex> =
        LazyLock::new(|| re(r"actions? de formation(?: continue| professionnelle)?\b"));
    static SKILLS: LazyLock<Regex> = LazyLock::new(|| re(r"bilans? de competences"));
    static VAE: LazyLock<Regex> =
        LazyLock::new(|| re(r"validation des acquis|valider les acquis|\bvae\b"));
    // The box that governs a category is the last one before its words on the line: the
    // words may start further on ("☐ Actions permettant de faire valider les acquis").
    static UNTICKED: LazyLock<Regex> =
        LazyLock::new(|| re(r"([☐□❏◻○◯◦]|\[\s?\])[^☐□❏◻○◯◦☑☒✓✔✗✘⊠■●◉\[\]]*$|\bnon\s*$"));
    static NOT_SCOPE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^\W*(vu |(le |l')?decret|(l')?arrete)|qualite des actions de la formation|concourant au developpement",
        )
    });

    const TICK_MARKS: [char; 3] = ['✔', '✓', '☑'];
    static NOT_CONCERNED: LazyLock<Regex> =
        LazyLock::new(|| re(r"^[^a-z]*(non concerne|non\s*$|sans objet)|(^|\s)-\s*$"));
    let ticks_and_crosses = view.lines.iter().any(|l| l.folded.contains(TICK_MARKS))
        && view.lines.iter().any(|l| l.folded.contains(CROSS_MARKS));
    // Whether the category words at `start..end` of a folded line are marked as not
    // certified: an empty box before them, a ✘ in a list marked ✔ for yes, or "non
    // concerné" after them.
    let not_ticked = |folded: &str, start: usize, end: usize| {
        let crossed = ticks_and_crosses
            && folded[..start]
                .chars()
                .rev()
                .find(|c| TICK_MARKS.contains(c) || CROSS_MARKS.contains(c))
                .is_some_and(|c| CROSS_MARKS.contains(&c));
        UNTICKED.is_match(&folded[..start]) || crossed || NOT_CONCERNED.is_match(&folded[end..])
    };
    // The categories follow their heading; a word that reads like a heading elsewhere (the
    // sites "inclus dans le périmètre de la certification" after the list) has none after it,
    // so each heading is tried in turn, then the whole document with less confidence.
    let lines_after = |h: usize| -> Vec<usize> {
        let start = h - row_lines_above(view, h);
        (start..(h + 8).min(view.lines.len()))
            .filter(|i| view.lines[*i].page == view.lines[h].page)
            .collect()
    };
    // A category whose own line shows no mark (a wrapped label, its "NON" centred on the
    // line between its two halves): the mark printed alone on the nearest line of its row.
    // Only a mark between the label's two halves counts: a mark alone on the line after a
    // label whose next line is another category belongs to no one for sure.
    let neighbour_mark = |index: usize| -> Option<bool> {
        let line = &view.lines[index];
        let (mark_line, rest) = (view.lines.get(index + 1)?, view.lines.get(index + 2)?);
        let tight = |upper: &crate::view::LineView<'_>, lower: &crate::view::LineView<'_>| {
            lower.page == upper.page
                && upper.line.bbox.y0 - lower.line.bbox.y1 < upper.line.size * ROW_LINE_GAP
        };
        let names_a_category = [&*TRAINING, &*SKILLS, &*VAE, &*APPRENTICESHIP]
            .iter()
            .any(|p| p.is_match(&rest.folded));
        let continues_label = !MARK_ON_LINE.is_match(&rest.folded)
            && !names_a_category
            && rest.line.bbox.x0 < mark_line.line.bbox.x0;
        if !tight(line, mark_line) || !tight(mark_line, rest) || !continues_label {
            return None;
        }
        let caps = MARK_ALONE.captures(&mark_line.folded)?;
        let mark = caps.get(1)?.as_str();
        let unticked = mark == "non"
            || mark == "no"
            || mark.contains(UNTICKED_BOXES)
            || mark.contains(CROSS_MARKS)
            || (mark.starts_with('[') && !mark.contains('x'));
        Some(!unticked)
    };
    let has_mark = |folded: &str| MARK_ON_LINE.is_match(folded);
    let scan = |scope: Vec<usize>| -> Vec<(&'static str, usize)> {
        let mut found: Vec<(&'static str, usize)> = Vec::new();
        for index in scope {
            let line = &view.lines[index];
            if NOT_SCOPE.is_match(&line.folded) {
                continue;
            }
            let mut check = |pattern: &Regex, name: &'static str, exclude: Option<&Regex>| {
                for m in pattern.find_iter(&line.folded) {
                    if exclude.is_some_and(|ex| {
                        ex.find_at(&line.folded, m.start())
                            .is_some_and(|e| e.start() == m.start())
                    }) {
                        continue;
                    }
                    if not_ticked(&line.folded, m.start(), m.end()) {
                        continue;
                    }
                    if !has_mark(&line.folded) && neighbour_mark(index) == Some(false) {
                        continue;
                    }
                    if !found.iter().any(|(n, _)| *n == name) {
                        found.push((name, index));
                    }
                }
            };
            check(&APPRENTICESHIP, "apprenticeship", None);
            check(&TRAINING, "training_actions", Some(&APPRENTICESHIP_ACTION));
            check(&SKILLS, "skills_assessment", None);
            check(&VAE, "vae", None);
            // The article that defines the categories numbers them: L.6313-1 1° to 4°.
            for caps in LEGAL_CATEGORY.captures_iter(&line.folded) {
                let Some(whole) = caps.get(0) else { continue };
                if not_ticked(&line.folded, whole.start(), whole.end()) {
                    continue;
                }
                let name = match caps.get(1).map(|m| m.as_str()) {
                    Some("1") => "training_actions",
                    Some("2") => "skills_assessment",
                    Some("3") => "vae",
                    Some("4") => "apprenticeship",
                    _ => continue,
                };
                if !found.iter().any(|(n, _)| *n == name) {
                    found.push((name, index));
                }
            }
        }
        found
    };
    let headed = view
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| HEADING.is_match(&l.folded))
        .map(|(h, _)| scan(lines_after(h)))
        .find(|found| !found.is_empty());
    let heading = headed.is_some();
    let found = headed.unwrap_or_else(|| scan((0..view.lines.len()).collect()));
    let first_index = found.iter().map(|(_, i)| *i).min()?;
    let line = &view.lines[first_index];
    let mut names: Vec<String> = found.iter().map(|(n, _)| (*n).to_string()).collect();
    names.sort_by_key(|n| {
        [
            "training_actions",
            "skills_assessment",
            "vae",
            "apprenticeship",
        ]
        .iter()
        .position(|k| k == n)
    });
    // Boxes printed for some categories but none readable before a ticked one: its box was
    // lost (a tick drawn as a graphic, a ☒ OCR could not read, "☐" read as "Cl"); or marks
    // printed on lines of their own that no category line can be tied to.
    let last_index = found.iter().map(|(_, i)| *i).max().unwrap_or(first_index);
    let near = first_index.saturating_sub(BOX_LIST_REACH)
        ..(last_index + BOX_LIST_REACH + 1).min(view.lines.len());
    let boxes_printed = view.lines[near]
        .iter()
        .any(|l| EMPTY_BOX.is_match(&l.folded) || MARK_ALONE.is_match(&l.folded));
    let box_lost = boxes_printed
        && found
            .iter()
            .any(|(_, i)| !MARK_ON_LINE.is_match(&view.lines[*i].folded));
    Some(Field {
        value: names,
        confidence: if box_lost {
            LOST_BOX_CONFIDENCE
        } else if heading {
            0.92
        } else {
            0.75
        },
        page: line.page,
        evidence: crate::view::evidence_of(line.text()),
        bbox: Some([
            line.line.bbox.x0,
            line.line.bbox.y0,
            line.line.bbox.x1,
            line.line.bbox.y1,
        ]),
    })
}

/// Lines around the ticked categories searched for the list's empty boxes (a list of the
/// four categories, with its heading).
const BOX_LIST_REACH: usize = 4;

/// Confidence of categories read from a list whose boxes are printed but whose ticked one
/// could not be read: below the rules' 0.6, so the scope is checked by hand (the scanned
/// Certineo certificate of the wild corpus read its ☒ as nothing and a ☐ as "Cl").
const LOST_BOX_CONFIDENCE: f64 = 0.55;

/// An empty box as printed or as OCR reads it: "☐", "[ ]", "[]".
static EMPTY_BOX: LazyLock<Regex> = LazyLock::new(|| re(r"[☐□❏◻○◯◦]|\[\s?\]"));

/// Gap between two lines of one table row, in line heights: a wrapped cell's lines and a mark
/// centred beside them are set 0.2 to 0.5 of a height apart (Chromium and Calc certificates of
/// the corpora), two rows a full height or more.
const ROW_LINE_GAP: f32 = 1.0;

/// Crosses that mean "no" in a list whose "yes" is a tick.
const CROSS_MARKS: [char; 2] = ['✘', '✗'];

/// Empty boxes as printed ("☐", "□", "❏", "◻"), and the hollow bullets some certifiers use
/// for "not certified" beside filled ones ("● certifiée / ○ non certifiée").
const UNTICKED_BOXES: [char; 7] = ['☐', '□', '❏', '◻', '○', '◯', '◦'];

/// A line holding a category's mark and nothing else: "NON", "Oui", "☐", "✔", "[X]".
static MARK_ALONE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\W*?(oui|non|yes|no|[☐□❏◻○◯◦☑☒✓✔✗✘⊠■●◉]|\[\s?x?\s?\])\W*$"));

/// Whether a line shows a mark of its own: a box, a tick or a cross, "oui"/"non" at its end.
static MARK_ON_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"[☐□❏◻○◯◦☑☒✓✔✗✘⊠■●◉]|\[\s?x?\s?\]|\b(oui|non|yes|no)\W*$|\s-\s*$"));

/// How many lines right above a heading belong to its table row: a label cell ("Catégories
/// d'actions") centred beside a taller list of values prints below the first values, whose
/// lines stand wholly right of the label.
fn row_lines_above(view: &DocView<'_>, heading: usize) -> usize {
    /// A table row's values, beside one label: more would be another row.
    const MAX_VALUES_ABOVE: usize = 4;
    let label = &view.lines[heading];
    let Some(label_cell) = label.line.cells.first() else {
        return 0;
    };
    let mut count = 0;
    let mut lower = label;
    while count < MAX_VALUES_ABOVE {
        let Some(above) = heading
            .checked_sub(count + 1)
            .and_then(|i| view.lines.get(i))
        else {
            break;
        };
        let beside = above
            .line
            .cells
            .first()
            .is_some_and(|c| c.bbox.x0 > label_cell.bbox.x1);
        if above.page != label.page
            || !beside
            || above.line.bbox.y0 - lower.line.bbox.y1 > label.line.size * ROW_LINE_GAP
        {
            break;
        }
        lower = above;
        count += 1;
    }
    count
}

/// "L.6313-1 - 1°", "L6313-1 -1° :", "article L. 6313-1, 4°": the ordinal of the category.
static LEGAL_CATEGORY: LazyLock<Regex> = LazyLock::new(|| re(r"l\.?\s?6313-1\W{0,6}([1-4])\s?°"));

static APPRENTICESHIP_ACTION: LazyLock<Regex> =
    LazyLock::new(|| re(r"actions? de formation par (la voie de l.)?apprentissage"));

/// The certificate's holder: the largest line of the first page that is neither the
/// certifier, nor a title, nor boilerplate.
fn holder(view: &DocView<'_>) -> Option<Found<String>> {
    static NOT_HOLDER: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"certifica|qualiopi|attestation|referentiel|atteste|\bn\W|siren|siret|declaration|version|adresse|\d{5}|rue |avenue|boulevard|accreditation|cofrac|page|edite|valable|\bdate\b|republique|marque",
        )
    });
    let first = view.first_page_indexed();
    let certifiers: Vec<Regex> = CERTIFIERS.iter().map(|(p, _)| re(p)).collect();
    let (index, line) = first
        .iter()
        .filter(|(_, l)| {
            let letters = l.text().chars().filter(|c| c.is_alphabetic()).count();
            letters >= 4
                && l.text().chars().count() <= 90
                && !NOT_HOLDER.is_match(&l.folded)
                && !certifiers.iter().any(|c| c.is_match(&l.folded))
        })
        .max_by(|a, b| a.1.line.size.total_cmp(&b.1.line.size).then(b.0.cmp(&a.0)))?;
    let text = line.text().trim().to_string();
    Some(found_at(view, *index, text.clone(), 0, text.len(), 0.7))
}
