//! Fields of quotes (devis, conventions, proposals) and invoices: totals, VAT, line items,
//! numbers, dates, training period, duration and trainees.
//!
//! Totals (HT, VAT, TTC) come from [`crate::totals`]: every amount is a candidate scored by
//! the words around it, and the assignment where HT + ΣVAT = TTC wins. This module keeps
//! what is specific to the documents: the exemption, the rate, line items, numbers, dates,
//! the training's period, duration and trainees.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use dossier_contract::{DocumentKind, Fields, LineItem};
use dossier_layout::BBox;
use regex::Regex;
use rust_decimal::Decimal;

use crate::values;
use crate::view::{DocView, Found, find_labeled, fold, found_at, re};

static HT_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(total|montant|prix|cout|net|sous-total|base)(\s+(?:global|general|net|total|de|la|formation|pedagogique|des|prestations?|frais|a payer|du devis|de l'action)){0,3}\s*(h\.?\s?t\.?|hors\s*tax(e|es)?)\b",
    )
});
static VAT_NOT_AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"intra|n\W{0,3}\s*(de\s*)?tva|numero de tva|identification|non applicable|exoner|exempt|non assujetti|non soumis|\b293\s*b\b|\b261[\s.,-]+4\b",
    )
});
// "TIC", "T1C": OCR reads a TTC's middle T as I, 1 or l.
static TTC_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(total|montant|prix|cout)(\s+(?:global|general|net|de|la|formation|pedagogique|a payer|du devis)){0,3}\s*(t\.?\s?[ti1l]\.?\s?c\.?|toutes\s*taxes\s*comprises)|net\s*a\s*payer|total\s*a\s*payer|montant\s*a\s*payer|reste\s*a\s*payer|solde\s*a\s*payer",
    )
});
static GENERIC_TOTAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(total|montant total|prix total|cout total|cout de la formation|prix de la formation|tarif)\b",
    )
});
/// A VAT exemption stated (the CGI articles, "TVA non applicable", "exonéré"), on a line or
/// just after a price.
pub(crate) static EXEMPT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"exonere|exoneration|exempte?|\b261[\s.,-]+4\b|\b293\s*b\b|tva non applicable|non assujetti|non soumis a (la )?tva|hors champ (d'application )?de la tva|sans tva",
    )
});
static ITEM_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"designation|description|libelle|intitule|prestation|detail|article|objet|module")
});
static ITEM_HEADER_MONEY: LazyLock<Regex> =
    LazyLock::new(|| re(r"montant|total|prix|p\.?\s?u|tarif|cout"));
static TOTALS_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(sous-total|total|montant total|tva|t\.v\.a|net a payer|remise|acompte|base ht|taux)\b|total\s*h\.?t|total\s*t\.?t\.?c",
    )
});

/// Confidence of line items read from prose that do not add up to the total before tax:
/// under the rulebook's `min_field_confidence` (0.6), so no rule compares them.
const UNSURE_ITEMS_CONFIDENCE: f64 = 0.5;

/// Fills the fields quotes and invoices share, and those specific to `kind`.
pub(crate) fn extract_commercial(view: &DocView<'_>, fields: &mut Fields, kind: DocumentKind) {
    extract_totals(view, fields);
    fields.line_items = line_items(view)
        .or_else(|| {
            // Products in prose may not be all the items (a fee written without its
            // product): they are trusted only when they add up to the total before tax.
            stated_items(view).map(|mut items| {
                let sum: Decimal = items.value.iter().map(|i| i.amount).sum();
                if fields.total_ht.as_ref().is_none_or(|t| t.value != sum) {
                    items.confidence = items.confidence.min(UNSURE_ITEMS_CONFIDENCE);
                }
                items
            })
        })
        .map(Found::into_field);
    if kind == DocumentKind::Invoice {
        static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
            re(
                r"facture\s*(n|no|num|numero|ref|reference|#)\b\W{0,3}|(numero|n\W{0,2}|no|ref|reference)\s*(de\s*(la\s*)?)?facture\W{0,3}|\bfacture\s*:|invoice\s*(n|no|number|#)\W{0,2}",
            )
        });
        static TITLE: LazyLock<Regex> =
            LazyLock::new(|| re(r"^\s*(facture|invoice|note d.?honoraires?)\b"));
        fields.invoice_number = find_labeled(view, &NUMBER, &values::reference)
            .into_iter()
            .next()
            .or_else(|| title_reference(view, &TITLE))
            .map(Found::into_field);
        static DATE: LazyLock<Regex> = LazyLock::new(|| {
            re(
                r"date\s*(de\s*(la\s*)?facture|de\s*facturation|d'emission|d'edition)|facture\s*(du|emise le)|\bdate\s*:|emise?\s+le|\bdate\b",
            )
        });
        fields.invoice_date = document_date(view, &DATE)
            .or_else(|| date_after_reference(view, fields.invoice_number.as_ref()?))
            .map(Found::into_field);
        // An invoice restates what it bills: the training, its period and its trainees.
        extract_training(view, fields);
    } else {
        static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
            re(
                r"(devis|proposition|convention|offre|contrat|bon de commande)\s*(commerciale\s*|de formation\s*)?(n|no|num|numero|ref|reference|#)\b\W{0,3}|(numero|n\W{0,2}|no|ref|reference)\s*(du\s*|de\s*(la\s*|l')?)?(devis|proposition|convention|offre|contrat)\W{0,3}|\breference\s*:|\bref\.?\s*:",
            )
        });
        static TITLE: LazyLock<Regex> = LazyLock::new(|| {
            re(r"^\s*(devis|proposition|convention|contrat|offre|bon de commande)\b")
        });
        fields.quote_number = find_labeled(view, &NUMBER, &values::reference)
            .into_iter()
            .next()
            .or_else(|| title_reference(view, &TITLE))
            .map(Found::into_field);
        static DATE: LazyLock<Regex> = LazyLock::new(|| {
            re(
                r"date\s*(du\s*devis|de\s*(la\s*)?(proposition|convention|l'offre)|d'emission|d'edition|d'etablissement)|\bdate\s*:|(etabli|emis|edite|redige)e?\s+le|fait\s+a\s+[^,]{1,40},?\s+le",
            )
        });
        fields.quote_date = document_date(view, &DATE)
            .or_else(|| date_after_reference(view, fields.quote_number.as_ref()?))
            .map(Found::into_field);
        extract_training(view, fields);
    }
}

