//! Fields of the payment-stage evidence of contract v1.1: the certificat de réalisation (the
//! ministry's 2019 model and the providers' attestations d'assiduité) and a distance-learning
//! platform's relevé de connexions.
//!
//! A certificate names the provider, the trainee(s), the action, its nature (a ticked box among
//! the four of article L.6313-1), its dates, the hours completed and the day it was signed. The
//! hours are those the certificate says were *done* ("durée effectivement suivie", "heures
//! réalisées"); a planned duration beside them is not read as done. A table of trainees with
//! their hours gives `hours_by_trainee`. A connection log gives, per trainee, the sum of the
//! durations of its connections, or the total its export prints.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use dossier_contract::{Field, Fields};
use regex::Regex;
use rust_decimal::Decimal;

use crate::attendance::looks_like_person;
use crate::commercial::{training_period, training_title};
use crate::values;
use crate::view::{DocView, Found, find_labeled, fold, re};

/// Words that say hours were planned, not done ("Heures prévues", "durée théorique").
static PLANNED: LazyLock<Regex> =
    LazyLock::new(|| re(r"prevue?s?|programmee?s?|theorique|planifiee?s?"));

/// Confidence of hours read after a label that says they were done.
const DONE_HOURS_CONFIDENCE: f64 = 0.85;
/// Confidence of hours read after "a suivi", "a participé à": usable, never sure (the
/// sentence may go on to a planned duration).
const LOOSE_DONE_HOURS_CONFIDENCE: f64 = 0.7;
/// Confidence of per-trainee hours read from a table row (a name cell and an hours cell).
const TABLE_HOURS_CONFIDENCE: f64 = 0.85;
/// Confidence of a table where a row had several numbers under the hours-done header (its
/// header cells merged; the rightmost number is taken under a last header): usable by the
/// rules, never a sure reading.
const AMBIGUOUS_COLUMN_CONFIDENCE: f64 = 0.7;

pub(crate) fn extract_completion(view: &DocView<'_>, fields: &mut Fields) {
    // The ministry's model names the action in its sentence: "a suivi l'action : …".
    static ACTION: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(ont|a) suivi (l'action|la formation|le stage|le module)( de formation)?\s*:|intitule de l'action( de formation)?\s*:?",
        )
    });
    let provider = fields.provider_name.as_ref().map(|p| p.value.clone());
    fields.training_title = find_labeled(view, &ACTION, &values::name)
        .into_iter()
        .next()
        .or_else(|| training_title(view, provider.as_deref()))
        .map(Found::into_field);
    let (start, end) = training_period(view);
    fields.start_date = start.map(Found::into_field);
    fields.end_date = end.map(Found::into_field);
    fields.signed_on = crate::certificate::signed_at(view)
        .map(|f| Found {
            confidence: f.confidence.min(crate::certificate::SIGNED_AT_CONFIDENCE),
            ..f
        })
        .map(Found::into_field);
    fields.action_nature = crate::certificate::categories(view)
        .filter(|c| c.value.len() == 1)
        .and_then(|c| {
            let nature = c.value.first()?.clone();
            Some(Field {
                value: nature,
                confidence: c.confidence,
                page: c.page,
                evidence: c.evidence,
                bbox: c.bbox,
            })
        });
    let table = trainee_hours_table(view);
    let mut names: Vec<Found<String>> = labelled_trainees(view);
    if let Some(table) = &table {
        for (name, _) in &table.value {
            if !names.iter().any(|n| n.value == *name) {
                names.push(Found {
                    value: name.clone(),
                    ..table.clone().map(|_| String::new())
                });
            }
        }
    }
    if let Some(first) = names.first() {
        let confidence = names.iter().map(|n| n.confidence).fold(1.0, f64::min);
        let all: Vec<String> = names.iter().map(|n| n.value.clone()).collect();
        let mut field = first.clone().map(|_| all).into_field();
        field.confidence = (confidence * 100.0).round() / 100.0;
        fields.trainee_names = Some(field);
    }
    // A table of several trainees gives each one's hours; a single figure beside it would be
    // one row's (a column header "Heures réalisées" over the first row).
    fields.hours_completed = if table.as_ref().is_some_and(|t| t.value.len() > 1) {
        None
    } else {
        done_hours(view).map(Found::into_field)
    };
    fields.hours_by_trainee = table.map(Found::into_field);
}

