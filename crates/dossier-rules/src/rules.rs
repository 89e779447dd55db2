//! The rules of contract §5, one function each, and the verdict's amounts.

use chrono::{Months, NaiveDate};
use dossier_contract::{
    Amounts, DocumentKind, DocumentReport, Evidence, Finding, SessionPeriod, Severity, Stage,
    TextSource, UncertainSlot,
};
use dossier_parse::{
    format_date_fr, format_decimal_fr, format_eur_fr, format_hours_fr, is_valid_siren,
    is_valid_siret,
};
use rust_decimal::Decimal;

use crate::context::{Context, de, dossier_evidence, evidence, named};

type Rule = fn(&Context<'_>, &mut Vec<Finding>);

const RULES: &[Rule] = &[
    missing_document,
    unreadable_document,
    unknown_document,
    declared_kind_mismatch,
    invalid_siret,
    provider_mismatch,
    client_mismatch,
    nda_missing,
    qualiopi_dates,
    qualiopi_category,
    quote_totals,
    requested_amount,
    hourly_cost,
    duration_mismatch,
    training_dates,
    trainees_mismatch,
    request_after_start,
    attendance,
    programme_content,
    invoice_exceeds_quote,
    scheme_not_eligible,
    uncertain_document_kind,
    completion_hours_short,
    internal_error,
];

pub(crate) fn run_all(ctx: &Context<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RULES {
        rule(ctx, &mut findings);
    }
    findings
}

fn ids(documents: &[&DocumentReport]) -> Vec<String> {
    documents.iter().map(|d| d.document_id.clone()).collect()
}

fn scheme_label(ctx: &Context<'_>) -> String {
    ctx.rulebook
        .schemes
        .get(&ctx.request.scheme)
        .map_or_else(|| ctx.request.scheme.clone(), |s| s.label.clone())
}

fn missing_document(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let stage = match ctx.request.stage {
        Stage::Request => "de la demande de prise en charge",
        Stage::Payment => "de la demande de paiement",
    };
    for kind in ctx
        .rulebook
        .required(&ctx.request.scheme, ctx.request.stage)
    {
        if ctx.first(*kind).is_none() {
            // A document the service failed to read may be the piece: nobody can say it is
            // missing, so the finding is at most a warning and asks nothing of the uploader.
            let not_read: Vec<&DocumentReport> =
                ctx.documents.iter().filter(|d| d.internal_error).collect();
            if not_read.is_empty() {
                let message = format!(
                    "Pièce manquante : {} (exigée au stade {stage} pour le dispositif {}) ; demandez-la au déposant.",
                    kind.label_fr(),
                    scheme_label(ctx)
                );
                out.push(ctx.finding("missing_document", message, Vec::new(), Vec::new()));
            } else {
                let files: Vec<String> =
                    not_read.iter().map(|d| format!("« {} »", d.file)).collect();
                let message = format!(
                    "Pièce non trouvée : {} (exigée au stade {stage} pour le dispositif {}) ; elle se trouve peut-être dans {}, que le service n'a pas pu analyser : vérifiez à la main avant de la demander au déposant.",
                    kind.label_fr(),
                    scheme_label(ctx),
                    files.join(", ")
                );
                out.push(ctx.undecided("missing_document", message, ids(&not_read)));
            }
        }
    }
}

fn unreadable_document(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // A failure of the service is not the file's: `internal_error` reports it.
    for document in ctx
        .of_kind(DocumentKind::Unreadable)
        .filter(|d| !d.internal_error)
    {
        let reason = document.reason.as_deref().unwrap_or("raison inconnue");
        let message = format!(
            "Le document « {} » est illisible ({reason}) ; demandez un nouveau dépôt du fichier.",
            document.file
        );
        let evidence = vec![reason_evidence(document)];
        out.push(ctx.finding(
            "unreadable_document",
            message,
            vec![document.document_id.clone()],
            evidence,
        ));
    }
}

/// The evidence of a document that could not be read: the reason it was not.
fn reason_evidence(document: &DocumentReport) -> Evidence {
    Evidence {
        document_id: document.document_id.clone(),
        page: None,
        text: document
            .reason
            .as_deref()
            .unwrap_or("raison inconnue")
            .to_string(),
        bbox: None,
    }
}

/// A document the service failed to read by its own fault: said as such, so the adviser
/// opens it and nobody asks the company to upload it again.
fn internal_error(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for document in ctx.documents.iter().filter(|d| d.internal_error) {
        let message = format!(
            "Le document « {} » n'a pas pu être analysé à cause d'une erreur du service de pré-contrôle, pas du fichier déposé ; ouvrez-le pour le vérifier à la main (inutile de demander un nouveau dépôt).",
            document.file
        );
        let evidence = vec![reason_evidence(document)];
        out.push(ctx.finding(
            "internal_error",
            message,
            vec![document.document_id.clone()],
            evidence,
        ));
    }
}

fn unknown_document(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for document in ctx.of_kind(DocumentKind::Unknown) {
        let message = format!(
            "Le document « {} » n'est ni un devis, ni un programme, ni un certificat Qualiopi, ni une feuille d'émargement, ni une facture ; vérifiez s'il a sa place dans le dossier.",
            document.file
        );
        out.push(ctx.finding(
            "unknown_document",
            message,
            vec![document.document_id.clone()],
            Vec::new(),
        ));
    }
}

fn declared_kind_mismatch(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for document in ctx.documents {
        let Some(declared) = document.declared_kind else {
            continue;
        };
        if declared == document.kind || matches!(document.kind, DocumentKind::Unreadable) {
            continue;
        }
        let message = format!(
            "Le document « {} » a été déposé comme {} mais son contenu est celui d'un(e) {} ; vérifiez la pièce.",
            document.file,
            declared.label_fr(),
            document.kind.label_fr()
        );
        out.push(ctx.finding(
            "declared_kind_mismatch",
            message,
            vec![document.document_id.clone()],
            Vec::new(),
        ));
    }
}

/// A piece the rulebook requires that is there only as a document classified with low
/// confidence: the adviser confirms it is the piece before the checks that rest on it count.
fn uncertain_document_kind(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let threshold = ctx.rulebook.parameters.min_kind_confidence;
    for kind in ctx
        .rulebook
        .required(&ctx.request.scheme, ctx.request.stage)
    {
        let candidates: Vec<&DocumentReport> = ctx.of_kind(*kind).collect();
        if candidates.is_empty() || candidates.iter().any(|d| d.kind_confidence >= threshold) {
            continue;
        }
        for document in candidates {
            let message = format!(
                "Le document « {} » a été reconnu comme « {} » avec une confiance faible ({} %) ; vérifiez qu'il s'agit bien de cette pièce, exigée pour le dispositif {}.",
                document.file,
                kind.label_fr(),
                // Confidences carry two decimals: rounding prints them as stored.
                (document.kind_confidence * 100.0).round(),
                scheme_label(ctx)
            );
            out.push(ctx.undecided(
                "uncertain_document_kind",
                message,
                vec![document.document_id.clone()],
            ));
        }
    }
}

fn invalid_siret(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let request = ctx.request;
    for (path, value) in [
        ("company.siret", &request.company.siret),
        ("training.provider_siret", &request.training.provider_siret),
    ] {
        if !is_valid_siret(value) {
            let message = format!(
                "Le SIRET {value} saisi dans la demande ({path}) est invalide (clé de contrôle fausse) ; faites corriger la saisie."
            );
            out.push(ctx.finding(
                "invalid_siret",
                message,
                Vec::new(),
                vec![dossier_evidence(path, value)],
            ));
        }
    }
    for document in ctx.documents {
        if let Some(field) = &document.fields.invalid_siret {
            let message = format!(
                "Le SIRET {} lu sur {} est invalide (clé de contrôle fausse) ; vérifiez l'identité de l'émetteur.",
                field.value,
                named(document)
            );
            out.push(ctx.finding(
                "invalid_siret",
                message,
                vec![document.document_id.clone()],
                vec![evidence(document, field)],
            ));
        }
    }
}

/// The provider's SIREN as a document states it (SIRET prefix or SIREN).
fn provider_siren(ctx: &Context<'_>, document: &DocumentReport) -> Option<(String, Evidence)> {
    if let Some(siret) = ctx.read(&document.fields.provider_siret) {
        return Some((
            siret.value[..9.min(siret.value.len())].to_string(),
            evidence(document, siret),
        ));
    }
    ctx.read(&document.fields.provider_siren)
        .map(|siren| (siren.value.clone(), evidence(document, siren)))
}

/// Whether a provider SIRET or SIREN read below the confidence threshold is nonetheless the
/// declared provider's, digit for digit (a SIREN whose check digit holds).
fn confirms_declared(document: &DocumentReport, declared_siret: &str) -> bool {
    if !is_valid_siret(declared_siret) {
        return false;
    }
    let fields = &document.fields;
    let siren = fields
        .provider_siret
        .as_ref()
        .filter(|f| is_valid_siret(&f.value))
        .map(|f| &f.value[..9])
        .or_else(|| {
            fields
                .provider_siren
                .as_ref()
                .filter(|f| is_valid_siren(&f.value))
                .map(|f| f.value.as_str())
        });
    siren.is_some_and(|siren| siren == &declared_siret[..9])
}

fn provider_mismatch(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let declared = &ctx.request.training.provider_siret;
    let reference = is_valid_siret(declared).then(|| declared[..9].to_string());
    let mut differing: Vec<(&DocumentReport, String, Evidence)> = Vec::new();
    let mut reference = reference.map(|siren| {
        (
            siren,
            dossier_evidence("training.provider_siret", declared),
            None::<&DocumentReport>,
        )
    });
    for document in ctx.documents {
        if !matches!(
            document.kind,
            DocumentKind::Quote
                | DocumentKind::QualiopiCertificate
                | DocumentKind::Programme
                | DocumentKind::Invoice
                | DocumentKind::AttendanceSheet
        ) {
            continue;
        }
        match provider_siren(ctx, document) {
            Some((siren, ev)) => match &reference {
                Some((reference_siren, _, _)) if *reference_siren != siren => {
                    differing.push((document, siren, ev))
                }
                Some(_) => {}
                None => reference = Some((siren, ev, Some(document))),
            },
            // Read too uncertainly to tell a difference, but the very number the request
            // declares: a misreading that lands on it is not a credible chance.
            None if confirms_declared(document, declared) => {}
            None if matches!(
                document.kind,
                DocumentKind::Quote | DocumentKind::QualiopiCertificate
            ) =>
            {
                let message = format!(
                    "Le SIRET ou le SIREN de l'organisme de formation n'a pas pu être lu sur {} ; vérifiez qu'il s'agit bien du même organisme que dans la demande.",
                    named(document)
                );
                out.push(ctx.undecided(
                    "provider_mismatch",
                    message,
                    vec![document.document_id.clone()],
                ));
            }
            None => {}
        }
    }
    if let Some((reference_siren, reference_evidence, reference_document)) = reference {
        for (document, siren, ev) in differing {
            let source = reference_document.map_or_else(|| "la demande".to_string(), named);
            let message = format!(
                "L'organisme de formation diffère : SIREN {siren} sur {} contre {reference_siren} dans {source} ; le dossier ne peut pas être financé en l'état.",
                named(document)
            );
            let mut documents = vec![document.document_id.clone()];
            documents.extend(reference_document.map(|d| d.document_id.clone()));
            out.push(ctx.finding(
                "provider_mismatch",
                message,
                documents,
                vec![ev, reference_evidence.clone()],
            ));
        }
    }
}

fn client_mismatch(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let company = &ctx.request.company.siret;
    for document in ctx
        .of_kind(DocumentKind::Quote)
        .chain(ctx.of_kind(DocumentKind::Invoice))
    {
        match ctx.read(&document.fields.client_siret) {
            Some(field) if field.value != *company => {
                let message = format!(
                    "Le client {} (SIRET {}) n'est pas l'entreprise de la demande (SIRET {company}) ; vérifiez le destinataire de la pièce.",
                    de(&named(document)),
                    field.value
                );
                out.push(ctx.finding(
                    "client_mismatch",
                    message,
                    vec![document.document_id.clone()],
                    vec![
                        evidence(document, field),
                        dossier_evidence("company.siret", company),
                    ],
                ));
            }
            Some(_) => {}
            None if document.kind == DocumentKind::Quote => {
                let message = format!(
                    "Le SIRET du client n'a pas pu être lu sur {} ; vérifiez que la pièce est bien établie au nom de {}.",
                    named(document),
                    ctx.request.company.name
                );
                out.push(ctx.undecided(
                    "client_mismatch",
                    message,
                    vec![document.document_id.clone()],
                ));
            }
            None => {}
        }
    }
}

fn nda_missing(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for document in ctx.of_kind(DocumentKind::Quote) {
        if ctx.read(&document.fields.provider_nda).is_none() {
            let message = format!(
                "Aucun numéro de déclaration d'activité (NDA) n'a été trouvé sur {} (mention obligatoire, art. R6351-6 du Code du travail) ; demandez un devis qui le mentionne.",
                named(document)
            );
            out.push(ctx.finding(
                "nda_missing",
                message,
                vec![document.document_id.clone()],
                Vec::new(),
            ));
        }
    }
}

fn qualiopi_dates(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let training = &ctx.request.training;
    let params = &ctx.rulebook.parameters;
    for document in ctx.of_kind(DocumentKind::QualiopiCertificate) {
        let valid_until = ctx.read(&document.fields.valid_until);
        let issued_on = ctx.read(&document.fields.issued_on);
        match valid_until {
            None => {
                let message = format!(
                    "La date de fin de validité n'a pas pu être lue sur {} ; vérifiez que la certification couvre la formation du {} au {}.",
                    named(document),
                    format_date_fr(training.start_date),
                    format_date_fr(training.end_date)
                );
                out.push(ctx.undecided(
                    "qualiopi_not_valid_for_dates",
                    message,
                    vec![document.document_id.clone()],
                ));
            }
            Some(until) if until.value < training.end_date => {
                let message = format!(
                    "Le certificat Qualiopi « {} » expire le {}, avant la fin de la formation le {} ; demandez le certificat renouvelé.",
                    document.file,
                    format_date_fr(until.value),
                    format_date_fr(training.end_date)
                );
                out.push(ctx.finding(
                    "qualiopi_not_valid_for_dates",
                    message,
                    vec![document.document_id.clone()],
                    vec![
                        evidence(document, until),
                        dossier_evidence("training.end_date", training.end_date),
                    ],
                ));
            }
            Some(_) => {}
        }
        if let Some(issued) = issued_on {
            if issued.value > training.start_date {
                let message = format!(
                    "Le certificat Qualiopi « {} » n'est valable qu'à partir du {}, après le début de la formation le {} ; vérifiez la certification à cette date.",
                    document.file,
                    format_date_fr(issued.value),
                    format_date_fr(training.start_date)
                );
                out.push(ctx.finding(
                    "qualiopi_not_valid_for_dates",
                    message,
                    vec![document.document_id.clone()],
                    vec![
                        evidence(document, issued),
                        dossier_evidence("training.start_date", training.start_date),
                    ],
                ));
            }
            if let Some(until) = valid_until {
                let years =
                    if issued.value < NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or(issued.value) {
                        params.qualiopi_max_years_before_2021
                    } else {
                        params.qualiopi_max_years
                    };
                let limit = issued
                    .value
                    .checked_add_months(Months::new(12 * years))
                    .and_then(|d| d.succ_opt());
                if limit.is_some_and(|limit| until.value > limit) {
                    let message = format!(
                        "La validité du certificat Qualiopi « {} » (du {} au {}) dépasse {years} ans, ce qui n'est pas possible : vérifiez le certificat auprès du certificateur.",
                        document.file,
                        format_date_fr(issued.value),
                        format_date_fr(until.value)
                    );
                    out.push(ctx.finding(
                        "qualiopi_validity_implausible",
                        message,
                        vec![document.document_id.clone()],
                        vec![evidence(document, issued), evidence(document, until)],
                    ));
                }
            }
        }
    }
}

fn category_label(category: &str) -> &str {
    match category {
        "training_actions" => "actions de formation",
        "skills_assessment" => "bilans de compétences",
        "vae" => "validation des acquis de l'expérience",
        "apprenticeship" => "actions de formation par apprentissage",
        other => other,
    }
}

fn qualiopi_category(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let needed = ctx
        .rulebook
        .schemes
        .get(&ctx.request.scheme)
        .map_or("training_actions", |s| s.category.as_str());
    for document in ctx.of_kind(DocumentKind::QualiopiCertificate) {
        match ctx.read(&document.fields.categories) {
            Some(categories) if !categories.value.iter().any(|c| c == needed) => {
                let covered: Vec<&str> =
                    categories.value.iter().map(|c| category_label(c)).collect();
                let message = format!(
                    "Le certificat Qualiopi « {} » ne couvre pas la catégorie « {} » exigée pour le dispositif {} (catégories lues : {}).",
                    document.file,
                    category_label(needed),
                    scheme_label(ctx),
                    if covered.is_empty() {
                        "aucune".to_string()
                    } else {
                        covered.join(", ")
                    }
                );
                out.push(ctx.finding(
                    "qualiopi_category_missing",
                    message,
                    vec![document.document_id.clone()],
                    vec![evidence(document, categories)],
                ));
            }
            Some(_) => {}
            None => {
                let message = format!(
                    "Les catégories d'actions certifiées n'ont pas pu être lues sur {} ; vérifiez qu'il couvre les {}.",
                    named(document),
                    category_label(needed)
                );
                out.push(ctx.undecided(
                    "qualiopi_category_missing",
                    message,
                    vec![document.document_id.clone()],
                ));
            }
        }
    }
}

fn quote_totals(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let tolerance = ctx.rulebook.parameters.amount_tolerance;
    for document in ctx.of_kind(DocumentKind::Quote) {
        let f = &document.fields;
        let mut problems: Vec<String> = Vec::new();
        let mut ev: Vec<Evidence> = Vec::new();
        // Whether OCR may have misread what does not add up (see `Doubt`).
        let mut doubt = Doubt::new();
        let Some(ht) = ctx.read(&f.total_ht) else {
            let message = format!(
                "Le total HT n'a pas pu être lu sur {} ; contrôlez les montants du devis.",
                named(document)
            );
            out.push(ctx.undecided(
                "quote_totals_incoherent",
                message,
                vec![document.document_id.clone()],
            ));
            continue;
        };
        let vat = ctx.read(&f.vat_amount);
        let ttc = ctx.read(&f.total_ttc);
        let exempt = ctx.read(&f.vat_exempt).is_some_and(|e| e.value);
        // A text layer without a TTC states none; a scan without one may have misread it, and
        // then the sum cannot be checked.
        let scanned = matches!(
            document.text_source,
            Some(TextSource::Ocr | TextSource::Mixed)
        );
        if ttc.is_none() && !exempt && scanned {
            let message = format!(
                "Le total TTC n'a pas pu être lu sur {} (pièce numérisée) ; contrôlez les montants du devis.",
                named(document)
            );
            out.push(ctx.undecided(
                "quote_totals_incoherent",
                message,
                vec![document.document_id.clone()],
            ));
        }
        if let Some(ttc) = ttc {
            let vat_value = vat.map_or(Decimal::ZERO, |v| v.value);
            if (ht.value + vat_value - ttc.value).abs() > tolerance {
                problems.push(format!(
                    "HT {} + TVA {} ≠ TTC {}",
                    format_eur_fr(ht.value),
                    format_eur_fr(vat_value),
                    format_eur_fr(ttc.value)
                ));
                ev.push(evidence(document, ttc));
                ev.extend(vat.map(|v| evidence(document, v)));
                doubt.note(
                    ht.confidence
                        .min(ttc.confidence)
                        .min(vat.map_or(1.0, |v| v.confidence)),
                    one_digit_misread(ttc.value, ht.value + vat_value)
                        || one_digit_misread(ht.value, ttc.value - vat_value)
                        || vat.is_some_and(|v| one_digit_misread(v.value, ttc.value - ht.value)),
                );
            }
        }
        if let (Some(vat), Some(rate)) = (vat, ctx.read(&f.vat_rate)) {
            let expected = (ht.value * rate.value / Decimal::from(100)).round_dp(2);
            if (expected - vat.value).abs() > tolerance * Decimal::from(2) {
                problems.push(format!(
                    "TVA {} au lieu de {} ({} % de {})",
                    format_eur_fr(vat.value),
                    format_eur_fr(expected),
                    format_decimal_fr(rate.value.normalize(), rate.value.normalize().scale()),
                    format_eur_fr(ht.value)
                ));
                ev.push(evidence(document, vat));
                doubt.note(
                    ht.confidence.min(vat.confidence).min(rate.confidence),
                    one_digit_misread(vat.value, expected),
                );
            }
        }
        if let Some(items) = ctx.read(&f.line_items) {
            let sum: Decimal = items.value.iter().map(|i| i.amount).sum();
            let allowed = tolerance * Decimal::from(items.value.len().max(1) as u64);
            if !items.value.is_empty() && (sum - ht.value).abs() > allowed {
                problems.push(format!(
                    "somme des lignes {} ≠ total HT {}",
                    format_eur_fr(sum),
                    format_eur_fr(ht.value)
                ));
                ev.push(evidence(document, items));
                doubt.note(
                    ht.confidence.min(items.confidence),
                    one_digit_misread(ht.value, sum)
                        || items
                            .value
                            .iter()
                            .any(|i| one_digit_misread(i.amount, i.amount + ht.value - sum)),
                );
            }
            for item in &items.value {
                if let (Some(q), Some(p)) = (item.quantity, item.unit_price) {
                    if (q * p - item.amount).abs() > tolerance {
                        problems.push(format!(
                            "ligne « {} » : {} × {} ≠ {}",
                            item.label,
                            format_decimal_fr(q, q.scale()),
                            format_eur_fr(p),
                            format_eur_fr(item.amount)
                        ));
                        doubt.note(items.confidence, one_digit_misread(item.amount, q * p));
                    }
                }
            }
        }
        if exempt {
            if let Some(vat) = vat.filter(|v| v.value > Decimal::ZERO) {
                problems.push(format!(
                    "TVA facturée ({}) alors qu'une exonération est mentionnée",
                    format_eur_fr(vat.value)
                ));
                ev.push(evidence(document, vat));
                // OCR does not make up a VAT amount.
                doubt.note(vat.confidence, false);
            }
        }
        if !problems.is_empty() {
            ev.insert(0, evidence(document, ht));
            let uncertain = scanned
                && doubt.may_be_misread(ctx.rulebook.parameters.min_scan_confidence_to_fail);
            let message = if uncertain {
                format!(
                    "Les montants lus sur {} (pièce numérisée, lecture incertaine) ne semblent pas cohérents : {} ; vérifiez-les sur la pièce.",
                    named(document),
                    problems.join(" ; ")
                )
            } else {
                format!(
                    "Les montants {} ne sont pas cohérents : {}.",
                    de(&named(document)),
                    problems.join(" ; ")
                )
            };
            let mut finding = ctx.finding(
                "quote_totals_incoherent",
                message,
                vec![document.document_id.clone()],
                ev,
            );
            if uncertain {
                finding.severity = finding.severity.min(Severity::Warning);
            }
            out.push(finding);
        }
    }
}

/// What speaks for an OCR misreading behind totals that do not add up: each disagreement
/// must involve a figure read below the confidence to fail on, and be undone by changing one
/// digit of one figure (as a misread "546" for "246" is; a provider's error of 250 € on 910 €
/// is not).
struct Doubt {
    weakest: f64,
    every_one_a_misread_digit: bool,
}

impl Doubt {
    fn new() -> Doubt {
        Doubt {
            weakest: 1.0,
            every_one_a_misread_digit: true,
        }
    }

    fn note(&mut self, confidence: f64, one_digit_explains: bool) {
        self.weakest = self.weakest.min(confidence);
        self.every_one_a_misread_digit &= one_digit_explains;
    }

    fn may_be_misread(&self, confidence_to_fail: f64) -> bool {
        self.weakest < confidence_to_fail && self.every_one_a_misread_digit
    }
}

/// Whether `read` and `coherent` differ in exactly one digit, to the cent.
fn one_digit_misread(read: Decimal, coherent: Decimal) -> bool {
    let digits = |mut value: Decimal| {
        value.rescale(2);
        value.abs().to_string().replace('.', "")
    };
    let (read, coherent) = (digits(read), digits(coherent));
    read.len() == coherent.len()
        && read
            .chars()
            .zip(coherent.chars())
            .filter(|(a, b)| a != b)
            .count()
            == 1
}

fn requested_amount(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(quote) = ctx.first(DocumentKind::Quote) else {
        return;
    };
    let requested = ctx.request.requested_amount;
    match ctx.read(&quote.fields.total_ht) {
        Some(ht) if requested > ht.value => {
            let message = format!(
                "Le montant demandé ({}) dépasse le total HT du devis ({}).",
                format_eur_fr(requested),
                format_eur_fr(ht.value)
            );
            out.push(ctx.finding(
                "requested_amount_exceeds_quote",
                message,
                vec![quote.document_id.clone()],
                vec![
                    evidence(quote, ht),
                    dossier_evidence("requested_amount", requested),
                ],
            ));
        }
        Some(_) => {}
        None => {
            let message = format!(
                "Le montant demandé ({}) n'a pas pu être comparé au devis, dont le total HT est illisible.",
                format_eur_fr(requested)
            );
            out.push(ctx.undecided(
                "requested_amount_exceeds_quote",
                message,
                vec![quote.document_id.clone()],
            ));
        }
    }
}

/// Trainee-hours planned: hours per trainee × trainees.
fn planned_trainee_hours(ctx: &Context<'_>) -> Decimal {
    ctx.request.training.hours * Decimal::from(ctx.request.training.trainees)
}

fn hourly_cost(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(ceiling) = ctx
        .rulebook
        .schemes
        .get(&ctx.request.scheme)
        .and_then(|s| s.hourly_ceiling)
    else {
        return;
    };
    let Some(quote) = ctx.first(DocumentKind::Quote) else {
        return;
    };
    let Some(ht) = ctx.read(&quote.fields.total_ht) else {
        return;
    };
    let trainee_hours = planned_trainee_hours(ctx);
    if trainee_hours <= Decimal::ZERO {
        return;
    }
    let cost = (ht.value / trainee_hours).round_dp(2);
    if cost > ceiling {
        let capped = (ceiling * trainee_hours).round_dp(2);
        let message = format!(
            "Le coût par heure-stagiaire ({} / {} heures-stagiaires = {}) dépasse le plafond de {} du dispositif ; la prise en charge est plafonnée à {}.",
            format_eur_fr(ht.value),
            format_decimal_fr(trainee_hours.normalize(), trainee_hours.normalize().scale()),
            format_eur_fr(cost),
            format_eur_fr(ceiling),
            format_eur_fr(capped)
        );
        out.push(ctx.finding(
            "hourly_cost_above_ceiling",
            message,
            vec![quote.document_id.clone()],
            vec![
                evidence(quote, ht),
                dossier_evidence("training.hours", ctx.request.training.hours),
            ],
        ));
    }
}

fn duration_mismatch(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let declared = ctx.request.training.hours;
    for document in ctx
        .of_kind(DocumentKind::Quote)
        .chain(ctx.of_kind(DocumentKind::Programme))
    {
        match ctx.read(&document.fields.duration_hours) {
            Some(hours) if hours.value != declared => {
                let message = format!(
                    "La durée diffère : {} sur {} contre {} dans la demande ; faites corriger la pièce ou la demande.",
                    format_hours_fr(hours.value),
                    named(document),
                    format_hours_fr(declared)
                );
                out.push(ctx.finding(
                    "duration_mismatch",
                    message,
                    vec![document.document_id.clone()],
                    vec![
                        evidence(document, hours),
                        dossier_evidence("training.hours", declared),
                    ],
                ));
            }
            Some(_) => {}
            None => {
                let message = format!(
                    "La durée de la formation n'a pas pu être lue sur {} ; vérifiez qu'elle correspond aux {} de la demande.",
                    named(document),
                    format_hours_fr(declared)
                );
                out.push(ctx.undecided(
                    "duration_mismatch",
                    message,
                    vec![document.document_id.clone()],
                ));
            }
        }
    }
}

fn training_dates(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let training = &ctx.request.training;
    let Some(quote) = ctx.first(DocumentKind::Quote) else {
        return;
    };
    let start = ctx.read(&quote.fields.start_date);
    let end = ctx.read(&quote.fields.end_date);
    match (start, end) {
        (Some(start), Some(end)) => {
            if start.value != training.start_date || end.value != training.end_date {
                let message = format!(
                    "Les dates de formation diffèrent : du {} au {} sur {} contre du {} au {} dans la demande.",
                    format_date_fr(start.value),
                    format_date_fr(end.value),
                    named(quote),
                    format_date_fr(training.start_date),
                    format_date_fr(training.end_date)
                );
                out.push(ctx.finding(
                    "training_dates_mismatch",
                    message,
                    vec![quote.document_id.clone()],
                    vec![
                        evidence(quote, start),
                        dossier_evidence("training.start_date", training.start_date),
                    ],
                ));
            }
        }
        _ => {
            let message = format!(
                "Les dates de la formation n'ont pas pu être lues sur {} ; vérifiez qu'elles correspondent à la période du {} au {}.",
                named(quote),
                format_date_fr(training.start_date),
                format_date_fr(training.end_date)
            );
            out.push(ctx.undecided(
                "training_dates_mismatch",
                message,
                vec![quote.document_id.clone()],
            ));
        }
    }
}

fn trainees_mismatch(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let declared = ctx.request.training.trainees;
    let Some(quote) = ctx.first(DocumentKind::Quote) else {
        return;
    };
    match ctx.read(&quote.fields.trainees) {
        Some(count) if count.value != declared => {
            let message = format!(
                "Le nombre de stagiaires diffère : {} sur {} contre {declared} dans la demande.",
                count.value,
                named(quote)
            );
            out.push(ctx.finding(
                "trainees_mismatch",
                message,
                vec![quote.document_id.clone()],
                vec![
                    evidence(quote, count),
                    dossier_evidence("training.trainees", declared),
                ],
            ));
        }
        Some(_) => {}
        None => {
            let message = format!(
                "Le nombre de stagiaires n'a pas pu être lu sur {} ; vérifiez qu'il est de {declared}.",
                named(quote)
            );
            out.push(ctx.undecided(
                "trainees_mismatch",
                message,
                vec![quote.document_id.clone()],
            ));
        }
    }
}

fn request_after_start(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if ctx.request.stage != Stage::Request {
        return;
    }
    let lead = ctx.rulebook.parameters.lead_days;
    let start = ctx.request.training.start_date;
    let deadline = start - chrono::Duration::days(lead);
    if ctx.request.submitted_on >= deadline {
        let message = if lead > 0 {
            format!(
                "La demande a été déposée le {}, moins de {lead} jours avant le début de la formation le {} ; elle ne peut pas être prise en charge.",
                format_date_fr(ctx.request.submitted_on),
                format_date_fr(start)
            )
        } else {
            format!(
                "La demande a été déposée le {}, alors que la formation commence le {} : une demande doit parvenir avant le début de la formation.",
                format_date_fr(ctx.request.submitted_on),
                format_date_fr(start)
            )
        };
        out.push(ctx.finding(
            "request_after_start",
            message,
            Vec::new(),
            vec![
                dossier_evidence("submitted_on", ctx.request.submitted_on),
                dossier_evidence("training.start_date", start),
            ],
        ));
    }
}

/// Shortest and longest half-day the planned hours may be shared into when a sheet prints no
/// half-day lengths: the half-days of the fixtures, the wild corpus and the real sheets run
/// 3 to 4 hours (4.5 leaves room for a 9-hour day). Outside, the sheets plainly do not cover
/// the training (a 14-hour training with a sheet for its first day only gives 7 hours per
/// half-day) and nothing is estimated; inside, a missing day can still hide, which is why an
/// estimate always asks for a check and never passes.
const MIN_ESTIMATED_HALF_DAY_HOURS: Decimal = Decimal::from_parts(2, 0, 0, false, 0);
const MAX_ESTIMATED_HALF_DAY_HOURS: Decimal = Decimal::from_parts(45, 0, 0, false, 1);

/// Hours signed per trainee over every sign-in sheet, when measured, and whether some were
/// estimated. A sheet that prints its half-days' lengths gives its `hours_by_trainee`; one
/// that prints none (a paper sheet with "Matin | Après-midi" columns) gives the half-days each
/// trainee signed, each worth an equal share of the planned hours over the half-days the
/// sheets list (issue: hours from the quote's when the sheet states none).
fn signed_hours<'a>(
    ctx: &Context<'a>,
) -> Option<(
    Vec<(String, Decimal)>,
    Vec<&'a DocumentReport>,
    Option<Decimal>,
)> {
    let sheets: Vec<&DocumentReport> = ctx.of_kind(DocumentKind::AttendanceSheet).collect();
    if sheets.is_empty() {
        return None;
    }
    let mut half_days = std::collections::BTreeSet::new();
    for sheet in &sheets {
        if let Some(sessions) = ctx.read(&sheet.fields.sessions) {
            half_days.extend(
                sessions
                    .value
                    .iter()
                    .map(|s| (s.date, s.period == dossier_contract::SessionPeriod::Pm)),
            );
        }
    }
    let listed: usize = sheets
        .iter()
        .filter_map(|s| ctx.read(&s.fields.sessions))
        .map(|f| f.value.len())
        .sum();
    // Two sheets listing the same half-day (the PDF and a photo of the same paper) would
    // count its signatures twice: nothing is estimated then.
    let overlapping = listed > half_days.len();
    let planned = ctx.request.training.hours;
    let count = Decimal::from(half_days.len() as u64);
    let share = (!half_days.is_empty() && !overlapping)
        .then(|| planned / count)
        .filter(|h| (MIN_ESTIMATED_HALF_DAY_HOURS..=MAX_ESTIMATED_HALF_DAY_HOURS).contains(h));
    let mut totals: std::collections::BTreeMap<String, Decimal> = Default::default();
    let mut estimated = None;
    for sheet in &sheets {
        if let Some(hours) = ctx.read(&sheet.fields.hours_by_trainee) {
            for (name, h) in &hours.value {
                *totals.entry(name.clone()).or_default() += *h;
            }
            continue;
        }
        let counts = ctx.read(&sheet.fields.signed_half_days_by_trainee)?;
        let share = share?;
        estimated = Some(share.round_dp(2).normalize());
        for (name, n) in &counts.value {
            // Multiplied before dividing: 6 half-days of a 20-hour training are 20 hours,
            // not 6 × 3,33.
            *totals.entry(name.clone()).or_default() += planned * Decimal::from(*n) / count;
        }
    }
    let totals = totals
        .into_iter()
        .map(|(n, h)| (n, h.round_dp(2).normalize()))
        .collect();
    Some((totals, sheets, estimated))
}