/// A document's date: the first date a date label names (`labels`) or the dating formula
/// opens ("Paris, le 3 mars 2026"), else the first date after a bare "le", which also dates births, deadlines and
/// signatures ("née le 14 mars 1991"), so it is read with less confidence and only when no
/// label names a date. Dates of a period (the training's) are skipped.
fn document_date(view: &DocView<'_>, labels: &Regex) -> Option<Found<NaiveDate>> {
    static BARE_LE: LazyLock<Regex> = LazyLock::new(|| re(r"\ble\b"));
    let labelled = |label: &Regex| {
        find_labeled(view, label, &values::date)
            .into_iter()
            .find(|f| !is_period_line(view, f))
    };
    // "Lyon, le 25/07/2026": a place, a comma and "le" opening the line is the dating
    // formula of French letters and quotes, as strong as a label.
    static PLACE_LE: LazyLock<Regex> = LazyLock::new(|| re(r"^[^,\d]{2,40},\s*le\b"));
    labelled(labels)
        .or_else(|| labelled(&PLACE_LE))
        .or_else(|| {
            labelled(&BARE_LE).map(|mut f| {
                f.confidence = f.confidence.min(BARE_LE_DATE_CONFIDENCE);
                f
            })
        })
}

/// Confidence of a date whose only label is "le": below the 0.8 at which a value is trusted
/// without a look, above the rules' 0.6 (a date after "le" on a quote is its date more often
/// than not, but "née le …" is a birth).
const BARE_LE_DATE_CONFIDENCE: f64 = 0.75;

/// Confidence of a document's date read right after its number: the layout of invoicing
/// tools ("Facture n°… du …"), not a label.
const DATE_AFTER_NUMBER_CONFIDENCE: f64 = 0.85;

/// The document's date printed right after its number ("Facture n°562044387 du 02 Juillet
/// 2015", "Devis DV-12 – 03/02/2026"): a date that only a few letters and no other number
/// separate from the number, on the number's line.
fn date_after_reference(
    view: &DocView<'_>,
    number: &dossier_contract::Field<String>,
) -> Option<Found<NaiveDate>> {
    /// Characters allowed between the number and the date (" en date du " is 12).
    const MAX_GAP_CHARS: usize = 16;
    let (index, line) = view
        .lines
        .iter()
        .enumerate()
        .find(|(_, l)| l.page == number.page && l.text().contains(number.value.as_str()))?;
    let text = line.text();
    let after = text.find(number.value.as_str())? + number.value.len();
    let date = dossier_parse::find_dates(&text[after..])
        .into_iter()
        .next()?;
    // Only a connective may separate them ("du", "en date du", "le", a dash): "payable le",
    // "formation du" name another date.
    static CONNECTIVE: LazyLock<Regex> = LazyLock::new(|| {
        re(r"^[\s:,–—-]*((en )?date (du|de)|du|le|emise? le|etablie? le)?[\s:,]*$")
    });
    let gap = &text[after..after + date.start];
    if gap.chars().count() > MAX_GAP_CHARS || !CONNECTIVE.is_match(&fold(gap).0) {
        return None;
    }
    let found = found_at(
        view,
        index,
        date.date,
        after + date.start,
        after + date.end,
        DATE_AFTER_NUMBER_CONFIDENCE,
    );
    (!is_period_line(view, &found)).then_some(found)
}

/// Whether a found date belongs to the training period, a validity, a deadline or a payment
/// rather than to the document. The date's own cell speaks, with its label cell; a letterhead's
/// e-mail address ("contact@x-formation.fr") beside "Date : 16/03/2026" says nothing of it. A
/// line that states a duration schedules the training.
fn is_period_line(view: &DocView<'_>, found: &Found<NaiveDate>) -> bool {
    static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"\bdu\b.*\bau\b|session|formation|valid|valable|echeance|paiement|reglement|debut|fin\b|acompte|verse|regle le|paye le|payable|au plus tard|date limite|avant le",
        )
    });
    /// Share of the date's box a cell must cover to be the date's cell.
    const OWN_CELL_OVERLAP: f32 = 0.5;
    let line = &view.lines[found.line_index];
    // A line that also states a duration ("1 journée (7 h) - le 20/04/2026") schedules the
    // training: its date is the training's, not the document's.
    static CLOCK: LazyLock<Regex> = LazyLock::new(|| re(r"\d\s*h\s*\d"));
    if let Some((_, s, e)) = dossier_parse::find_duration_hours(line.text()) {
        // "à 14h30" is a time of day, not a duration.
        if !CLOCK.is_match(&line.text()[s..e]) {
            return true;
        }
    }
    let cells = &line.line.cells;
    let Some(own) = cells
        .iter()
        .position(|c| c.bbox.x_overlap_ratio(&found.bbox) > OWN_CELL_OVERLAP)
    else {
        return PERIOD.is_match(&line.folded);
    };
    // The date's cell, and the cell before it when that one is its label ("Date
    // d'échéance | 15/04/2026").
    let own_text = fold(&cells[own].text).0;
    let label = own
        .checked_sub(1)
        .map(|i| fold(&cells[i].text).0)
        .filter(|_| !own_text.chars().any(char::is_alphabetic))
        .unwrap_or_default();
    PERIOD.is_match(&own_text) || PERIOD.is_match(&label)
}

