//! Fields of a sign-in sheet (feuille d'émargement) read from text: the sessions (date,
//! half-day, hours), who signed which half-day, and the hours signed per trainee.
//!
//! Every (trainee, half-day) cell is read as one of three marks ([`Mark`]): signed, absent or
//! uncertain. Crosses ("✗", "x"), slashes and dashes are never a signature: they are absent
//! only when the sheet's own legend says they mark an absence, and uncertain otherwise, as are
//! initials and unknown words. An uncertain cell is counted neither as signed nor as absent;
//! it puts the sheet's confidence below what the rules accept (so the dossier goes to review,
//! never to pass on a guess) and is named in `uncertain_slots`.
//!
//! Shapes understood ([`grid`], [`list`]): a grid, with a header row of half-day columns (a
//! date with "matin"/"après-midi" or a time range, the date possibly on a row above spanning
//! two columns) and one row per trainee; a list, one row per trainee and half-day with the
//! date, the half-day or times, and the status, possibly in per-trainee blocks. A half-day's
//! hours come from its time range, or from the sheet's stated timetable; when neither is
//! printed, hours are not reported.
//!
//! A signature may be ink rather than text: on a scan, ink that OCR reports as non-text; on a
//! text-layer PDF, vector paths and images drawn on the page. A grid cell is signed when
//! enough of that ink lies in it, empty when almost none does, and uncertain in between.

mod cell;
mod grid;
mod list;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use dossier_contract::{Field, Fields, Session, SessionPeriod, UncertainSlot};
use dossier_layout::BBox;
use regex::Regex;
use rust_decimal::Decimal;

use crate::values;
use crate::view::{DocView, Found, find_labeled, re};

static MORNING: LazyLock<Regex> = LazyLock::new(|| re(r"\bmatin(ee)?\b|\bam\b|\bmatinale\b"));
static AFTERNOON: LazyLock<Regex> = LazyLock::new(|| re(r"apres-?\s?midi|\bpm\b|\bam\s*/\s*pm\b"));
static NOT_TRAINEE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"formateur|formatrice|intervenant|total|signature|\bnom\b|stagiaire|participant|\bdate|horaires?|matin|apres|page|organisme|feuille|emargement|intitule|lieu|session|seance|entreprise|siret|responsable|cachet|formation|legende|journee",
    )
});

/// Confidence of a sheet read with no doubtful cell: a grid (columns located by their
/// header) and a list (every row states its slot).
const GRID_CONFIDENCE: f64 = 0.9;
const LIST_CONFIDENCE: f64 = 0.88;
/// Confidence of a sheet with at least one uncertain cell: under the rulebook's
/// `min_field_confidence` (0.6), so the hours are checked by hand rather than paid or cut.
const UNCERTAIN_CONFIDENCE: f64 = 0.45;

/// What one (trainee, half-day) cell says. Ordered so that, when a cell is read twice (two
/// tables of one sheet), the most telling reading wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) enum Mark {
    /// Nothing, or a mark the sheet says means absent.
    #[default]
    Absent,
    /// A cross, a dash, initials, ink that is neither a signature nor nothing.
    Uncertain,
    Signed,
}

#[derive(Debug, Clone)]
struct Slot {
    date: NaiveDate,
    period: SessionPeriod,
    hours: Option<Decimal>,
}

