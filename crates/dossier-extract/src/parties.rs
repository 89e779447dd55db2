//! The parties of a document: the training provider (SIRET, SIREN, NDA, VAT number, name)
//! and the client company (SIRET, name).
//!
//! A SIRET's role comes from its context: the nearest role word on its line (before it) or on
//! the lines above it in the same column ("Client :", "Organisme de formation"), a legal
//! notice in its own block (NDA, RCS, capital), or, failing that, its place: a provider's
//! identifiers sit in headers and footers; of two blocks side by side in the upper half of
//! the page, the left is the issuer's letterhead and the right the addressee's (a label cell
//! beside its value is no block). What one block says is never taken as said of the block
//! beside it. An identifier whose role cannot be told goes to the provider when the provider
//! has none yet, then to the client.

use std::sync::LazyLock;

use dossier_contract::Fields;
use regex::Regex;

use crate::{lexicon, values};
use dossier_layout::Cell;

use crate::view::{DocView, Found, LineView, find_labeled, fold, found_at, re};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Provider,
    Client,
    /// The client's by its place only: the right-hand block of two printed side by side in
    /// the upper half of the page, where French letters put the addressee (the issuer's
    /// letterhead on the left).
    Addressee,
    /// The provider's by its place only: the page's header or footer band, or the left-hand
    /// block of two side by side. A SIRET so placed that loses to one the document names
    /// stays a candidate for the client.
    Letterhead,
    Unknown,
}

static CLIENT_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bclient|destinataire|beneficiaire|\bentreprise\b|factur(e|ee|er)\s*a\b|adresse de facturation|commanditaire|\badherent|\bemployeur|\bsociete\s*:|a l'attention|donneur d'ordre|\bacheteur|cocontractant|\bstructure\s*:|\bcommande par",
    )
});
static PROVIDER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"organisme|prestataire|emetteur|fournisseur|vendeur|dispensateur|centre de formation|declaration d.?activite|\bnda\b|organisateur|\bof\s*:|siege social|\bformateur|ecole|institut",
    )
});

/// The cell of a line holding the byte offset `at`, with the cell's start offset and the
/// previous cell of the line.
fn cell_at<'l>(line: &'l LineView<'_>, at: usize) -> Option<(usize, &'l Cell, Option<&'l Cell>)> {
    let mut offset = 0;
    let mut previous = None;
    for cell in &line.line.cells {
        let end = offset + cell.text.len();
        if at < end || std::ptr::eq(cell, line.line.cells.last()?) {
            return Some((offset, cell, previous));
        }
        offset = end + 1;
        previous = Some(cell);
    }
    None
}

/// Lines above an identifier searched for its block's label: an addressee block has five
/// lines above its SIRET ("Destinataire :", company, contact, two address lines, then
/// "SIRET : …"); four missed the label and gave a client's SIRET to the provider; one more
/// for a country or a floor. Gaps and lines of another statement (amounts, dates) still end
/// the walk first.
const MAX_BLOCK_LINES: usize = 6;