fn extract_totals(view: &DocView<'_>, fields: &mut Fields) {
    let exempt_line = view
        .lines
        .iter()
        .enumerate()
        .find(|(_, l)| EXEMPT.is_match(&l.folded));
    let totals = crate::totals::read_totals(view);
    let (total_ht, vat_amount, total_ttc) = (totals.ht, totals.vat, totals.ttc);
    let total_ht = total_ht.or_else(|| {
        // "Total : 1 500,00 €" with no tax stated is the price before tax.
        if vat_amount.is_none() && total_ttc.is_none() {
            find_labeled(view, &GENERIC_TOTAL, &values::amount)
                .into_iter()
                .last()
                .map(|mut f| {
                    f.confidence *= 0.75;
                    f
                })
        } else {
            None
        }
    });
    // Several VAT lines of different rates state no single rate; an exempt document with
    // no VAT amount states none either (its percentages are deposits or discounts).
    let single_rate = totals.vat_lines <= 1 && (vat_amount.is_some() || exempt_line.is_none());
    let vat_rate = vat_amount
        .as_ref()
        .filter(|_| single_rate)
        .and_then(|v| {
            values::percent(view.lines[v.line_index].text())
                .map(|(rate, s, e)| found_at(view, v.line_index, rate, s, e, 0.9))
                .or_else(|| crate::totals::header_rate(view, v))
        })
        .or_else(|| {
            if !single_rate {
                return None;
            }
            static RATE_LABEL: LazyLock<Regex> =
                LazyLock::new(|| re(r"taux\s*(de\s*)?tva|\btva\b"));
            let rates: Vec<Found<Decimal>> = find_labeled(view, &RATE_LABEL, &values::percent)
                .into_iter()
                .filter(|f| !VAT_NOT_AMOUNT.is_match(&view.lines[f.line_index].folded))
                .collect();
            // Several different rates printed (5,5 %, 10 %, 20 %) state no single rate.
            let first = rates.first()?.value;
            if rates.iter().any(|r| r.value != first) {
                return None;
            }
            rates.into_iter().next()
        });
    fields.vat_exempt = match (&exempt_line, &vat_amount) {
        (Some((index, line)), _) => {
            Some(found_at(view, *index, true, 0, line.text().len(), 0.9).into_field())
        }
        (None, Some(v)) if v.value > Decimal::ZERO => Some(v.clone().map(|_| false).into_field()),
        _ => None,
    };
    fields.total_ht = total_ht.map(Found::into_field);
    fields.vat_amount = vat_amount.map(Found::into_field);
    fields.total_ttc = total_ttc.map(Found::into_field);
    fields.vat_rate = vat_rate.map(Found::into_field);
}