/// Contract v1.1 `completion_hours_short`: a certificat de réalisation or a connection log
/// gives a trainee fewer hours than planned. One whose hours done cannot be read asks for a
/// check too: it is the payment's legal evidence, never passed unread.
fn completion_hours_short(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let planned = ctx.request.training.hours;
    let pieces = ctx
        .of_kind(DocumentKind::CompletionCertificate)
        .chain(ctx.of_kind(DocumentKind::ConnectionLog));
    for piece in pieces {
        let (hours, field_evidence): (Vec<(String, Decimal)>, Option<Evidence>) =
            if let Some(f) = ctx.read(&piece.fields.hours_by_trainee) {
                (
                    f.value.iter().map(|(n, h)| (n.clone(), *h)).collect(),
                    Some(evidence(piece, f)),
                )
            } else if let Some(f) = ctx.read(&piece.fields.hours_completed) {
                let names: Vec<String> = ctx
                    .read(&piece.fields.trainee_names)
                    .map(|n| n.value.clone())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| vec!["le stagiaire".to_string()]);
                (
                    names.into_iter().map(|n| (n, f.value)).collect(),
                    Some(evidence(piece, f)),
                )
            } else {
                (Vec::new(), None)
            };
        let Some(field_evidence) = field_evidence else {
            let message = format!(
                "Les heures réalisées n'ont pas pu être lues sur {} ; contrôlez-les à la main.",
                named(piece)
            );
            out.push(ctx.finding(
                "completion_hours_short",
                message,
                vec![piece.document_id.clone()],
                Vec::new(),
            ));
            continue;
        };
        let short: Vec<String> = hours
            .iter()
            .filter(|(_, h)| *h < planned)
            .map(|(name, h)| {
                format!(
                    "{name} : {} sur {}",
                    format_hours_fr(*h),
                    format_hours_fr(planned)
                )
            })
            .collect();
        if short.is_empty() {
            continue;
        }
        let message = format!(
            "{} atteste moins d'heures que prévu ({}) ; le montant finançable est à proratiser.",
            capitalise(&named(piece)),
            short.join(", ")
        );
        out.push(ctx.finding(
            "completion_hours_short",
            message,
            vec![piece.document_id.clone()],
            vec![field_evidence],
        ));
    }
}

