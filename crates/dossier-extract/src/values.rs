//! Value parsers for [`crate::view::find_labeled`]: each finds one value in the text that
//! follows a label and returns it with its byte span.

use std::str::FromStr;
use std::sync::LazyLock;

use chrono::NaiveDate;
use dossier_parse as parse;
use regex::Regex;
use rust_decimal::Decimal;

use crate::view::re;

/// The first amount, preferring one written as money (currency mark or cents).
pub(crate) fn amount(text: &str) -> Option<(Decimal, usize, usize)> {
    let best = parse::first_money_amount(text)?;
    let mut value = best.value;
    value.rescale(2);
    Some((value, best.start, best.end))
}

pub(crate) fn date(text: &str) -> Option<(NaiveDate, usize, usize)> {
    parse::find_dates(text)
        .first()
        .map(|m| (m.date, m.start, m.end))
}

pub(crate) fn hours(text: &str) -> Option<(Decimal, usize, usize)> {
    parse::find_duration_hours(text)
}

/// Every duration of a text, left to right, with its byte span: a total may follow its parts
/// ("trois journées de 7 heures, soit 21 heures"), a count precede a session's length.
pub(crate) fn all_hours(text: &str) -> Vec<(Decimal, usize, usize)> {
    let mut found = Vec::new();
    let mut offset = 0;
    while let Some((hours, start, end)) = hours(&text[offset..]) {
        let (start, end) = (offset + start, offset + end);
        if end <= offset {
            break;
        }
        offset = end;
        found.push((hours, start, end));
    }
    found
}

pub(crate) fn percent(text: &str) -> Option<(Decimal, usize, usize)> {
    static PERCENT: LazyLock<Regex> = LazyLock::new(|| re(r"(\d{1,2}(?:[.,]\d{1,2})?)\s*%"));
    let caps = PERCENT.captures(text)?;
    let (whole, number) = (caps.get(0)?, caps.get(1)?);
    let value = Decimal::from_str(&number.as_str().replace(',', "."))
        .ok()?
        .normalize();
    Some((value, whole.start(), whole.end()))
}

/// A small count (trainees): the first integer from 1 to 999 that is not an amount, an hour,
/// a percentage or a date.
pub(crate) fn count(text: &str) -> Option<(u32, usize, usize)> {
    static COUNT: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|[^\d.,/])(\d{1,3})(?:$|[^\d.,/])"));
    let head: String = text.chars().take(60).collect();
    for caps in COUNT.captures_iter(&head) {
        let Some(m) = caps.get(1) else { continue };
        let after = head[m.end()..].trim_start().to_lowercase();
        let unit_is_other = [
            "h", "€", "%", "eur", "jour", "j ", "mois", "an", "semaine", "min",
        ]
        .iter()
        .any(|u| after.starts_with(u));
        let value: u32 = m.as_str().parse().ok()?;
        if !unit_is_other && (1..=999).contains(&value) {
            return Some((value, m.start(), m.end()));
        }
    }
    None
}

/// A reference number: the first token that holds a digit ("M-FAC-100", "D2026/041").
pub(crate) fn reference(text: &str) -> Option<(String, usize, usize)> {
    static TOKEN: LazyLock<Regex> = LazyLock::new(|| re(r"[A-Za-z0-9][A-Za-z0-9\-_/.]*"));
    let head_end = text.char_indices().nth(40).map_or(text.len(), |(i, _)| i);
    for m in TOKEN.find_iter(&text[..head_end]) {
        let token = m.as_str().trim_end_matches(['.', '-', '/']);
        let lower = token.to_lowercase();
        if matches!(
            lower.as_str(),
            "n" | "no" | "n°" | "du" | "de" | "le" | "ref" | "num"
        ) {
            continue;
        }
        if token.chars().any(|c| c.is_ascii_digit())
            && token.len() >= 2
            && parse::parse_date(token).is_none()
        {
            return Some((token.to_string(), m.start(), m.start() + token.len()));
        }
        // The first word after the label is not a reference: the label was something else.
        if token.chars().all(char::is_alphabetic) && token.len() > 3 {
            return None;
        }
    }
    None
}