pub(crate) fn extract_attendance(view: &DocView<'_>, fields: &mut Fields) {
    static TRAINER: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"format(eur|rice)(\(trice\))?\s*(referent|principal)?\s*:|intervenant(e)?\b|animee? par|anime\(e\) par|animat(eur|rice)\b|trainer\b|\bformat(eur|rice)\b",
        )
    });
    // Labels without a colon count (a key/value table: "Intervenant | Julien Marchetti"):
    // what follows must read as a person's name in any case.
    fields.trainer = find_labeled(view, &TRAINER, &values::name)
        .into_iter()
        .filter(|f| !f.value.to_lowercase().starts_with("signature"))
        .find_map(person_apart_from_labels)
        .map(Found::into_field);
    fields.training_title = crate::commercial::training_title(
        view,
        fields.provider_name.as_ref().map(|p| p.value.as_str()),
    )
    .map(Found::into_field);
    let context = Context::new(view);
    // Both readings are tried; the one that accounts for more (trainee, half-day) cells wins
    // (a per-trainee block export has date lines that also look like one-column headers), and
    // between equals the one whose trainees read as people's names (a per-slot heading above
    // the name column also looks like a one-column header that cuts "Julie | MARTIN").
    let coverage = |m: &Marks| {
        let people = m.signatures.keys().filter(|n| looks_like_person(n)).count();
        (m.signatures.len() * m.slots.len(), people)
    };
    let marks = match (grid::grid(view, &context), list::list(view, &context)) {
        (Some(g), Some(l)) => Some(if coverage(&l) > coverage(&g) { l } else { g }),
        (g, l) => g.or(l),
    };
    let Some(mut marks) = marks else { return };
    // The trainer signs the sheet too, often in a row of the grid under the trainees: that
    // row is the trainer's attendance, not a trainee's.
    if let Some(trainer) = &fields.trainer {
        // Compared word by word in any order: "MARCHETTI Julien" is "Julien Marchetti".
        let words = |s: &str| -> Vec<String> {
            let mut words: Vec<String> = crate::view::fold(s)
                .0
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            words.sort();
            words
        };
        let trainer = words(&trainer.value);
        marks.signatures.retain(|name, _| words(name) != trainer);
        if marks.signatures.is_empty() {
            return;
        }
    }
    let uncertain: Vec<UncertainSlot> = marks
        .signatures
        .iter()
        .flat_map(|(name, row)| {
            marks
                .slots
                .iter()
                .zip(row)
                .filter(|(_, m)| **m == Mark::Uncertain)
                .map(|(slot, _)| UncertainSlot {
                    trainee: name.clone(),
                    date: slot.date,
                    period: slot.period,
                })
        })
        .collect();
    if !uncertain.is_empty() {
        marks.confidence = marks.confidence.min(UNCERTAIN_CONFIDENCE);
        // Which cells are doubtful is itself read with the sheet's layout confidence.
        let mut field = marks.field(uncertain);
        field.confidence = GRID_CONFIDENCE;
        fields.uncertain_slots = Some(field);
    }
    let trainees = marks.signatures.len();
    fields.expected_slots = Some(marks.field((marks.slots.len() * trainees) as u32));
    fields.signed_slots = Some(
        marks.field(
            marks
                .signatures
                .values()
                .map(|s| s.iter().filter(|m| **m == Mark::Signed).count() as u32)
                .sum(),
        ),
    );
    let dates = marks.slots.iter().map(|s| s.date);
    if let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) {
        fields.start_date = Some(marks.field(first));
        fields.end_date = Some(marks.field(last));
    }
    // Sessions are reported with the hours the sheet prints for them (none when it prints
    // none); hours per trainee only when every half-day's length is printed, the half-days
    // each trainee signed always.
    fields.sessions = Some(
        marks.field(
            marks
                .slots
                .iter()
                .map(|s| Session {
                    date: s.date,
                    period: s.period,
                    hours: s.hours,
                })
                .collect(),
        ),
    );
    fields.signed_half_days_by_trainee = Some(
        marks.field(
            marks
                .signatures
                .iter()
                .map(|(name, row)| {
                    let signed = row.iter().filter(|m| **m == Mark::Signed).count() as u32;
                    (name.clone(), signed)
                })
                .collect(),
        ),
    );
    let hours: Option<Vec<Decimal>> = marks.slots.iter().map(|s| s.hours).collect();
    if let Some(hours) = hours {
        let by_trainee: BTreeMap<String, Decimal> = marks
            .signatures
            .iter()
            .map(|(name, row)| {
                let total: Decimal = hours
                    .iter()
                    .zip(row)
                    .filter(|(_, m)| **m == Mark::Signed)
                    .map(|(h, _)| *h)
                    .sum();
                (name.clone(), total.normalize())
            })
            .collect();
        fields.hours_by_trainee = Some(marks.field(by_trainee));
    }
    provider_apart_from_labels(fields);
}

/// A person's name never holds a colon: one read as "Sylvie Kerjean Lieu : Centre de
/// formation" ran into the next label, which is the word before the colon; it is cut there,
/// and dropped when what remains is not a name.
fn person_apart_from_labels(mut found: Found<String>) -> Option<Found<String>> {
    let Some(colon) = found.value.find(':') else {
        // What follows a trainer's label is a person or nothing: a date line under a
        // "Visa formateur" column head, the prose of "Le formateur atteste …".
        // A role after a dash is no part of the name ("Julien Marchetti – Consultant RH"); a
        // spaced hyphen may join a double surname ("DUPONT - MARTIN Sophie").
        if let Some(cut) = [" – ", " — "]
            .iter()
            .filter_map(|dash| found.value.find(dash))
            .min()
        {
            found.value.truncate(cut);
        }
        return looks_like_person(&found.value).then_some(found);
    };
    let mut words: Vec<&str> = found.value[..colon].split_whitespace().collect();
    // The label is its last capitalised word and the lowercase words after it ("Lieu",
    // "Nombre de stagiaires"): a name's words are capitalised or in capitals.
    let capitalised = |w: &str| {
        let mut letters = w.chars().filter(|c| c.is_alphabetic());
        letters.next().is_some_and(char::is_uppercase) && letters.any(char::is_lowercase)
    };
    let lowercase = |w: &str| {
        w.chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_lowercase)
    };
    let label_start = (0..words.len())
        .rev()
        .find(|&i| capitalised(words[i]) && words[i + 1..].iter().all(|w| lowercase(w)))
        .unwrap_or(words.len().saturating_sub(1));
    words.truncate(label_start);
    // The separator before the label goes too ("Sylvain Perrot — Organisme : …").
    let joined = words.join(" ");
    let kept = joined
        .trim_end_matches(|c: char| !c.is_alphabetic())
        .to_string();
    if !looks_like_person(&kept) {
        return None;
    }
    found.value = kept;
    Some(found)
}