fn role_of(view: &DocView<'_>, index: usize, start: usize) -> Role {
    let line = &view.lines[index];
    let nearest = |text: &str| -> Option<Role> {
        let client = CLIENT_WORDS.find_iter(text).last().map(|m| m.start());
        let provider = PROVIDER_WORDS.find_iter(text).last().map(|m| m.start());
        match (client, provider) {
            (Some(c), Some(p)) => Some(if c > p { Role::Client } else { Role::Provider }),
            (Some(_), None) => Some(Role::Client),
            (None, Some(_)) => Some(Role::Provider),
            (None, None) => None,
        }
    };
    // Side-by-side blocks (provider left, client right) share lines: only the identifier's
    // own cell, and a label cell just before it, speak for it.
    let Some((cell_start, cell, previous)) = cell_at(line, start) else {
        return Role::Unknown;
    };
    let mut before = fold(&line.text()[cell_start.min(start)..start]).0;
    if before.trim().chars().all(|c| !c.is_alphabetic()) {
        if let Some(label) =
            previous.filter(|p| p.text.trim_end().ends_with(':') || cell.bbox.x0 - p.bbox.x1 < 40.0)
        {
            before = fold(&label.text).0 + " " + &before;
        }
    }
    if let Some(role) = nearest(&before) {
        return role;
    }
    // A legal-notice line ("… SIRET … - NDA …") names the provider after the number.
    let own_cell = fold(&cell.text).0;
    if PROVIDER_WORDS.is_match(&own_cell) && !CLIENT_WORDS.is_match(&own_cell) {
        return Role::Provider;
    }
    // Walk up the same block: a few lines, only their cells in the identifier's column,
    // stopping at a gap or at a line that belongs to another statement (amounts, dates).
    static OTHER_BLOCK: LazyLock<Regex> =
        LazyLock::new(|| re(r"\d[\d\s.,]*\s?(€|eur)|\d{1,2}/\d{1,2}/\d{2,4}"));
    let band = cell.bbox;
    let mut lower_edge = line.line.bbox.y1;
    for above in view.lines[..index].iter().rev().take(MAX_BLOCK_LINES) {
        if above.page != line.page {
            break;
        }
        // Words, not cells: a long name in the left column may touch the right column's text.
        let column: Vec<&str> = above
            .line
            .words
            .iter()
            .filter(|w| {
                let center = (w.bbox.x0 + w.bbox.x1) / 2.0;
                center > band.x0 - 5.0 && center < band.x1.max(band.x0 + 120.0) + 5.0
            })
            .map(|w| w.text.as_str())
            .collect();
        if column.is_empty() {
            continue;
        }
        let gap = above.line.bbox.y0 - lower_edge;
        let text = fold(&column.join(" ")).0;
        if gap > line.line.size.max(6.0) * 1.8 || OTHER_BLOCK.is_match(&text) {
            break;
        }
        lower_edge = above.line.bbox.y1;
        if let Some(role) = nearest(&text) {
            return role;
        }
    }
    let top = line.top_fraction();
    if !(HEADER_BAND..=1.0 - HEADER_BAND).contains(&top) {
        return Role::Letterhead;
    }
    match block_side(line, start) {
        Some(Side::Right) if top < ADDRESS_ZONE => Role::Addressee,
        Some(Side::Left) if top < ADDRESS_ZONE => Role::Letterhead,
        _ => Role::Unknown,
    }
}

/// Share of the page's height, from the top and from the bottom, that is the header and
/// footer band: identifiers there are the issuer's.
const HEADER_BAND: f32 = 0.12;

/// Share of the page's height from the top within which two blocks side by side are the
/// issuer's letterhead and the addressee's block (below it, two columns are a table's).
const ADDRESS_ZONE: f32 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Side {
    Left,
    Right,
}

/// Which of two blocks printed side by side on a line holds byte offset `at`: `None` when the
/// line has one block only.
fn block_side(line: &LineView<'_>, at: usize) -> Option<Side> {
    let (first, last) = block_range(line, at)?;
    let cells = &line.line.cells;
    // A label cell ("Organisme", "Client :") beside its value is a key/value row, not a
    // second block: the other block must say something (a number, an address, a name).
    let says_something = |range: &[Cell]| {
        let text: String = range
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        text.chars().any(|c| c.is_ascii_digit())
            || text.split_whitespace().count() > LABEL_MAX_WORDS
    };
    if first > 0 && says_something(&cells[..first]) {
        Some(Side::Right)
    } else if last + 1 < cells.len() && says_something(&cells[last + 1..]) {
        Some(Side::Left)
    } else {
        None
    }
}

/// Words a label cell of a key/value row holds at most ("Organisme de formation :").
const LABEL_MAX_WORDS: usize = 3;

/// Evidence that a line is the issuer's legal notice or registration (a letterhead or a
/// footer): its identifiers are the provider's.
static LEGAL_NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bcapital\b|\brcs\b|\bape\b|\bnaf\b|declaration d.?activite|enregistre(e)? sous|\bnda\b|tva intra|\bn\W{0,3}\s*tva\b|prefet de (la )?region",
    )
});
/// Confidence kept by a client's SIRET known by its place or by elimination rather than by
/// a label (0.97 → 0.82: still above the rules' 0.6, below a labelled reading).
const PLACE_ONLY_DISCOUNT: f64 = 0.85;