/// Trainees named after a label ("Nom et prénom du bénéficiaire : Sophie MARTIN", "atteste
/// que Madame Sophie MARTIN a suivi …"), civility dropped, kept only when they read as a
/// person's name.
fn labelled_trainees(view: &DocView<'_>) -> Vec<Found<String>> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(nom,? (et )?prenoms?|prenoms? et nom|identite)\s*(du |de la |de l'|des )?(beneficiaire|stagiaire|apprenant|salarie|participant)e?s?\s*:?|\b(beneficiaire|stagiaire|apprenant|participant)e?\s*:|atteste que\s*(madame|monsieur|mme|m\.)?",
        )
    });
    let mut out: Vec<Found<String>> = Vec::new();
    for mut found in find_labeled(view, &LABEL, &values::name) {
        let Some(name) = person_prefix(&found.value) else {
            continue;
        };
        if out.iter().any(|f| f.value == name) {
            continue;
        }
        found.value = name;
        out.push(found);
    }
    out
}

/// The longest run of words opening `text` that reads as a person's name, civility dropped
/// ("Madame Sophie MARTIN a suivi" gives "Sophie MARTIN").
fn person_prefix(text: &str) -> Option<String> {
    const CIVILITIES: &[&str] = &["madame", "monsieur", "mme", "m", "mlle", "mr"];
    let words: Vec<&str> = text
        .split_whitespace()
        .skip_while(|w| {
            let folded = fold(w.trim_end_matches('.')).0;
            CIVILITIES.contains(&folded.as_str())
        })
        .collect();
    (2..=words.len().min(5))
        .rev()
        .map(|n| words[..n].join(" "))
        .find(|candidate| looks_like_person(candidate))
}

/// Hours the certificate says were done: after a label that says so, never a planned
/// duration. The ministry model's sentence ("qui s'est déroulée du … au … pour une durée de
/// …") states the hours done; "a suivi la formation X d'une durée de 21 heures" may state the
/// planned ones, so those looser phrasings are trusted less and refused when a planned word
/// sits between. A certificate with a table per trainee leaves the hours to the table.
fn done_hours(view: &DocView<'_>) -> Option<Found<Decimal>> {
    static DONE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(duree|nombre d'heures|heures|temps)( de formation| totale?s?)?\s*(effectivement |reellement )?(suivie?s?|realisee?s?|effectuee?s?|accomplie?s?)\s*:|duree (effective|realisee)\s*:?|s'est deroulee?\b.{0,80}\bpour une duree de",
        )
    });
    static LOOSE: LazyLock<Regex> =
        LazyLock::new(|| re(r"\ba (effectivement )?suivi\b|\ba assiste a\b|\ba participe a\b"));
    // "d'une durée de …" announces the action's length, planned as often as done.
    static ANNOUNCED: LazyLock<Regex> = LazyLock::new(|| re(r"d'une duree de"));
    if let Some(found) = find_labeled(view, &DONE, &values::hours).into_iter().next() {
        return Some(Found {
            confidence: found.confidence.min(DONE_HOURS_CONFIDENCE),
            ..found
        });
    }
    find_labeled(view, &LOOSE, &values::hours)
        .into_iter()
        .find(|f| {
            let folded = fold(&f.evidence).0;
            !PLANNED.is_match(&folded) && !ANNOUNCED.is_match(&folded)
        })
        .map(|f| Found {
            confidence: f.confidence.min(LOOSE_DONE_HOURS_CONFIDENCE),
            ..f
        })
}