/// A provider name read on a sign-in sheet that runs into the next label ("ORGANISME -
/// Formateur : NAME") is cut before it; one that is itself a label's line ("Formation :
/// ...") is no provider name and is dropped (absent rather than wrong).
fn provider_apart_from_labels(fields: &mut Fields) {
    static NEXT_LABEL: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"\s*(?:[-–—|,]\s*)?\b(?:formateur|formatrice|intervenante?|animateur|trainer|lieu|date|horaires?)\b\s*:",
        )
    });
    static LABEL_LINE: LazyLock<Regex> =
        LazyLock::new(|| re(r"^\s*(?:formation|intitule|action|module|theme|lieu|dates?)\s*:"));
    let Some(field) = fields.provider_name.as_mut() else {
        return;
    };
    let (folded, map) = crate::view::fold(&field.value);
    if LABEL_LINE.is_match(&folded) {
        fields.provider_name = None;
        return;
    }
    if let Some(m) = NEXT_LABEL.find(&folded) {
        let cut = map.get(m.start()).copied().unwrap_or(field.value.len());
        let kept = field.value[..cut].trim().to_string();
        if kept.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
            field.value = kept;
        } else {
            fields.provider_name = None;
        }
    }
}

/// What the whole sheet says that every reading needs: its timetable and its legend.
pub(crate) struct Context {
    timetable: (Option<Decimal>, Option<Decimal>),
    legend: cell::Legend,
}

impl Context {
    fn new(view: &DocView<'_>) -> Context {
        Context {
            timetable: timetable(view),
            legend: cell::Legend::of(view),
        }
    }

    fn hours_of(&self, period: SessionPeriod) -> Option<Decimal> {
        match period {
            SessionPeriod::Am => self.timetable.0,
            SessionPeriod::Pm => self.timetable.1,
        }
    }
}

struct Marks {
    slots: Vec<Slot>,
    /// Trainee name as printed → the mark of each slot.
    signatures: BTreeMap<String, Vec<Mark>>,
    page: u32,
    evidence: String,
    bbox: BBox,
    confidence: f64,
}

impl Marks {
    fn field<T>(&self, value: T) -> Field<T> {
        let b = self.bbox;
        Field {
            value,
            confidence: self.confidence,
            page: self.page,
            evidence: self.evidence.clone(),
            bbox: Some([b.x0, b.y0, b.x1, b.y1]),
        }
    }
}

/// Orders slots by date then morning first, and each trainee's marks with them; a slot a
/// trainee has no cell for reads absent.
fn ordered(
    slots: Vec<Slot>,
    by_trainee: BTreeMap<String, BTreeMap<usize, Mark>>,
) -> (Vec<Slot>, BTreeMap<String, Vec<Mark>>) {
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by_key(|i| (slots[*i].date, slots[*i].period == SessionPeriod::Pm));
    let signatures = by_trainee
        .into_iter()
        .map(|(name, by_slot)| {
            (
                name,
                order
                    .iter()
                    .map(|i| by_slot.get(i).copied().unwrap_or_default())
                    .collect(),
            )
        })
        .collect();
    let slots = order.iter().map(|i| slots[*i].clone()).collect();
    (slots, signatures)
}

/// The index of the slot (`date`, `period`) in `slots`, added when new; a length read later
/// fills one not known yet.
fn slot_index(
    slots: &mut Vec<Slot>,
    date: NaiveDate,
    period: SessionPeriod,
    hours: Option<Decimal>,
) -> usize {
    match slots
        .iter()
        .position(|s| s.date == date && s.period == period)
    {
        Some(i) => {
            if slots[i].hours.is_none() {
                slots[i].hours = hours;
            }
            i
        }
        None => {
            slots.push(Slot {
                date,
                period,
                hours,
            });
            slots.len() - 1
        }
    }
}