/// The price table: a header naming a description column and a money column, then rows
/// until the totals. Description-only lines join the nearest row (wrapped labels).
fn line_items(view: &DocView<'_>) -> Option<Found<Vec<LineItem>>> {
    let header_index = view.lines.iter().position(|l| {
        l.line.cells.len() >= 3
            && ITEM_HEADER.is_match(&l.folded)
            && ITEM_HEADER_MONEY.is_match(&l.folded)
            && !l.text().chars().any(|c| c.is_ascii_digit())
    })?;
    let header = &view.lines[header_index];
    let mut rows: Vec<(f32, String, Vec<Decimal>, BBox)> = Vec::new();
    let mut loose: Vec<(f32, String)> = Vec::new();
    let mut previous_y = header.line.bbox.y0;
    for line in view.lines.iter().skip(header_index + 1).take(60) {
        let closes = TOTALS_LINE.is_match(&line.folded)
            || HT_LABEL.is_match(&line.folded)
            || TTC_LABEL.is_match(&line.folded);
        if line.page != header.page
            || previous_y - line.line.bbox.y1 > header.line.size.max(6.0) * 5.0
            || closes
        {
            break;
        }
        previous_y = line.line.bbox.y0;
        let mut label_parts: Vec<&str> = Vec::new();
        let mut numbers: Vec<Decimal> = Vec::new();
        for cell in &line.line.cells {
            let text = cell.text.trim();
            let numeric = dossier_parse::find_amounts(text)
                .first()
                .filter(|m| m.start == 0 && text[m.end..].trim().chars().count() <= 12)
                .map(|m| m.value);
            match numeric {
                Some(value)
                    if numbers.len() < 4
                        && (!label_parts.is_empty()
                            || !rows.is_empty()
                            || cell.bbox.x0 > header.line.bbox.x0 + 40.0) =>
                {
                    numbers.push(value)
                }
                _ if numbers.is_empty() => label_parts.push(text),
                _ => {}
            }
        }
        let label = label_parts.join(" ");
        let y = (line.line.bbox.y0 + line.line.bbox.y1) / 2.0;
        if numbers.is_empty() {
            if !label.is_empty() {
                loose.push((y, label));
            }
        } else {
            rows.push((y, label, numbers, line.line.bbox));
        }
    }
    if rows.is_empty() {
        return None;
    }
    for (y, text) in loose {
        let nearest = rows
            .iter_mut()
            .min_by(|a, b| (a.0 - y).abs().total_cmp(&(b.0 - y).abs()));
        if let Some(row) = nearest {
            if (row.0 - y).abs() <= header.line.size.max(6.0) * 2.5 {
                if y > row.0 {
                    row.1 = format!("{} {}", text, row.1).trim().to_string();
                } else {
                    row.1 = format!("{} {}", row.1, text).trim().to_string();
                }
            }
        }
    }
    let mut bbox = rows[0].3;
    let items: Vec<LineItem> = rows
        .into_iter()
        .map(|(_, label, numbers, row_box)| {
            bbox = bbox.union(row_box);
            let mut amount = numbers[numbers.len() - 1];
            amount.rescale(2);
            let (quantity, unit_price) = match numbers.len() {
                1 => (None, None),
                2 => (Some(numbers[0].normalize()), None),
                _ => (
                    Some(numbers[numbers.len() - 3].normalize()),
                    Some(numbers[numbers.len() - 2]),
                ),
            };
            let (quantity, unit_price) = match (quantity, unit_price) {
                (Some(q), None) if q * Decimal::ONE != amount && q > Decimal::from(999) => {
                    (None, Some(q))
                }
                other => other,
            };
            LineItem {
                label,
                quantity,
                unit_price: unit_price.map(|mut p| {
                    p.rescale(2);
                    p
                }),
                amount,
            }
        })
        .collect();
    Some(Found {
        value: items,
        page: header.page,
        evidence: crate::view::evidence_of(header.text()),
        bbox,
        confidence: 0.85,
        line_index: header_index,
    })
}

/// Training title, period, duration and trainees (quotes and conventions).
pub(crate) fn extract_training(view: &DocView<'_>, fields: &mut Fields) {
    let provider = fields.provider_name.as_ref().map(|p| p.value.clone());
    fields.training_title = training_title(view, provider.as_deref())
        .map(Found::into_field)
        .or_else(|| {
            fields.line_items.as_ref().and_then(|items| {
                let first = items.value.first()?;
                (first.label.chars().filter(|c| c.is_alphabetic()).count() >= 6).then(|| {
                    dossier_contract::Field {
                        value: first.label.clone(),
                        confidence: 0.6,
                        page: items.page,
                        evidence: first.label.clone(),
                        bbox: None,
                    }
                })
            })
        });
    let (start, end) = training_period(view);
    fields.start_date = start.map(Found::into_field);
    fields.end_date = end.map(Found::into_field);
    fields.duration_hours = duration(view).map(Found::into_field);
    fields.trainees = trainees(view).map(Found::into_field);
}

/// The training's title. `provider` is the provider's name when read: a value equal to it
/// is the letterhead or footer under an empty title label, not the title.
pub(crate) fn training_title(view: &DocView<'_>, provider: Option<&str>) -> Option<Found<String>> {
    // Labels that name the title itself; then labels that name the subject, which is the
    // title only when no title label is printed ("Objet : action de formation
    // intra-entreprise" above "Intitulé | Manager une équipe de proximité").
    static TITLE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^\W*(\d+\W*)?intitulee?s?\b( de (la |l')?(formation|action|stage|module|prestation|session))?\s*:?|\bintitulee?s?\b( de (la |l')?(formation|action|stage|module|prestation|session))?\s*:|^\W*titre( de (la )?formation)?\s*:|\bnom de la formation\s*:?|\bformation suivie\s*:?|\btitre de la formation\s*:?",
        )
    });
    static SUBJECT_LABEL: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^\W*(formation|objet( de la (formation|convention|proposition))?|themes?|module|stage|action( de formation)?|cursus|programme)\s*:",
        )
    });
    let labelled = |label: &Regex| {
        find_labeled(view, label, &values::name)
            .into_iter()
            .filter(|f| !label_continues_a_line(view, f.line_index))
            .filter(|f| provider.is_none_or(|p| fold(p.trim()).0 != fold(f.value.trim()).0))
            .find_map(|mut f| {
                let plausibility = title_plausibility(&f.value)?;
                f.confidence *= plausibility;
                Some(unquoted(wrapped_title(view, f)))
            })
    };
    labelled(&TITLE_LABEL)
        .or_else(|| labelled(&SUBJECT_LABEL))
        .or_else(|| quoted_title(view))
}

/// The name between quotation marks inside a title line ("PROGRAMME PÉDAGOGIQUE « MANUCURE
/// RUSSE PRO » & GUIDE DU STAGIAIRE"): the quoted part is the training's own name, the rest
/// says what kind of document holds it.
pub(crate) fn unquoted(mut found: Found<String>) -> Found<String> {
    if let Some(inner) = quoted_span(&found.value)
        && title_plausibility(inner).is_some()
    {
        found.value = inner.to_string();
    } else if let Some((_, after)) = found.value.split_once('«')
        && !after.contains('»')
        && title_plausibility(after.trim()).is_some()
    {
        // A quotation whose end the reading lost: the name starts at its opening mark.
        found.value = after.trim().to_string();
    }
    found
}