/// A table of trainees and their hours: rows whose first cell reads as a person and whose
/// other cells hold one duration ("Sophie MARTIN | 21 h", a connection export's subtotal), or,
/// under a header with a column of hours done ("Heures prévues | Heures réalisées"), the number
/// in that column. A name met on several rows (one row per connection) has its durations
/// summed.
fn trainee_hours_table(view: &DocView<'_>) -> Option<Found<BTreeMap<String, Decimal>>> {
    // The done column names hours done; a rate ("Taux de présence (%)") or a planned
    // column ("Heures prévues") is none.
    static DONE_COLUMN: LazyLock<Regex> = LazyLock::new(|| {
        re(r"realisee?s?|effectuee?s?|suivie?s?|effective?s?|presence|assiduite|\btotal\b")
    });
    static HOURS_WORD: LazyLock<Regex> = LazyLock::new(|| re(r"heure|duree|temps|\bh\b"));
    static RATE: LazyLock<Regex> = LazyLock::new(|| re(r"taux|%"));
    static NUMBER: LazyLock<Regex> =
        LazyLock::new(|| re(r"^\s*(\d{1,4}(?:[.,]\d{1,2})?)\s*(?:h(?:eures?)?)?\s*$"));
    let mut hours: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut first: Option<Found<()>> = None;
    // The header row met last: its page, its cells' centres, and which one heads the hours
    // done. A number right-aligned under a header belongs to the header nearest to it.
    let mut header: Option<(u32, Vec<f32>, usize)> = None;
    // The page of a header row naming planned hours and no hours done.
    let mut planned_header_page: Option<u32> = None;
    let mut ambiguous = false;
    let centre = |b: &dossier_layout::BBox| (b.x0 + b.x1) / 2.0;
    for (index, line) in view.lines.iter().enumerate() {
        let cells = &line.line.cells;
        if cells.len() >= 2
            && cells
                .iter()
                .all(|c| !c.text.chars().any(|ch| ch.is_ascii_digit()))
            && let Some(done) = cells.iter().skip(1).rposition(|c| {
                let folded = fold(&c.text).0;
                DONE_COLUMN.is_match(&folded)
                    && HOURS_WORD.is_match(&folded)
                    && !RATE.is_match(&folded)
                    && !PLANNED.is_match(&folded)
            })
        {
            header = Some((
                line.page,
                cells.iter().map(|c| centre(&c.bbox)).collect(),
                done + 1,
            ));
            continue;
        }
        if cells.len() >= 2
            && cells
                .iter()
                .all(|c| !c.text.chars().any(|ch| ch.is_ascii_digit()))
            && cells.iter().skip(1).any(|c| {
                let folded = fold(&c.text).0;
                PLANNED.is_match(&folded) && HOURS_WORD.is_match(&folded)
            })
        {
            planned_header_page = Some(line.page);
            continue;
        }
        let [name_cell, rest @ ..] = cells.as_slice() else {
            continue;
        };
        let name = name_cell.text.trim();
        if rest.is_empty() || !looks_like_person(name) {
            continue;
        }
        let in_done_column = header
            .as_ref()
            .filter(|(page, _, _)| *page == line.page)
            .and_then(|(_, centres, done)| {
                // Every number of the row under the hours-done header; several there (a
                // planned column whose header merged with its neighbour's) leave the column
                // in doubt: the nearest is kept and the table trusted less.
                let under_done: Vec<(f32, Decimal)> = rest
                    .iter()
                    .filter_map(|cell| {
                        let x = centre(&cell.bbox);
                        let nearest = centres
                            .iter()
                            .enumerate()
                            .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()))?
                            .0;
                        if nearest != *done {
                            return None;
                        }
                        let caps = NUMBER.captures(&cell.text)?;
                        let value = caps
                            .get(1)?
                            .as_str()
                            .replace(',', ".")
                            .parse::<Decimal>()
                            .ok()?;
                        Some(((centres[*done] - x).abs(), value))
                    })
                    .collect();
                ambiguous |= under_done.len() > 1;
                if under_done.len() > 1 && *done + 1 == centres.len() {
                    // The last header heads the last column: the rightmost number.
                    return under_done.last().map(|(_, v)| *v);
                }
                under_done
                    .into_iter()
                    .min_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, v)| v)
            });
        // Under a header of this page, only its done column speaks (a blank or "abs" done
        // cell beside "35 h" planned is no 35 h done); a table whose header names planned
        // hours and none done gives nothing.
        let header_here = header
            .as_ref()
            .is_some_and(|(page, _, _)| *page == line.page)
            || planned_header_page == Some(line.page);
        // A subtotal row ("MARTIN Sophie | Total | 12 h 30") restates the rows above it.
        let subtotal = rest.iter().any(|c| {
            let folded = fold(&c.text).0;
            crate::lexicon::cues(crate::lexicon::TOTALS, &crate::lexicon::words(&folded))
                .iter()
                .any(|m| m.cue == crate::lexicon::Cue::Total)
        });
        if subtotal {
            continue;
        }
        let durations: Vec<Decimal> = match in_done_column {
            Some(done) => vec![done],
            None if header_here => Vec::new(),
            None => rest
                .iter()
                .filter_map(|c| dossier_parse::find_duration_hours(&c.text))
                .filter(|(_, start, _)| *start <= 1)
                .map(|(h, _, _)| h)
                .collect(),
        };
        let [duration] = durations.as_slice() else {
            continue;
        };
        *hours.entry(name.to_string()).or_default() += *duration;
        first.get_or_insert_with(|| {
            crate::view::found_at(
                view,
                index,
                (),
                0,
                line.text().len(),
                TABLE_HOURS_CONFIDENCE,
            )
        });
    }
    let mut first = first?;
    if ambiguous {
        first.confidence = first.confidence.min(AMBIGUOUS_COLUMN_CONFIDENCE);
    }
    Some(first.map(|()| hours.into_iter().map(|(n, h)| (n, h.normalize())).collect()))
}