/// Confidence kept by a client's SIRET that the document's words gave to a provider (a funder
/// named "organisme financeur", a party after the provider's registration in a sentence):
/// 0.97 → 0.68, read but below the 0.8 a value is trusted at without a look.
const CONTESTED_DISCOUNT: f64 = 0.7;

/// Horizontal gap, in font sizes, that separates two blocks printed side by side on one line
/// (the issuer's letterhead on the left, the addressee's block on the right: 12 sizes apart
/// on the Calc invoice of the corpus) from the cells of one statement (a footer's "SIRET … ·
/// NDA …", whose cells sit 1 to 3 sizes apart).
const SIDE_BY_SIDE_GAP: f32 = 6.0;

/// The text of the block holding byte offset `at` of a line: its cell and the neighbouring
/// cells closer than [`SIDE_BY_SIDE_GAP`], so that what one block says (a legal notice) is
/// not read as said of the identifier of the block beside it.
fn block_text(line: &LineView<'_>, at: usize) -> String {
    match block_range(line, at) {
        Some((first, last)) => line.line.cells[first..=last]
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        None => line.text().to_string(),
    }
}

/// The first and last cells of the block holding byte offset `at` (see [`block_text`]).
fn block_range(line: &LineView<'_>, at: usize) -> Option<(usize, usize)> {
    let cells = &line.line.cells;
    let (_, own, _) = cell_at(line, at)?;
    let own_index = cells.iter().position(|c| std::ptr::eq(c, own))?;
    let gap = line.line.size.max(6.0) * SIDE_BY_SIDE_GAP;
    let mut first = own_index;
    while first > 0 && cells[first].bbox.x0 - cells[first - 1].bbox.x1 < gap {
        first -= 1;
    }
    let mut last = own_index;
    while last + 1 < cells.len() && cells[last + 1].bbox.x0 - cells[last].bbox.x1 < gap {
        last += 1;
    }
    Some((first, last))
}

/// A party's designation in a contract's preamble ("…, SIRET …, ci-après « le
/// bénéficiaire »"): the role is named after the identifier, in the same clause.
static DESIGNATION: LazyLock<Regex> = LazyLock::new(|| {
    re(r"ci-?\s?apres\s+(denommee?s?|designee?s?|appelee?s?)?\s*\W{0,3}\s*(l'|le |la )?(\w+)")
});

/// The role a contract's designation gives the identifier at `start` on line `index`: the
/// first "ci-après « … »" after it on its line or the next two lines of the same page.
fn designated_role(view: &DocView<'_>, index: usize, start: usize) -> Option<Role> {
    let line = &view.lines[index];
    let after_self = fold(&line.text()[start..]).0;
    let mut text = after_self;
    for next in view.lines.iter().skip(index + 1).take(2) {
        if next.page != line.page {
            break;
        }
        text.push(' ');
        text.push_str(&next.folded);
    }
    // The clause ends at the next party ("et la société …") or the end of a sentence.
    let clause_end = text.find(" et ").unwrap_or(text.len());
    let caps = DESIGNATION.captures(&text[..clause_end])?;
    let word = caps.get(3)?.as_str();
    if CLIENT_WORDS.is_match(word) || matches!(word, "stagiaire" | "acheteur" | "societe") {
        Some(Role::Client)
    } else if PROVIDER_WORDS.is_match(word) || matches!(word, "prestataire" | "of") {
        Some(Role::Provider)
    } else {
        None
    }
}