/// The text between the first pair of quotation marks (« », “ ”, or straight double quotes).
fn quoted_span(text: &str) -> Option<&str> {
    const PAIRS: [(char, char); 3] = [('«', '»'), ('“', '”'), ('"', '"')];
    PAIRS.iter().find_map(|&(open, close)| {
        let start = text.find(open)? + open.len_utf8();
        let end = start + text[start..].find(close)?;
        let inner = text[start..end]
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}');
        (!inner.is_empty()).then_some(inner)
    })
}

/// A training named in running text by quotation marks just after a training noun ("s'engage
/// à organiser la formation dénommée « MANUCURE RUSSE PRO » destinée à …"), when no label
/// names the title. The quote may wrap over the next line.
fn quoted_title(view: &DocView<'_>) -> Option<Found<String>> {
    /// Words allowed between the training noun and the opening quote ("dénommée",
    /// "intitulée", "suivante :"); further away the quote names something else.
    const MAX_WORDS_BEFORE_QUOTE: usize = 3;
    /// Lines a quoted name may span (a title longer than that is prose in quotes).
    const MAX_QUOTE_LINES: usize = 3;
    for (index, line) in view.lines.iter().enumerate() {
        let Some(open) = line.text().find(['«', '“', '"']) else {
            continue;
        };
        let before = fold(&line.text()[..open]).0;
        let before_words = crate::lexicon::words(&before);
        let noun_at = before_words
            .iter()
            .rposition(|w| crate::lexicon::TRAINING_NOUNS.contains(w));
        if noun_at.is_none_or(|at| before_words.len() - at - 1 > MAX_WORDS_BEFORE_QUOTE) {
            continue;
        }
        let mut text = line.text()[open..].to_string();
        for next in view.lines.iter().skip(index + 1).take(MAX_QUOTE_LINES - 1) {
            if quoted_span(&text).is_some() || next.page != line.page {
                break;
            }
            text.push(' ');
            text.push_str(next.text().trim());
        }
        let Some(inner) = quoted_span(&text) else {
            continue;
        };
        if title_plausibility(inner).is_none() || values::reads_as_prose(inner) {
            continue;
        }
        let start = open;
        let end = line.text().len();
        return Some(found_at(view, index, inner.to_string(), start, end, 0.75));
    }
    None
}

/// A title cut by the end of its line ("Exercer une activité de" / "prothésie ongulaire")
/// continues on the next line when that line is the same size and just below.
fn wrapped_title(view: &DocView<'_>, mut found: Found<String>) -> Found<String> {
    static DANGLING: LazyLock<Regex> = LazyLock::new(|| {
        re(r"\b(de|du|des|d'|la|le|les|l'|et|a|au|aux|en|pour|par|sur|avec|dans|un|une)\s*$")
    });
    let line = &view.lines[found.line_index];
    // A quotation opened before the value and not closed on its line continues on the next
    // ("intitulée : « Excel intermédiaire :" / "tableaux croisés … ». Elle relève …"): the
    // title is what the quotation marks enclose.
    let text = line.text();
    if let Some(open) = text.rfind('«')
        && !text[open..].contains('»')
        && text[open..].contains(found.value.as_str())
        && let Some(next) = view
            .lines
            .get(found.line_index + 1)
            .filter(|n| n.page == line.page)
    {
        let joined = format!("{} {}", &text[open..], next.text().trim());
        if let Some(inner) = quoted_span(&joined)
            && title_plausibility(inner).is_some()
            && !values::reads_as_prose(inner)
        {
            found.value = inner.to_string();
            found.evidence =
                crate::view::evidence_of(&format!("{} {}", text.trim(), next.text().trim()));
            return found;
        }
    }
    if !DANGLING.is_match(&fold(&found.value).0) {
        return found;
    }
    let Some(next) = view.lines.get(found.line_index + 1) else {
        return found;
    };
    let close = next.page == line.page
        && (next.line.size - line.line.size).abs() < 0.5
        && line.line.bbox.y0 - next.line.bbox.y1 < line.line.size;
    let continuation = next.text().trim();
    if close && !continuation.is_empty() && !continuation.contains(':') {
        let joined = format!("{} {continuation}", found.value);
        if !values::reads_as_prose(&joined) {
            found.value = joined;
            found.evidence =
                crate::view::evidence_of(&format!("{} {}", line.text().trim(), continuation));
        }
    } else {
        // A title that stops on "de" is cut: keep it, trusted less.
        found.confidence *= 0.7;
    }
    found
}

/// Whether the label on line `index` ends a heading begun on the line above ("DURÉE DE LA" /
/// "FORMATION : 5 MOIS"): its "Formation :" is not a title's label.
fn label_continues_a_line(view: &DocView<'_>, index: usize) -> bool {
    static OPEN_END: LazyLock<Regex> =
        LazyLock::new(|| re(r"\b(de|du|des|de la|de l'|la|le|les|d'|et|a|au)\s*$"));
    index
        .checked_sub(1)
        .and_then(|i| view.lines.get(i))
        .is_some_and(|above| {
            above.page == view.lines[index].page
                && OPEN_END.is_match(above.folded.trim_end())
                && (above.line.bbox.y0 - view.lines[index].line.bbox.y1) < above.line.size
        })
}