/// Hours of the morning and afternoon half-days when the sheet states its timetable
/// ("Horaires : 9h00-12h30 / 13h30-17h00").
fn timetable(view: &DocView<'_>) -> (Option<Decimal>, Option<Decimal>) {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"horaires?|matin\s*:|apres-?\s?midi\s*:"));
    let mut am = None;
    let mut pm = None;
    for line in view
        .lines
        .iter()
        .filter(|l| LABEL.is_match(&l.folded))
        .take(4)
    {
        let mut rest = line.text();
        while let Some((hours, start, end)) = dossier_parse::find_time_range(rest) {
            match start_hour(&rest[start..end]) {
                Some(h) if h < 12 && am.is_none() => am = Some(hours),
                Some(h) if h >= 12 && pm.is_none() => pm = Some(hours),
                _ => {}
            }
            rest = &rest[end..];
        }
    }
    (am, pm)
}

/// The hour a time range starts at ("13" of "13h30-17h00").
fn start_hour(range: &str) -> Option<u32> {
    range
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .ok()
}

fn period_of(text: &str, folded: &str) -> Option<SessionPeriod> {
    if AFTERNOON.is_match(folded) {
        return Some(SessionPeriod::Pm);
    }
    if MORNING.is_match(folded) {
        return Some(SessionPeriod::Am);
    }
    let (_, start, end) = dossier_parse::find_time_range(text)?;
    let hour = start_hour(&text[start..end])?;
    Some(if hour < 12 {
        SessionPeriod::Am
    } else {
        SessionPeriod::Pm
    })
}

/// Whether a table cell can be a trainee's name: letters and the punctuation names carry
/// (hyphens, apostrophes, the period of an initial), no label word. Used where the layout
/// already says "this is the name column"; see [`looks_like_person`] for free lines. A
/// legend under the grid ("Abs. = absent. Colonne « Heures » …") is no name.
fn is_trainee_name(text: &str) -> bool {
    let (folded, _) = crate::view::fold(text);
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let name_char = |c: char| {
        c.is_alphabetic() || c.is_whitespace() || matches!(c, '-' | '\'' | '’' | '.' | '_')
    };
    letters >= 3
        && text.chars().count() <= 60
        && text.chars().all(name_char)
        && !NOT_TRAINEE.is_match(&folded)
}

/// Whether a free-standing text is a person's name: two to five words of letters, with a
/// surname in capitals ("MARTIN Julie", "Julie MARTIN") or every word capitalised ("Julie
/// Martin", "Jean-Luc de La Salle" tolerated by its particles).
pub(crate) fn looks_like_person(text: &str) -> bool {
    let text = trim_name(text);
    if !is_trainee_name(text) {
        return false;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if !(2..=5).contains(&words.len()) {
        return false;
    }
    let particle = |w: &str| {
        matches!(
            w,
            "de" | "du" | "des" | "le" | "la" | "van" | "von" | "d'" | "da" | "di" | "el" | "ben"
        )
    };
    let name_word = |w: &str| {
        w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '.'))
    };
    if !words.iter().all(|w| name_word(w)) {
        return false;
    }
    let capitals = |w: &str| {
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
    };
    let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let any_capitals = words.iter().any(|w| capitals(w));
    let all_capitals = words.iter().all(|w| capitals(w));
    let all_capitalised = words.iter().all(|w| capitalised(w) || particle(w));
    (any_capitals && !all_capitals && words.iter().all(|w| capitalised(w) || particle(w)))
        || (all_capitalised && !all_capitals)
        // "DUPONT JEAN" in a list of capitals: two or three words, none of them a label.
        || (all_capitals && words.len() <= 3)
}

/// A name without the punctuation OCR or a layout leaves around it ("_chaimae kaaouachi").
fn trim_name(text: &str) -> &str {
    text.trim_matches(|c: char| !c.is_alphabetic())
}

/// The key under which `name` is counted. OCR splits a word now and then ("Y anis MERCIER"
/// for "Yanis MERCIER" on the sheet's second table), so a name already seen with the same
/// letters is the same trainee, kept under its spelling with the fewest breaks.
fn trainee_key<V>(map: &mut BTreeMap<String, V>, name: String) -> String {
    let letters = |s: &str| -> String {
        crate::view::fold(s)
            .0
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    let wanted = letters(&name);
    let Some(known) = map.keys().find(|k| letters(k) == wanted).cloned() else {
        return name;
    };
    let breaks = |s: &str| s.split_whitespace().count();
    if breaks(&name) < breaks(&known) {
        if let Some(value) = map.remove(&known) {
            map.insert(name.clone(), value);
        }
        name
    } else {
        known
    }
}