/// Fills the provider's and the client's identifiers. `with_client` is false for documents
/// that name no client (programmes, certificates).
///
/// Each SIRET's role comes first from what the document says of it (its label, its block,
/// a contract's designation), then from constraints that tie it to the issuer: the SIREN
/// inside the issuer's VAT number, the legal notice that carries the NDA or the share
/// capital. A SIRET those constraints name is the provider's even when an unlabelled
/// address block (a window envelope's) printed another one first; that other one is then
/// the client's.
pub(crate) fn extract_parties(view: &DocView<'_>, fields: &mut Fields, with_client: bool) {
    let vat_sirens: Vec<String> = view
        .lines
        .iter()
        .enumerate()
        .flat_map(|(index, line)| {
            dossier_parse::find_vat_numbers(line.text())
                .into_iter()
                .filter(move |m| {
                    !matches!(
                        role_of(view, index, m.start),
                        Role::Client | Role::Addressee
                    )
                })
                .map(|m| m.value[4..].to_string())
        })
        .collect();
    let mut provider: Option<(u8, Role, Found<String>)> = None;
    let mut client: Option<Found<String>> = None;
    let mut unknown: Vec<Found<String>> = Vec::new();
    let mut contested: Vec<Found<String>> = Vec::new();
    for (index, line) in view.lines.iter().enumerate() {
        for m in dossier_parse::find_siret(line.text()) {
            let confidence = if m.repaired { 0.8 } else { 0.97 };
            let found = found_at(view, index, m.value.clone(), m.start, m.end, confidence);
            let issuer = vat_sirens.iter().any(|s| m.value.starts_with(s.as_str()))
                || LEGAL_NOTICE.is_match(&fold(&block_text(line, m.start)).0);
            let role = match designated_role(view, index, m.end) {
                Some(role) => role,
                None => role_of(view, index, m.start),
            };
            let role = match role {
                Role::Client | Role::Addressee
                    if issuer && vat_sirens.iter().any(|s| m.value.starts_with(s.as_str())) =>
                {
                    Role::Provider
                }
                // A legal notice in the identifier's own block makes it the issuer's,
                // whatever its place.
                Role::Unknown | Role::Addressee | Role::Letterhead if issuer => Role::Provider,
                other => other,
            };
            match role {
                Role::Client if with_client => {
                    if client.is_none() {
                        client = Some(found);
                    }
                }
                Role::Addressee if with_client => {
                    if client.is_none() {
                        // Its place says whose it is, no word does.
                        let mut found = found;
                        found.confidence *= PLACE_ONLY_DISCOUNT;
                        client = Some(found);
                    }
                }
                Role::Addressee => unknown.push(found),
                Role::Provider | Role::Client | Role::Letterhead => {
                    // Grounds, strongest first: the issuer's constraints (legal notice, VAT
                    // number), then a provider's label or block, then nothing better than
                    // "not the client's". A SIRET replaces one taken on weaker grounds only.
                    let grounds = if issuer {
                        2
                    } else {
                        u8::from(matches!(role, Role::Provider | Role::Letterhead))
                    };
                    // Two SIRETs of one SIREN are one company's establishments: the one
                    // printed first (the letterhead, the "Organisme" row naming the training
                    // centre) is the one the document is about; a later footer repeats the
                    // head office's. (The same SIRET printed again may still bring stronger
                    // evidence: the legal notice that also names the provider.)
                    let other_establishment = provider.as_ref().is_some_and(|(_, _, p)| {
                        p.value[..9] == found.value[..9] && p.value != found.value
                    });
                    if other_establishment {
                        continue;
                    }
                    // A SIRET that loses to another company's: by its place only, whose it is
                    // stays open, as for an unlabelled one; said to be a provider's (a
                    // funder's "Organisme financeur", a sentence after the provider's
                    // registration), it may be the client's only with less confidence.
                    let mut set_aside = |role: Role, found: Found<String>| {
                        if role == Role::Letterhead {
                            unknown.push(found);
                        } else {
                            contested.push(found);
                        }
                    };
                    if provider.as_ref().is_none_or(|(g, _, _)| grounds > *g) {
                        if let Some((_, weaker_role, weaker)) = provider.take() {
                            set_aside(weaker_role, weaker);
                        }
                        provider = Some((grounds, role, found));
                    } else {
                        set_aside(role, found);
                    }
                }
                Role::Unknown => unknown.push(found),
            }
        }
    }
    let mut provider = provider.map(|(_, _, f)| f);
    let candidates = unknown
        .into_iter()
        .map(|f| (f, PLACE_ONLY_DISCOUNT))
        .chain(contested.into_iter().map(|f| (f, CONTESTED_DISCOUNT)));
    for (found, discount) in candidates {
        if provider.is_none() {
            provider = Some(found);
        } else if with_client
            && client.is_none()
            && provider
                .as_ref()
                .is_some_and(|p| p.value[..9] != found.value[..9])
        {
            let mut found = found;
            found.confidence *= discount;
            client = Some(found);
        }
    }
    if let (Some(p), Some(c)) = (&provider, &client) {
        if p.value == c.value {
            client = None;
        }
    }
    fields.provider_siret = provider.map(Found::into_field);
    fields.client_siret = client.map(Found::into_field);
    fields.invalid_siret = invalid_siret(view).map(Found::into_field);

    // SIREN printed as such (certificates since 2023 carry it).
    static SIREN_LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"\bsire[nt]\b"));
    // A SIREN counts only on a line that names it; the SIRET's prefix is stronger otherwise,
    // and an NDA's digits must not pass for a SIREN.
    static SIREN_WORD: LazyLock<Regex> = LazyLock::new(|| re(r"\bsiren\b|\bsiret\b"));
    let siren = find_labeled(view, &SIREN_LABEL, &values::siren)
        .into_iter()
        .find(|f| {
            let line = &view.lines[f.line_index];
            SIREN_WORD.is_match(&line.folded)
                && !dossier_parse::find_nda(line.text())
                    .iter()
                    .any(|n| n.value.contains(&f.value))
                && fields
                    .client_siret
                    .as_ref()
                    .is_none_or(|c| !c.value.starts_with(&f.value))
        });
    fields.provider_siren = match siren {
        Some(found) => Some(found.into_field()),
        // The SIREN is the SIRET's first nine digits.
        None => fields
            .provider_siret
            .as_ref()
            .map(|siret| dossier_contract::Field {
                value: siret.value[..9].to_string(),
                confidence: (siret.confidence * 0.98 * 100.0).round() / 100.0,
                ..siret.clone()
            }),
    };

    static NDA_LABEL: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"declaration d.?activite|\bnda\b|\bn\.?d\.?a\.?\b|n\W{0,3}\s*d.?activite|numero d.?activite|enregistre(e)?s?\b|numero de declaration|n\W{0,3}\s*(de )?declaration|declaration (direccte|dreets|prefecture)|\bda\s*:|numero d.?existence|n\W{0,3}\s*d.?existence|n\W{0,3}\s*d.?enregistrement",
        )
    });
    fields.provider_nda = find_labeled(view, &NDA_LABEL, &values::nda)
        .into_iter()
        .next()
        .map(Found::into_field);

    let vat = view.lines.iter().enumerate().find_map(|(index, line)| {
        dossier_parse::find_vat_numbers(line.text())
            .into_iter()
            .find(|m| {
                !matches!(
                    role_of(view, index, m.start),
                    Role::Client | Role::Addressee
                )
            })
            .map(|m| found_at(view, index, m.value, m.start, m.end, 0.95))
    });
    fields.provider_vat_number = vat.map(Found::into_field);

    fields.provider_name = provider_name(view, fields)
        .map(without_aside)
        .map(Found::into_field);
    if with_client {
        static CLIENT_LABEL: LazyLock<Regex> = LazyLock::new(|| {
            re(
                r"\bclient\s*:|destinataire\s*:?|\bentreprise( cliente| beneficiaire)?\s*:|beneficiaire\s*:|a l'attention de|factur(e|ee|er) ?a\s*:?|\bsociete\s*:|adresse de facturation\s*:?|commanditaire\s*:|\bclient\b",
            )
        });
        fields.client_name = find_labeled(view, &CLIENT_LABEL, &values::name)
            .into_iter()
            .find(|f| {
                !f.value.to_lowercase().starts_with("siret")
                    && values::reads_as_party_name(&f.value)
            })
            .map(|f| {
                let mut f = without_aside(f);
                f.confidence *= 0.85;
                f.into_field()
            });
    }
}