/// A name or title: the rest of the text after separators, cut at the next field.
pub(crate) fn name(text: &str) -> Option<(String, usize, usize)> {
    // A form's blank ("Formation : ..............", "Nom : ______") is a field left unfilled:
    // the words after it are the next label, not this field's value.
    static BLANK: LazyLock<Regex> = LazyLock::new(|| re(r"^[\s:]*(\.{3,}|_{3,}|…)"));
    if BLANK.is_match(text) {
        return None;
    }
    let start = text.find(|c: char| c.is_alphanumeric() || c == '«' || c == '"')?;
    let rest = &text[start..];
    static STOP: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)\s+(siret|siren|n°|nda|tel|tél|email|e-mail|adresse|date|durée|duree)\b|\s+(session |seance |séance )?(du|le|les) \d+\b|\s\(\d+\s*(h|j|jours?|journées?|heures?|stagiaires?|personnes?|participants?)\b|\s[-–—]\s+(\d+|un|une|deux|trois)\s*(h|j|jours?|journées?|journees?|heures?|stagiaires?|personnes?|participants?|sessions?|collaborateurs?)\b|\s[-–—]\s+\d+\s*(bis|ter)?,?\s*(rue|av\.?|avenue|bd|boulevard|chemin|place|all[ée]e|route|impasse|quai|cours|parc|z\.?[ai]\.?)\s|\s[-–—]\s+\d{5}\s|\s{2,}|\s\|\s|[,;]\s|\.{3,}|_{3,}|…",
        )
    });
    let end = STOP.find(rest).map_or(rest.len(), |m| m.start());
    let end = next_label(&rest[..end]).unwrap_or(end);
    let value = rest[..end]
        .trim()
        .trim_matches([
            '«', '»', '"', ' ', ':', '-', '–', '—', '.', '·', '•', '|', '/',
        ])
        .trim();
    let letters = value.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 2
        || value.chars().count() > 160
        || parse::parse_date(value).is_some()
        || reads_as_prose(value)
    {
        return None;
    }
    let value_start = start + rest.find(value).unwrap_or(0);
    Some((value.to_string(), value_start, value_start + value.len()))
}

/// Where another field's label starts inside a value read up to the end of its line
/// ("Accueil téléphonique Formatrice : Véronique Alibert", "… Lieu : Tours"): a word of the
/// lexicon's column heads (a sign-in sheet's or a form's labels) followed by a colon, after
/// the value's first word. A label opens with a capital; the same word in lower case belongs
/// to the value ("Formation de formateurs : concevoir une séquence").
fn next_label(value: &str) -> Option<usize> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"\s(\p{L}+)\s?:(\s|$)"));
    LABEL.captures_iter(value).find_map(|caps| {
        let word = caps.get(1)?;
        if !word.as_str().chars().next().is_some_and(char::is_uppercase) {
            return None;
        }
        let folded = crate::view::fold(word.as_str()).0;
        let heads = crate::lexicon::cues(crate::lexicon::COLUMN_HEADS, &[folded.as_str()]);
        (!heads.is_empty()).then(|| caps.get(0).map_or(word.start(), |m| m.start()))
    })
}

/// Whether a name read after a party's label reads as an organisation's or a person's name:
/// it opens with a capital or a digit (a lowercase value is the prose of a sentence that
/// ends with the label's word: "… dès la signature de la présente"), and it is not itself a
/// label and its value ("Date : 22/05/2026", read below a "Client" heading).
pub(crate) fn reads_as_party_name(value: &str) -> bool {
    static LABELLED: LazyLock<Regex> = LazyLock::new(|| re(r"^[^:]{1,30}\s?:\s*\S"));
    let opens = value
        .chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    opens && !LABELLED.is_match(value)
}

/// An NDA-shaped number.
pub(crate) fn nda(text: &str) -> Option<(String, usize, usize)> {
    parse::find_nda(text)
        .into_iter()
        .next()
        .map(|m| (m.value, m.start, m.end))
}

pub(crate) fn siren(text: &str) -> Option<(String, usize, usize)> {
    parse::find_siren(text)
        .into_iter()
        .next()
        .map(|m| (m.value, m.start, m.end))
}

pub(crate) fn date_range(text: &str) -> Option<((NaiveDate, NaiveDate), usize, usize)> {
    parse::find_date_range(text).map(|(s, e, a, b)| ((s, e), a, b))
}

/// Whether a value read after a label is a sentence rather than a name or a title: a
/// conjugated verb ("s'engage", "est prévue") or more words than names and titles have.
pub(crate) fn reads_as_prose(value: &str) -> bool {
    /// Longest provider name or training title seen in the corpora, in words (fixtures,
    /// fr-of-* benchmarks, fixtures/wild): 16; sentences caught after labels ran longer.
    const MAX_NAME_WORDS: usize = 18;
    static VERB: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"\b(sont|sera|seront|etait|ont|doit|doivent|peut|peuvent|permet|permettent|s'engagen?t?|engage|prevue?s?|delivree?s?|realisee?s?|effectuee?s?)\b",
        )
    });
    let folded = crate::view::fold(value).0;
    value.split_whitespace().count() > MAX_NAME_WORDS || VERB.is_match(&folded)
}