/// How much a labelled value reads like a training's title: `None` for what is no title (a
/// duration, a number, a lone article), less than 1 for a single word.
fn title_plausibility(value: &str) -> Option<f64> {
    /// A title has at least this many letters ("Excel" is the shortest seen; the shorter
    /// values read after a "Formation :" label were fragments).
    const MIN_TITLE_LETTERS: usize = 5;
    let letters = value.chars().filter(|c| c.is_alphabetic()).count();
    let starts_with_number = value.trim_start().starts_with(|c: char| c.is_ascii_digit());
    if letters < MIN_TITLE_LETTERS
        || starts_with_number
        || dossier_parse::find_duration_hours(value).is_some_and(|(_, s, _)| s == 0)
    {
        return None;
    }
    let words = value
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .count();
    Some(if words >= 2 { 1.0 } else { 0.7 })
}

pub(crate) fn training_period(
    view: &DocView<'_>,
) -> (Option<Found<NaiveDate>>, Option<Found<NaiveDate>>) {
    static NOT_TRAINING: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"valid|valable|echeance|expir|reglement|paiement|acompte|edite|emis|certification|cycle|facture",
        )
    });
    static CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
        re(r"date|session|formation|periode|realisation|deroul|stage|\bdu\b|calendrier")
    });
    let mut ranges: Vec<(usize, Found<(NaiveDate, NaiveDate)>)> = Vec::new();
    for (index, line) in view.lines.iter().enumerate() {
        if NOT_TRAINING.is_match(&line.folded) {
            continue;
        }
        // A range may wrap onto the next line of its paragraph ("du 8 au 10 avril" /
        // "2026, de 8 h 30 à 12 h"): the span kept is the part on this line.
        let range = values::date_range(line.text()).or_else(|| {
            let next = view.lines.get(index + 1).filter(|n| {
                n.page == line.page
                    && (n.line.size - line.line.size).abs() < 0.5
                    && line.line.bbox.y0 - n.line.bbox.y1 < line.line.size
            })?;
            let joined = format!("{} {}", line.text(), next.text());
            let ((s, e), a, b) = values::date_range(&joined)?;
            (a < line.text().len() && b > line.text().len()).then_some((
                (s, e),
                a,
                line.text().len(),
            ))
        });
        if let Some(((s, e), a, b)) = range {
            let rank = if CONTEXT.is_match(&line.folded) { 0 } else { 1 };
            ranges.push((
                rank,
                found_at(
                    view,
                    index,
                    (s, e),
                    a,
                    b,
                    if rank == 0 { 0.92 } else { 0.8 },
                ),
            ));
        }
    }
    ranges.sort_by_key(|(rank, f)| (*rank, f.line_index));
    if let Some((_, range)) = ranges.into_iter().next() {
        let (s, e) = range.value;
        return (Some(range.clone().map(|_| s)), Some(range.map(|_| e)));
    }
    static START: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"date de debut|debut( de (la )?(formation|session|stage|l'action))?\s*:|date de demarrage|commence le|premier jour",
        )
    });
    static END: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"date de fin|fin( de (la )?(formation|session|stage|l'action))?\s*:|dernier jour|se termine le|termine le",
        )
    });
    let start = find_labeled(view, &START, &values::date).into_iter().next();
    let end = find_labeled(view, &END, &values::date).into_iter().next();
    if start.is_some() || end.is_some() {
        return (start, end);
    }
    if let Some(period) = schedule_period(view) {
        return period;
    }
    // A single day, or a list of days.
    static DAYS: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(dates?(\(s\))?|periode|jours?)\s*(de\s*(la\s*)?(formation|session|realisation|l'action|stage|intervention))\s*:|\bdates\s*:|\bperiode\s*:|jours? de formation\s*:|(se deroulera|aura lieu|se tiendra|realisee?|dispensee?)\s+le\b|\bsession\s*:",
        )
    });
    for (index, line) in view.lines.iter().enumerate() {
        let Some(m) = DAYS.find(&line.folded) else {
            continue;
        };
        if NOT_TRAINING.is_match(&line.folded) {
            continue;
        }
        let after = line.orig(m.end());
        let dates = dossier_parse::find_dates(&line.text()[after..]);
        if let (Some(first), Some(last)) = (
            dates.iter().min_by_key(|d| d.date),
            dates.iter().max_by_key(|d| d.date),
        ) {
            let s = found_at(
                view,
                index,
                first.date,
                after + first.start,
                after + first.end,
                0.85,
            );
            let e = found_at(
                view,
                index,
                last.date,
                after + last.start,
                after + last.end,
                0.85,
            );
            return (Some(s), Some(e));
        }
    }
    (None, None)
}