/// A SIRET printed with a failing check digit, as printed: only where a label names it
/// (a 14-digit run elsewhere may be an account or a phone number).
fn invalid_siret(view: &DocView<'_>) -> Option<Found<String>> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"\bsiret\b"));
    view.lines.iter().enumerate().find_map(|(index, line)| {
        let label = LABEL.find(&line.folded)?;
        let label_end = line.orig(label.end());
        dossier_parse::find_invalid_siret(line.text())
            .into_iter()
            .find(|m| {
                m.start >= label_end
                    && line.text()[label_end..m.start]
                        .chars()
                        .filter(|c| c.is_alphanumeric())
                        .count()
                        <= 3
            })
            .map(|m| found_at(view, index, m.value, m.start, m.end, 0.9))
    })
}

static NOT_A_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(devis|facture|programme|certificat|convention|proposition|feuille|attestation|emargement|date|page|contrat|bon de commande|fiche|objet|tel|mail|email|www|http|n\W|numero|siret|siren|client|destinataire|version|mise a jour|edite|formation professionnelle|devis de formation)|@|https?:|www\.|^\d|\b\d{5}\b|^[^a-z]*$",
    )
});
static LEGAL_FORM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(sas|sasu|sarl|eurl|sa|scop|sci|snc|association|formation|formations|consulting|conseil|conseils|institut|centre|academy|academie|ecole|group|groupe|campus|learning|competences)\b",
    )
});

