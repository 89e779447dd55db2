//! Fields of a training programme: title, duration, provider, and which items of Qualiopi
//! indicator 1 it states (objectives, audience, prerequisites, duration, access and delays,
//! methods, evaluation, accessibility, price, contact).

use std::sync::LazyLock;

use dossier_contract::{Field, Fields, Sections};
use regex::Regex;

use crate::commercial::{duration, training_title, unquoted};
use crate::view::{DocView, Found, found_at, re};

pub(crate) fn extract_programme(view: &DocView<'_>, fields: &mut Fields) {
    let provider = fields
        .provider_name
        .as_ref()
        .map_or("", |p| p.value.as_str())
        .to_string();
    fields.training_title = training_title(view, Some(&provider))
        .or_else(|| title_by_size(view, &provider).map(unquoted))
        .map(Found::into_field);
    fields.duration_hours = duration(view).map(Found::into_field);
    fields.sections = Some(sections(view));
}

static GENERIC_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(programme( detaille)?( de (la )?formation)?|fiche( programme| formation| pedagogique)?|formation|objectifs?( (pedagogiques?|de (la )?formation|operationnels))?|a qui|public|pre-?requis|contenu|organisation|modalites|sommaire|methodes?|moyens|evaluation|accessibilite|tarifs?|contact|duree|qualite|informations|presentation|description( du programme)?|plan|dates?|lieu|page|version|mise a jour)(\s*:.*)?$|^[^a-z]*$",
    )
});

/// The programme's title when no label names it: the largest line of the first page that
/// is not a section heading, set larger than the body text.
fn title_by_size(view: &DocView<'_>, provider: &str) -> Option<Found<String>> {
    let provider = if provider.trim().is_empty() {
        "\u{0}"
    } else {
        provider.trim()
    };
    let first = view.first_page_indexed();
    // The body text's size is the whole document's median: a cover page set all in large
    // type (a slide deck's) has no line above its own median.
    let mut sizes: Vec<f32> = view.lines.iter().map(|l| l.line.size).collect();
    sizes.sort_by(f32::total_cmp);
    let median = *sizes.get(sizes.len() / 2)?;
    let (index, line) = first
        .iter()
        .filter(|(_, l)| {
            l.line.size >= median * 1.15
                && l.text().chars().filter(|c| c.is_alphabetic()).count() >= 6
                && l.text().chars().count() <= 160
        })
        .filter(|(_, l)| !GENERIC_HEADING.is_match(l.folded.trim()) && !l.text().contains(provider))
        .max_by(|a, b| a.1.line.size.total_cmp(&b.1.line.size).then(b.0.cmp(&a.0)))?;
    // A long title wraps over several lines of the same size.
    let mut text = line.text().trim().to_string();
    let mut last = &line.line;
    for next in view.lines.iter().skip(index + 1).take(3) {
        let same_block = next.page == line.page
            && (next.line.size - last.size).abs() < 0.5
            && last.bbox.y0 - next.line.bbox.y1 < last.size * 0.8
            && text.chars().count() + next.text().chars().count() <= 160;
        if !same_block {
            break;
        }
        text.push(' ');
        text.push_str(next.text().trim());
        last = &next.line;
    }
    Some(found_at(
        view,
        *index,
        text.clone(),
        0,
        line.text().len(),
        0.7,
    ))
}

fn sections(view: &DocView<'_>) -> Field<Sections> {
    static PATTERNS: LazyLock<[Regex; 10]> = LazyLock::new(|| {
        [
            re(r"objectif|competences visees|a l'issue de la formation"),
            re(
                r"public(s)? (vise|concerne|cible)|\bpublics?\s*:|a qui s'adresse|pour qui|profil (des|du) (stagiaire|apprenant|participant|beneficiaire)|participants?\s*:",
            ),
            re(r"pre-?\s?requis|conditions? d'(acces|admission)|niveau requis"),
            re(r"duree|\d+\s*(heures|h)\b|nombre d'heures|volume horaire"),
            re(
                r"delais? d'acces|modalites d'acces|modalites et delais|delai d'inscription|inscription",
            ),
            re(
                r"methodes? (pedagogiques?|mobilisees)|moyens (pedagogiques|techniques)|modalites pedagogiques|methodes et outils|approche pedagogique|pedagogie",
            ),
            re(r"evaluation|modalites de validation|sanction de la formation|attestation de fin"),
            re(r"handicap|accessibilite|\bpsh\b|mobilite reduite"),
            re(r"tarif|\bprix\b|\bcout\b|€|\beuros?\b|\bhT\b|nous consulter|sur devis"),
            re(r"contact|telephone|\btel\b|@|referent|joindre"),
        ]
    });
    let text: String = view
        .lines
        .iter()
        .map(|l| l.folded.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let hit = |i: usize| PATTERNS[i].is_match(&text);
    let value = Sections {
        objectives: hit(0),
        audience: hit(1),
        prerequisites: hit(2),
        duration: hit(3),
        access: hit(4),
        methods: hit(5),
        evaluation: hit(6),
        accessibility: hit(7),
        price: hit(8),
        contact: hit(9),
    };
    let first = view.lines.first();
    Field {
        value,
        confidence: 0.85,
        page: first.map_or(1, |l| l.page),
        evidence: format!("{} lignes lues", view.lines.len()),
        bbox: None,
    }
}