/// The period a schedule spans: the first and last dates of the lines that give a date with
/// its hours ("16.03.2026 | 08:30-12:00 / 13:00-16:30 | 7h", "le 20/04/2026 (7 h)", "lundi
/// 2 mars, matin"), a calendar table or a one-day session stated in a sentence.
fn schedule_period(
    view: &DocView<'_>,
) -> Option<(Option<Found<NaiveDate>>, Option<Found<NaiveDate>>)> {
    static NOT_SESSION: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"valid|valable|echeance|expir|reglement|paiement|acompte|emis|edite|facture|signature|fait a|fait le",
        )
    });
    static HALF_DAY: LazyLock<Regex> =
        LazyLock::new(|| re(r"\bmatin(ee)?\b|apres-?\s?midi|\bjournee\b|\bdemi-journee\b"));
    let mut dates: Vec<Found<NaiveDate>> = Vec::new();
    for (index, line) in view.lines.iter().enumerate() {
        if NOT_SESSION.is_match(&line.folded) {
            continue;
        }
        // One date, or the days of one list ("13, 20 et 27 avril 2026"): the same month.
        let found = dossier_parse::find_dates(line.text());
        let (Some(first), Some(last)) = (found.first(), found.last()) else {
            continue;
        };
        // Listed days are bare day numbers before the full date that closes the list.
        let one_list = found[..found.len() - 1].iter().all(|d| {
            d.end - d.start <= 2
                && d.date.year() == last.date.year()
                && d.date.month() == last.date.month()
        });
        // Two full dates must be a range ("16.03.2026 au 17.03.2026"), not a document's
        // date beside a session's ("Devis du 02/03/2026 – session le 20/03/2026").
        let range = found.len() == 2 && values::date_range(line.text()).is_some();
        if found.len() > 1 && !one_list && !range {
            continue;
        }
        let rest = &line.text()[last.end..];
        let timed = dossier_parse::find_time_range(rest).is_some()
            || dossier_parse::find_duration_hours(rest).is_some()
            || HALF_DAY.is_match(&line.folded);
        if timed {
            for d in [first, last] {
                dates.push(found_at(view, index, d.date, d.start, d.end, 0.85));
            }
        }
    }
    let first = dates.iter().min_by_key(|d| d.value)?.clone();
    let last = dates.iter().max_by_key(|d| d.value)?.clone();
    Some((Some(first), Some(last)))
}

pub(crate) fn duration(view: &DocView<'_>) -> Option<Found<Decimal>> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"duree|nombre (total )?d'heures|nb\.? (d')?heures|volume horaire|heures de formation|total (des )?heures|temps de formation|nombre d'heures|\bheures\s*:",
        )
    });
    // A total stated as such ("Total … 17,5 h", "3 jours, soit 21 heures", "d'une durée
    // totale de 70 heures") is the duration; the per-day or per-row hours beside it are
    // its parts.
    static TOTAL: LazyLock<Regex> = LazyLock::new(|| {
        re(r"^\W*total\b|\bsoit\s+(un total de\s+)?$|\bau total\b|\bduree totale\b|\btotal de\s*$")
    });
    // A total is at least every duration the document states: a smaller "total" is that of
    // something else ("l'épreuve dure au total 1 h 30" in a 385-hour programme).
    let largest = view
        .lines
        .iter()
        .filter_map(|l| values::hours(l.text()).map(|(h, _, _)| h))
        .max()
        .unwrap_or_default();
    for (index, line) in view.lines.iter().enumerate() {
        let text = line.text();
        for (hours, start, end) in values::all_hours(text) {
            let before = fold(&text[..start]).0;
            let whole_line_total =
                TOTAL.is_match(&before) || before.trim_start().starts_with("total");
            if whole_line_total
                && hours >= largest
                && !line.folded.contains("par jour")
                && !line.folded.contains("tarif")
            {
                return Some(found_at(view, index, hours, start, end, 0.9));
            }
        }
    }
    if let Some(found) = find_labeled(view, &LABEL, &values::hours)
        .into_iter()
        .next()
    {
        return Some(unit_of_its_own_number(view, &LABEL, found));
    }
    // A price line counted in hours ("35 h x 90,00 €").
    static HOURLY_LINE: LazyLock<Regex> =
        LazyLock::new(|| re(r"formation|session|stage|module|heures|\bh\b"));
    view.lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.page == view.lines[0].page
                && HOURLY_LINE.is_match(&l.folded)
                && !l.folded.contains("par jour")
        })
        .find_map(|(index, l)| {
            values::hours(l.text()).map(|(h, s, e)| found_at(view, index, h, s, e, 0.7))
        })
}

/// A label that is the unit of the number before it ("14 heures de formation synchrone, en 4
/// séquences de 3 h 30": "heures de formation" labels nothing after it, it says what the 14
/// counts): the duration is that number, not the next one on the line.
fn unit_of_its_own_number(
    view: &DocView<'_>,
    label: &Regex,
    found: Found<Decimal>,
) -> Found<Decimal> {
    let line = &view.lines[found.line_index];
    let text = line.text();
    let label_starts: Vec<usize> = label
        .find_iter(&line.folded)
        .map(|m| line.orig(m.start()))
        .collect();
    for (hours, start, end) in values::all_hours(text) {
        let before_value = line.span_bbox(start, end).x1 <= found.bbox.x0;
        // Another label between this number and the value read labels that value ("Module
        // 1 : 7 heures de formation — Durée : 21 heures").
        let relabelled = label_starts
            .iter()
            .any(|l| *l >= end && line.span_bbox(*l, *l + 1).x0 < found.bbox.x0);
        if label_starts.iter().any(|l| start < *l && *l < end) && before_value && !relabelled {
            return found_at(view, found.line_index, hours, start, end, found.confidence);
        }
    }
    found
}