/// A party's name without the aside in parentheses that closes it ("Nuage Formation SAS
/// (plateforme Campus Nuage)", "Lumen (nom commercial : …)"): a platform, a trade name or a
/// note about the party, not its name.
fn without_aside(found: Found<String>) -> Found<String> {
    let value = found.value.trim_end();
    let Some(open) = value.rfind('(').filter(|_| value.ends_with(')')) else {
        return found;
    };
    let kept = value[..open].trim_end();
    // What is left must still be a name, not a legal form alone ("SAS (Forma Plus)").
    let folded_kept = fold(kept).0;
    let only_legal_form = LEGAL_FORM.replace_all(&folded_kept, "").trim().is_empty();
    if kept.contains('(') || only_legal_form || !values::reads_as_party_name(kept) {
        return found;
    }
    Found {
        value: kept.to_string(),
        ..found
    }
}

fn provider_name(view: &DocView<'_>, fields: &Fields) -> Option<Found<String>> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"organisme de formation\s*:|organisateur( de la formation)?\s*:|prestataire\s*:|dispensateur\s*:|emetteur\s*:|vendeur\s*:|raison sociale\s*:|denomination\s*:|\borganisme\s*:",
        )
    });
    // A company's name opens with a capital or a digit; a lowercase value after a label is
    // the prose of a heading that ends with the word ("Engagements … de l'organisme :").
    let capitalised = |f: &Found<String>| {
        f.value
            .chars()
            .find(|c| c.is_alphanumeric())
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    };
    // A signature caption names who signs for the provider ("Signature de l'organisme de
    // formation : GRIGNON Camille"), a person, not the organisation.
    static SIGNATURE_CAPTION: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"\b(signature|cachet|visa|signee?)\W+(\w+\W+){0,2}(de |du |pour )?(l')?(organisme|organisateur|prestataire|dispensateur|emetteur|vendeur)",
        )
    });
    if let Some(found) = find_labeled(view, &LABEL, &values::name)
        .into_iter()
        // The evidence holds the label's line as well when the value is on the next one.
        .filter(|f| !SIGNATURE_CAPTION.is_match(&crate::view::fold(&f.evidence).0))
        .find(capitalised)
    {
        return Some(Found {
            confidence: 0.85,
            ..found
        });
    }
    // The legal-notice line that carries the provider's SIRET usually starts with its name.
    if let Some(siret) = &fields.provider_siret {
        if let Some((index, line)) = crate::view::line_of_field(view, siret) {
            // The notice's first cell: another party's block may share its line.
            let first = line
                .line
                .cells
                .first()
                .map_or(line.text(), |c| c.text.as_str());
            let head = name_opening_notice(first);
            let (folded_head, _) = crate::view::fold(head);
            if head.chars().filter(|c| c.is_alphabetic()).count() >= 3
                && head.len() <= 60
                && !NOT_A_NAME.is_match(&folded_head)
                && !folded_head.contains("siret")
            {
                return Some(found_at(view, index, head.to_string(), 0, head.len(), 0.75));
            }
        }
    }
    // A letterhead: an early line of the first page that reads like a company name.
    let first_page = view.first_page_indexed();
    let candidates = first_page
        .iter()
        .filter(|(_, l)| l.top_fraction() < 0.22)
        .take(8);
    // A label and its value ("Formation : …") is a field, not a letterhead.
    static LABELLED: LazyLock<Regex> = LazyLock::new(|| re(r"^[^:]{1,30}\s:\s|^[^:]{1,30}:\s"));
    /// What each line further down costs a letterhead candidate: a name opens the page, and
    /// a larger title below it (the document's own heading) must not outrank it on size
    /// alone (a size point adds 0.001).
    const LETTERHEAD_RANK_COST: f64 = 0.02;
    let mut best: Option<(f64, usize)> = None;
    // The size of the heading that names the document's type ("Programme de formation"),
    // once met: a line below it set as large is the document's subject ("BILAN DE
    // COMPÉTENCES"), not its issuer; a letterhead sits above the type or beside it, smaller.
    let mut type_heading_size: Option<f32> = None;
    for (rank, (index, line)) in candidates.enumerate() {
        let text = line
            .line
            .cells
            .first()
            .map_or(line.text(), |c| c.text.as_str())
            .trim();
        let (folded, _) = crate::view::fold(text);
        if type_heading_size.is_some_and(|size| line.line.size >= size) {
            continue;
        }
        if crate::classify::head_type(&[folded.as_str()]).is_some() {
            type_heading_size = Some(line.line.size);
        }
        // A name opens with a letter or a digit, never with a box or a bullet ("☒ action de
        // formation").
        if text.chars().count() > 60
            || !text.starts_with(char::is_alphanumeric)
            || text.chars().filter(|c| c.is_alphabetic()).count() < 3
            || NOT_A_NAME.is_match(&folded)
            || LABELLED.is_match(&folded)
        {
            continue;
        }
        let score = if LEGAL_FORM.is_match(&folded) {
            0.75
        } else {
            0.55
        } + f64::from(line.line.size) / 1000.0
            - LETTERHEAD_RANK_COST * rank as f64;
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, *index));
        }
    }
    best.map(|(score, index)| {
        let line = &view.lines[index];
        let text = line
            .line
            .cells
            .first()
            .map_or(line.text(), |c| c.text.as_str())
            .trim()
            .to_string();
        found_at(
            view,
            index,
            text.clone(),
            0,
            text.len(),
            score.clamp(0.5, 0.8),
        )
    })
}

/// The name a legal-notice line opens with: the text before its first legal-notice word
/// ("MELODIE DES SENS" of "MELODIE DES SENS SIRET : 878… EURL au capital de 3 000 €"), cut
/// again at the first separator ("Cap Formation – 12 rue …").
fn name_opening_notice(line: &str) -> &str {
    let (folded, map) = crate::view::fold(line);
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in folded.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, folded.len()));
    }
    let words: Vec<&str> = spans.iter().map(|&(s, e)| &folded[s..e]).collect();
    let cut = lexicon::cues(lexicon::LEGAL_NOTICE, &words)
        .first()
        .and_then(|m| spans.get(m.word))
        .and_then(|&(s, _)| map.get(s).copied())
        .unwrap_or(line.len());
    line.get(..cut)
        .unwrap_or(line)
        .split([',', '-', '–', '—', '|'])
        .next()
        .unwrap_or("")
        .trim()
}