fn attendance(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let training = &ctx.request.training;
    for sheet in ctx.of_kind(DocumentKind::AttendanceSheet) {
        if let Some(sessions) = ctx.read(&sheet.fields.sessions) {
            let outside: Vec<NaiveDate> = sessions
                .value
                .iter()
                .map(|s| s.date)
                .filter(|d| *d < training.start_date || *d > training.end_date)
                .collect();
            if let Some(first) = outside.first() {
                let message = format!(
                    "{} porte une séance le {}, en dehors de la période de formation du {} au {}.",
                    capitalise(&named(sheet)),
                    format_date_fr(*first),
                    format_date_fr(training.start_date),
                    format_date_fr(training.end_date)
                );
                out.push(ctx.finding(
                    "attendance_outside_dates",
                    message,
                    vec![sheet.document_id.clone()],
                    vec![evidence(sheet, sessions)],
                ));
            }
        } else if let (Some(start), Some(end)) = (
            ctx.read(&sheet.fields.start_date),
            ctx.read(&sheet.fields.end_date),
        ) {
            if start.value < training.start_date || end.value > training.end_date {
                let message = format!(
                    "{} couvre du {} au {}, en dehors de la période de formation du {} au {}.",
                    capitalise(&named(sheet)),
                    format_date_fr(start.value),
                    format_date_fr(end.value),
                    format_date_fr(training.start_date),
                    format_date_fr(training.end_date)
                );
                out.push(ctx.finding(
                    "attendance_outside_dates",
                    message,
                    vec![sheet.document_id.clone()],
                    vec![evidence(sheet, start)],
                ));
            }
        }
    }
    if ctx.request.stage != Stage::Payment {
        return;
    }
    match signed_hours(ctx) {
        Some((by_trainee, sheets, estimated)) => {
            let short: Vec<&(String, Decimal)> = by_trainee
                .iter()
                .filter(|(_, h)| *h < training.hours)
                .collect();
            let missing_trainees = (training.trainees as usize).saturating_sub(by_trainee.len());
            if short.is_empty() && missing_trainees == 0 {
                // Hours estimated from the planned ones are no measurement: the sheets may
                // lack a day, so the adviser confirms them (never a silent pass).
                if let Some(share) = estimated {
                    let message = format!(
                        "La feuille d'émargement n'indique pas d'horaires : chaque demi-journée signée a été comptée pour {} (heures prévues réparties sur les demi-journées des feuilles) ; toutes les demi-journées listées sont signées, vérifiez que les feuilles couvrent toute la formation.",
                        format_hours_fr(share)
                    );
                    let evidence: Vec<Evidence> = sheets
                        .iter()
                        .filter_map(|s| {
                            s.fields
                                .signed_half_days_by_trainee
                                .as_ref()
                                .map(|f| evidence(s, f))
                        })
                        .collect();
                    out.push(ctx.finding(
                        "attendance_hours_short",
                        message,
                        ids(&sheets),
                        evidence,
                    ));
                }
                return;
            }
            let mut parts: Vec<String> = short
                .iter()
                .map(|(name, h)| {
                    format!(
                        "{name} : {} sur {}",
                        format_hours_fr(*h),
                        format_hours_fr(training.hours)
                    )
                })
                .collect();
            if missing_trainees > 0 {
                parts.push(format!(
                    "{missing_trainees} stagiaire(s) prévu(s) absent(s) des feuilles"
                ));
            }
            let amounts = amounts(ctx);
            let payable = match (amounts.payable_hours, amounts.fundable) {
                (Some(h), Some(f)) => format!(
                    " ; heures payables : {}, montant payable au prorata : {}",
                    format_hours_fr(h),
                    format_eur_fr(f)
                ),
                _ => String::new(),
            };
            let estimate = estimated.map_or(String::new(), |share| {
                format!(
                    " ; la feuille n'indique pas d'horaires : chaque demi-journée signée compte pour {} (heures prévues réparties sur les demi-journées de la feuille)",
                    format_hours_fr(share)
                )
            });
            let message = format!(
                "Heures émargées inférieures aux heures prévues ({}){payable}{estimate}.",
                parts.join(", ")
            );
            let evidence: Vec<Evidence> = sheets
                .iter()
                .filter_map(|s| {
                    s.fields
                        .hours_by_trainee
                        .as_ref()
                        .map(|f| evidence(s, f))
                        .or_else(|| {
                            s.fields
                                .signed_half_days_by_trainee
                                .as_ref()
                                .map(|f| evidence(s, f))
                        })
                })
                .collect();
            out.push(ctx.finding("attendance_hours_short", message, ids(&sheets), evidence));
        }
        None => {
            let sheets: Vec<&DocumentReport> = ctx.of_kind(DocumentKind::AttendanceSheet).collect();
            if sheets.is_empty() {
                return;
            }
            // Cells whose mark is ambiguous are named, with the sheet's table as evidence.
            let uncertain: Vec<(
                &DocumentReport,
                &dossier_contract::Field<Vec<UncertainSlot>>,
            )> = sheets
                .iter()
                .filter_map(|s| s.fields.uncertain_slots.as_ref().map(|f| (*s, f)))
                .filter(|(_, f)| !f.value.is_empty())
                .collect();
            if uncertain.is_empty() {
                let message = "Les heures émargées par stagiaire n'ont pas pu être mesurées sur les feuilles d'émargement ; contrôlez les signatures à la main.".to_string();
                out.push(ctx.finding("attendance_hours_short", message, ids(&sheets), Vec::new()));
                return;
            }
            let cells: Vec<String> = uncertain
                .iter()
                .flat_map(|(_, f)| f.value.iter())
                .map(|slot| {
                    let period = match slot.period {
                        SessionPeriod::Am => "matin",
                        SessionPeriod::Pm => "après-midi",
                    };
                    format!(
                        "{} le {} ({period})",
                        slot.trainee,
                        format_date_fr(slot.date)
                    )
                })
                .collect();
            let message = format!(
                "Marque ambiguë (croix, tiret, barre ou initiales) sur la feuille d'émargement : {} ; ni signature ni absence ne peut être retenue, contrôlez ces cases à la main.",
                cells.join(", ")
            );
            let evidence: Vec<Evidence> = uncertain.iter().map(|(s, f)| evidence(s, *f)).collect();
            out.push(ctx.finding("attendance_hours_short", message, ids(&sheets), evidence));
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

fn programme_content(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for document in ctx.of_kind(DocumentKind::Programme) {
        let Some(sections) = ctx.read(&document.fields.sections) else {
            continue;
        };
        let missing: Vec<&str> = sections
            .value
            .items()
            .iter()
            .filter(|(_, present)| !present)
            .map(|(name, _)| *name)
            .collect();
        if !missing.is_empty() {
            let message = format!(
                "{} ne mentionne pas : {} (indicateur 1 du référentiel Qualiopi) ; demandez un programme complet.",
                capitalise(&named(document)),
                missing.join(", ")
            );
            out.push(ctx.finding(
                "programme_content_incomplete",
                message,
                vec![document.document_id.clone()],
                Vec::new(),
            ));
        }
    }
}

fn invoice_exceeds_quote(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let quote_ht = ctx
        .first(DocumentKind::Quote)
        .and_then(|q| ctx.read(&q.fields.total_ht).map(|ht| (q, ht)));
    for invoice in ctx.of_kind(DocumentKind::Invoice) {
        match (ctx.read(&invoice.fields.total_ht), quote_ht) {
            (Some(inv), Some((quote, q)))
                if inv.value > q.value + ctx.rulebook.parameters.amount_tolerance =>
            {
                let message = format!(
                    "Le total HT {} ({}) dépasse celui du devis ({}) ; un avenant est nécessaire.",
                    de(&named(invoice)),
                    format_eur_fr(inv.value),
                    format_eur_fr(q.value)
                );
                out.push(ctx.finding(
                    "invoice_exceeds_quote",
                    message,
                    vec![invoice.document_id.clone(), quote.document_id.clone()],
                    vec![evidence(invoice, inv), evidence(quote, q)],
                ));
            }
            (None, _) => {
                let message = format!(
                    "Le total HT n'a pas pu être lu sur {} ; comparez-le au devis.",
                    named(invoice)
                );
                out.push(ctx.undecided(
                    "invoice_exceeds_quote",
                    message,
                    vec![invoice.document_id.clone()],
                ));
            }
            _ => {}
        }
    }
}

fn scheme_not_eligible(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let scheme = &ctx.request.scheme;
    match ctx.rulebook.schemes.get(scheme) {
        None => {
            let message = format!(
                "Le dispositif « {scheme} » est inconnu du référentiel {} ; les exigences par défaut ont été appliquées.",
                ctx.rulebook.id
            );
            out.push(ctx.finding(
                "scheme_not_eligible",
                message,
                Vec::new(),
                vec![dossier_evidence("scheme", scheme)],
            ));
        }
        Some(definition) => {
            if let (Some(max), Some(headcount)) =
                (definition.max_headcount, ctx.request.company.headcount)
            {
                if headcount > max {
                    let message = format!(
                        "L'entreprise compte {headcount} salariés : le dispositif {} est réservé aux entreprises de moins de {} salariés ; orientez la demande vers un autre financement.",
                        definition.label,
                        max + 1
                    );
                    out.push(ctx.finding(
                        "scheme_not_eligible",
                        message,
                        Vec::new(),
                        vec![dossier_evidence("company.headcount", headcount)],
                    ));
                }
            }
        }
    }
}

/// The verdict's amounts: requested, quote total, ceiling and fundable (pro rata of the
/// attended hours at stage payment).
pub(crate) fn amounts(ctx: &Context<'_>) -> Amounts {
    let requested = ctx.request.requested_amount;
    let quote_total_ht = ctx
        .first(DocumentKind::Quote)
        .and_then(|q| ctx.read(&q.fields.total_ht))
        .map(|f| f.value);
    let trainee_hours = planned_trainee_hours(ctx);
    let ceiling = ctx
        .rulebook
        .schemes
        .get(&ctx.request.scheme)
        .and_then(|s| s.hourly_ceiling)
        .map(|c| (c * trainee_hours).round_dp(2));
    let mut fundable = [Some(requested), quote_total_ht, ceiling]
        .into_iter()
        .flatten()
        .min();
    let mut payable_hours = None;
    let mut planned_hours = None;
    if ctx.request.stage == Stage::Payment {
        if let Some((by_trainee, _, _)) = signed_hours(ctx) {
            let hours = ctx.request.training.hours;
            let attended: Decimal = by_trainee.iter().map(|(_, h)| (*h).min(hours)).sum();
            payable_hours = Some(attended.normalize());
            planned_hours = Some(trainee_hours.normalize());
            if trainee_hours > Decimal::ZERO {
                fundable =
                    fundable.map(|f| (f * attended.min(trainee_hours) / trainee_hours).round_dp(2));
            }
        }
    }
    let two_dp = |v: Decimal| {
        let mut v = v;
        v.rescale(2);
        v
    };
    Amounts {
        requested: Some(two_dp(requested)),
        quote_total_ht: quote_total_ht.map(two_dp),
        ceiling: ceiling.map(two_dp),
        fundable: fundable.map(two_dp),
        payable_hours,
        planned_hours,
    }
}