fn trainees(view: &DocView<'_>) -> Option<Found<u32>> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"nombre (de |d')?(stagiaires|participants|apprenants|salaries|personnes|beneficiaires|inscrits|eleves)|nb\.? (de |d')?(stagiaires|participants|apprenants|personnes|salaries)|effectifs?( formes?| prevus?| concernes?)?|\bstagiaires?\s*:|\bparticipants?\s*:|\bapprenants?\s*:|nombre d'inscrits",
        )
    });
    if let Some(found) = find_labeled(view, &LABEL, &values::count)
        .into_iter()
        .next()
    {
        return Some(found);
    }
    static INLINE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:^|\D)(\d{1,3})\s+(stagiaires?|participants?|apprenants?|salaries?|personnes?|beneficiaires?)\b",
        )
    });
    for (index, line) in view.lines.iter().enumerate() {
        if line.folded.contains("maximum")
            || line.folded.contains("minimum")
            || line.folded.contains(" max")
        {
            continue;
        }
        // The count may wrap: "au bénéfice de 4" / "salariés".
        let next = view
            .lines
            .get(index + 1)
            .filter(|n| n.page == line.page)
            .map_or("", |n| n.folded.as_str());
        let joined = format!("{} {next}", line.folded);
        if let Some(caps) = INLINE.captures(&joined) {
            let Some(m) = caps.get(1).filter(|m| m.end() <= line.folded.len()) else {
                continue;
            };
            let (start, end) = (line.orig(m.start()), line.orig(m.end()));
            if let Ok(n) = line.text()[start..end].parse::<u32>() {
                if (1..=999).contains(&n) {
                    return Some(found_at(view, index, n, start, end, 0.75));
                }
            }
        }
    }
    None
}

/// Line items written as products rather than a table ("Conduite R489 : 3 x 126,00 € =
/// 378,00 €"): a quantity, a unit price and an amount that the line's own arithmetic ties
/// together (quantity × price = amount, to the cent). The label is the text before them.
fn stated_items(view: &DocView<'_>) -> Option<Found<Vec<LineItem>>> {
    static PRODUCT: LazyLock<Regex> = LazyLock::new(|| {
        // The quantity may carry its unit ("6 stagiaire(s) x …", "2 jours x …").
        re(
            r"(?P<q>\b\d{1,4}(?:[.,]\d{1,2})?)\s*(?:[\p{L}()'.]+\s*){0,3}?(?:\bx\b|×|\*)\s*(?P<p>[^=]{1,32}?)\s*=\s*(?P<a>[^=]{1,32})$",
        )
    });
    let mut items = Vec::new();
    let mut first: Option<(usize, BBox)> = None;
    let mut bbox: Option<BBox> = None;
    for (index, line) in view.lines.iter().enumerate() {
        let text = line.text();
        let Some(caps) = PRODUCT.captures(text) else {
            continue;
        };
        let (Some(q), Some(p), Some(a)) = (caps.name("q"), caps.name("p"), caps.name("a")) else {
            continue;
        };
        let quantity = dossier_parse::parse_amount(q.as_str());
        let price = dossier_parse::first_money_amount(p.as_str()).map(|m| m.value);
        let amount = dossier_parse::first_money_amount(a.as_str()).map(|m| m.value);
        let (Some(quantity), Some(mut price), Some(mut amount)) = (quantity, price, amount) else {
            continue;
        };
        if (quantity * price - amount).abs() > Decimal::new(1, 2) || amount <= Decimal::ZERO {
            continue;
        }
        let label = text[..q.start()]
            .trim()
            .trim_end_matches([':', '-', '–', '—'])
            .trim();
        if label.chars().filter(|c| c.is_alphabetic()).count() < 3 {
            continue;
        }
        price.rescale(2);
        amount.rescale(2);
        items.push(LineItem {
            label: label.to_string(),
            quantity: Some(quantity.normalize()),
            unit_price: Some(price),
            amount,
        });
        let found = line.line.bbox;
        first.get_or_insert((index, found));
        bbox = Some(bbox.map_or(found, |b| b.union(found)));
    }
    let (index, _) = first?;
    let line = &view.lines[index];
    Some(Found {
        value: items,
        page: line.page,
        evidence: crate::view::evidence_of(line.text()),
        bbox: bbox.unwrap_or(line.line.bbox),
        // The arithmetic confirms the three numbers; the label is the text before them.
        confidence: 0.85,
        line_index: index,
    })
}

/// A reference printed right after the document's title word, without "n°" ("Facture
/// FA-2017-0010", "DEVIS D2026-118"): a short line that opens with the title and whose next
/// token holds at least three digits and is no date.
fn title_reference(view: &DocView<'_>, title: &Regex) -> Option<Found<String>> {
    /// Words of a title line; longer lines are prose that merely starts with the word.
    const MAX_TITLE_LINE_WORDS: usize = 8;
    /// Digits a reference holds at least ("V2" or "2 pages" are no references).
    const MIN_REFERENCE_DIGITS: usize = 3;
    view.lines.iter().enumerate().find_map(|(index, line)| {
        if line.line.words.len() > MAX_TITLE_LINE_WORDS {
            return None;
        }
        let m = title.find(&line.folded)?;
        let from = line.orig(m.end());
        let rest = &line.text()[from..];
        let (value, start, end) = values::reference(rest)?;
        // The reference is the very next token after the title (and an optional ":"), not a
        // number further on ("Facture de 1 450,00 €", "Devis du 12 mars").
        let next_token = rest
            .find(|c: char| c.is_alphanumeric())
            .unwrap_or(rest.len());
        let only_colon = rest[..next_token]
            .trim()
            .trim_start_matches(':')
            .trim()
            .is_empty();
        if start != next_token
            || !only_colon
            || value.chars().filter(char::is_ascii_digit).count() < MIN_REFERENCE_DIGITS
        {
            return None;
        }
        Some(found_at(view, index, value, from + start, from + end, 0.85))
    })
}
