//! What a document is, from its whole first page, as others title and lay out their pieces:
//! one row per family of titles. Look-alikes (an attestation, a convocation, terms of sale,
//! a payment reminder, a supplier's order, a customer's account statement) are `unknown` whatever programme or invoice
//! vocabulary their body shares; a piece's type named with qualifiers or after a sender
//! block still decides; an address label ("Facturé à") names no type. The certificat de
//! réalisation and a platform's connection export are pieces of their own (contract v1.1).

use dossier_contract::DocumentKind::{self, *};
use dossier_extract::extract;
use dossier_layout::TextSource;

use super::page;

struct Case {
    name: &'static str,
    rows: &'static [&'static str],
    kind: DocumentKind,
    /// Lowest kind confidence accepted (the rulebook warns below 0.65).
    at_least: f64,
}

/// A training's description as programmes, conventions and attestations all print it.
const TRAINING_BODY: &[&str] = &[
    "Intitulé : Gestion des conflits en équipe",
    "Objectifs pédagogiques : savoir désamorcer une tension",
    "Durée : 14 heures (2 jours)",
    "Public visé : managers de proximité",
];

const CASES: &[Case] = &[
    Case {
        name: "a certifier's attestation of commitment named after its letterhead on the title line",
        rows: &[
            "AFNOR-like Certification — Attestation d'engagement",
            "Référentiel national qualité : l'organisme s'engage dans la démarche",
            "Catégories d'actions visées : actions de formation",
            "Audit initial prévu le 12/05/2026",
        ],
        kind: Unknown,
        at_least: 0.6,
    },
    Case {
        name: "a certifier's 'attestation de certification' with its categories and validity",
        rows: &[
            "Bureau Véritas-like Certification",
            "ATTESTATION DE CERTIFICATION QUALIOPI",
            "Certificat n° BC-2025-4410",
            "Organisme certifié : Horizon Compétences (SIREN 312 861 552)",
            "Catégories : ☑ Actions de formation ☐ Bilans de compétences",
            "Date d'émission : 20/02/2025 — Date d'expiration : 19/02/2028",
        ],
        kind: QualiopiCertificate,
        at_least: 0.8,
    },
    Case {
        name: "a customer's account statement listing invoices, a payment and a credit note",
        rows: &[
            "Formations de l'Estuaire SARL | RELEVÉ DE COMPTE",
            "Client : Menuiserie Garnier | Arrêté au 30/11/2026",
            "Date | Pièce | Libellé | Débit | Crédit | Solde",
            "21/09/2026 | FA-2026-101 | Facture d'acompte | 900,00 |  | 900,00",
            "02/10/2026 | VIR-1182 | Règlement reçu |  | 900,00 | 0,00",
            "23/10/2026 | FA-2026-130 | Facture | 2 100,00 |  | 2 100,00",
            "Solde dû au 30/11/2026 : 2 100,00 €",
        ],
        kind: Unknown,
        at_least: 0.8,
    },
    Case {
        name: "an extract of a customer account, titled after the sender's block",
        rows: &[
            "Centre de formation Horizon",
            "12 rue des Lilas, 35000 Rennes",
            "Extrait de compte client n° 4471",
            "Facture F-2026-088 du 12/10/2026 | 1 440,00 € TTC",
            "Facture F-2026-097 du 26/10/2026 | 720,00 € TTC",
            "Total restant dû | 2 160,00 €",
        ],
        kind: Unknown,
        at_least: 0.8,
    },
    Case {
        name: "certificat de réalisation, the ministry's model",
        rows: &[
            "CERTIFICAT DE RÉALISATION",
            "Je soussigné(e) Marc Royer, représentant légal du dispensateur de l'action",
            "atteste que : Mme Julie FABRE a suivi l'action : Excel perfectionnement",
            "Nature de l'action concourant au développement des compétences :",
            "☒ action de formation ☐ bilan de compétences ☐ action de VAE",
            "qui s'est déroulée du 2 au 3 mars 2026 pour une durée de 14 heures.",
        ],
        kind: CompletionCertificate,
        at_least: 0.8,
    },
    Case {
        name: "a provider's attestation d'assiduité with its hours",
        rows: &[
            "Attestation d'assiduité",
            "Nous attestons que Paul GIRARD a suivi la formation Gestion des conflits",
            "du 12/05/2026 au 13/05/2026, heures réalisées : 12 h sur 14 h prévues.",
        ],
        kind: CompletionCertificate,
        at_least: 0.8,
    },
    Case {
        name: "a platform's export of connections",
        rows: &[
            "Plateforme Campus+ — Relevé des connexions",
            "Apprenant | Date | Durée de connexion",
            "Julie FABRE | 03/03/2026 | 1 h 15",
            "Julie FABRE | 05/03/2026 | 0 h 50",
        ],
        kind: ConnectionLog,
        at_least: 0.8,
    },
    Case {
        name: "attestation de fin de formation without hours",
        rows: &[
            "ATTESTATION DE FIN DE FORMATION",
            "Nous attestons que Paul GIRARD a terminé la formation Gestion des conflits.",
        ],
        kind: Unknown,
        at_least: 0.6,
    },
    Case {
        name: "attestation d'inscription",
        rows: &[
            "ATTESTATION D'INSCRIPTION À UNE FORMATION",
            "Je soussignée Anne Roy, directrice, atteste que M. Paul Girard est inscrit",
            "Intitulé : Gestion des conflits en équipe",
            "Objectifs pédagogiques : savoir désamorcer une tension",
            "Durée : 14 heures (2 jours)",
        ],
        kind: Unknown,
        at_least: 0.6,
    },
    Case {
        name: "attestation de fin de stage",
        rows: &[
            "Attestation de fin de stage",
            "Le stagiaire a suivi la formation",
            "Objectifs pédagogiques : savoir désamorcer une tension",
            "Durée : 14 heures (2 jours)",
        ],
        kind: Unknown,
        at_least: 0.6,
    },
    Case {
        name: "convocation",
        rows: &[
            "Convocation à la session de formation",
            "Programme : Gestion des conflits en équipe",
            "Objectifs pédagogiques : savoir désamorcer une tension",
            "Durée : 14 heures (2 jours)",
            "Public visé : managers de proximité",
        ],
        kind: Unknown,
        at_least: 0.6,
    },
    Case {
        name: "payment reminder quoting the invoice",
        rows: &[
            "Relance de paiement",
            "Facture n° FA-2026-118 du 02/03/2026",
            "Montant restant dû : 1 200,00 € TTC",
            "Échéance dépassée : pénalités de retard",
        ],
        kind: Unknown,
        at_least: 0.6,
    },
    Case {
        name: "supplier's order without any training fact",
        rows: &[
            "BON DE COMMANDE FOURNISSEUR n° BC-2026-117",
            "Date de commande : 18/05/2026",
            "Article | Montant HT",
            "Ramette papier A4 | 149,40",
            "Montant net HT | 579,40 €",
            "TVA (20,00 %) | 115,88 €",
            "Total TTC | 695,28 €",
        ],
        kind: Unknown,
        at_least: 0.6,
    },
    Case {
        name: "credit note",
        rows: &[
            "AVOIR",
            "Avoir n° AV-2026-004 du 02/07/2026",
            "Se rapportant à la facture FA-2026-0147",
            "Total HT | -300,00 €",
            "Total TTC | -360,00 €",
        ],
        kind: Unknown,
        at_least: 0.6,
    },
    Case {
        name: "funder's payment notice that denies being an invoice",
        rows: &[
            "OPCO - Service règlements",
            "AVIS DE PAIEMENT",
            "Date du virement : 3 décembre 2026",
            "Ce document ne constitue pas une facture.",
            "Votre facture 2026-10-031 | 3 102,00 €",
            "Montant réglé | 2 800,00 €",
        ],
        kind: Unknown,
        at_least: 0.6,
    },
    Case {
        name: "letter about the provider's certification",
        rows: &[
            "Formaterra",
            "Le Puy-en-Velay, le 12 mars 2026",
            "Objet : notre certification qualité Qualiopi",
            "Madame, Monsieur,",
            "Nous avons obtenu le renouvellement de notre certification qualité",
            "au titre de la catégorie actions de formation. Qualiopi, organisme certificateur,",
            "certificat valable jusqu'au 11/03/2029. SIREN 830548319",
        ],
        kind: Unknown,
        at_least: 0.6,
    },
    Case {
        name: "scanned invoice whose title OCR split in two",
        rows: &[
            "ACANTHE FORMATION SANTÉ",
            "SIRET : 39307246700037",
            "Factu re | EHPAD Les Tilleuls",
            "Numéro : 2026-10-031",
            "Total HT | 2 585,00 €",
            "Total TTC | 3 102,00 €",
        ],
        kind: Invoice,
        at_least: 0.7,
    },
    Case {
        name: "programme whose prerequisites use a look-alike's word",
        rows: &[
            "MANAGEMENT D'ÉQUIPE",
            "Durée : 14 heures",
            "Prérequis : avoir une première expérience",
            "Objectifs pédagogiques : animer une réunion",
            "Public visé : managers",
            "Programme : jour 1, jour 2",
            "Modalités d'évaluation : quiz",
        ],
        kind: Programme,
        at_least: 0.65,
    },
    Case {
        name: "invoice citing its convention's number and date",
        rows: &[
            "FACTURE",
            "Facture n° FA-2026-0211 du 02/04/2026",
            "Convention de formation n° CF-2026-014 du 12/01/2026",
            "Total HT | 1 200,00 €",
            "TVA 20 % | 240,00 €",
            "Total TTC | 1 440,00 €",
            "Net à payer | 1 440,00 €",
        ],
        kind: Invoice,
        at_least: 0.65,
    },
    Case {
        name: "invoice titled for the attention of its addressee",
        rows: &[
            "FACTURE À L'ATTENTION DE LA SOCIÉTÉ ALPHA",
            "N° 2026-044 du 03/03/2026",
            "Total HT | 900,00 €",
            "Net à payer | 1 080,00 €",
        ],
        kind: Invoice,
        at_least: 0.65,
    },
    Case {
        name: "commercial proposal stating days and a price per person",
        rows: &[
            "Proposition commerciale",
            "Formation Excel – 2 jours – 1 200 € HT / personne",
            "Bon pour accord",
        ],
        kind: Quote,
        at_least: 0.65,
    },
    Case {
        name: "presence record titled with a qualifier",
        rows: &[
            "Fiche individuelle de présence",
            "Participant : Mme Aurélie Vasseur",
            "Date | Séance",
            "lundi 5 octobre 2026 | Matin",
            "lundi 5 octobre 2026 | Après-midi",
            "Signature du participant",
        ],
        kind: AttendanceSheet,
        at_least: 0.7,
    },
    Case {
        name: "e-signature record",
        rows: &[
            "Relevé des signatures électroniques",
            "Apprenant | Date",
            "Camille Rousseau | 03/06/2026 Matin",
            "Signé électroniquement le 03/06/2026 à 09:01",
        ],
        kind: AttendanceSheet,
        at_least: 0.7,
    },
    Case {
        name: "invoice whose type line follows the sender block",
        rows: &[
            "Net Services Abonnés",
            "75371 Paris Cedex 08",
            "Adresse email de contact",
            "Numéro de ligne | Id. client",
            "FO10479674 | 10577874",
            "",
            "",
            "",
            "",
            "",
            "",
            "Facture n°562044387 du 02 Juillet 2015",
            "Montant EUR HT | 24.99",
            "Somme à payer | 29.99 € TTC",
        ],
        kind: Invoice,
        at_least: 0.7,
    },
    Case {
        name: "quote addressed with \"Facturé à\"",
        rows: &[
            "Formatech Industrie | Facturé à : Aciers Fins SAS",
            "PROPOSITION COMMERCIALE",
            "Proposition n° DEV0202",
            "Durée : 1 jours (7 heures)",
            "Sous-total HT | 910,00 €",
            "Net à payer | 1092,00 €",
            "Bon pour accord, lu et approuvé",
        ],
        kind: Quote,
        at_least: 0.8,
    },
];

#[test]
fn documents_are_classified_from_their_title_and_body_whatever_the_wording() {
    let mut failures = Vec::new();
    for case in CASES {
        let mut rows: Vec<&str> = case.rows.to_vec();
        if case.kind == Unknown && rows.len() < 4 {
            rows.extend_from_slice(TRAINING_BODY);
        }
        let read = extract(&page(&rows, TextSource::TextLayer, 0.99));
        if read.kind != case.kind || read.kind_confidence < case.at_least {
            failures.push(format!(
                "{}: {:?} at {:.2}, want {:?} at {:.2} or more",
                case.name, read.kind, read.kind_confidence, case.kind, case.at_least
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Rows of a certificate's first page, and its number and categories as printed.
struct Certificate {
    name: &'static str,
    rows: &'static [&'static str],
    number: Option<&'static str>,
    categories: &'static [&'static str],
}

const CERTIFICATES: &[Certificate] = &[
    Certificate {
        name: "number after the title word, categories as bullets with the article",
        rows: &[
            "CERTIFICAT QUA007764",
            "Certifopac atteste que",
            "PARIS NORD FORMATION",
            "NDA 11756157375 - SIREN 883135154",
            "est certifié",
            "Au titre des catégories d'actions suivantes",
            "• Les actions de formation (L.6313-1 - 1°)",
            "• Les actions de formation par apprentissage (L.6313-1 - 4°)",
            "Valide du 03/01/2025 au 02/01/2028",
        ],
        number: Some("QUA007764"),
        categories: &["training_actions", "apprenticeship"],
    },
    Certificate {
        name: "bare number below the title, a prefix apart, categories by article number only",
        rows: &[
            "CERTIFICAT",
            "N° RNQ 3836",
            "Nous certifions que la société SODEVAL",
            "Numéro SIREN : 830548319",
            "Pour les activités :",
            "L.6313-1 -2° :",
            "L.6313-1 -3° :",
            "Date de fin de validité 04 novembre 2027",
            "Fait le 05 novembre 2024",
        ],
        number: Some("RNQ 3836"),
        categories: &["skills_assessment", "vae"],
    },
    Certificate {
        name: "boxes ahead of the words they govern",
        rows: &[
            "CERTIFICAT N° QV-RNQ-26-0318",
            "Qualiveris Certification certifie que ATELIER SUD",
            "SIREN 830548319",
            "Catégories d'actions :",
            "☒ Actions de formation",
            "☐ Bilans de compétences",
            "☒ Actions permettant de faire valider les acquis de l'expérience",
            "[ ] Actions de formation par apprentissage",
            "Valable jusqu'au 28/02/2029",
        ],
        number: Some("QV-RNQ-26-0318"),
        categories: &["training_actions", "vae"],
    },
    Certificate {
        name: "a holder's name below the title is no number",
        rows: &[
            "CERTIFICAT",
            "NORD 2000 FORMATION",
            "SIREN 883135154",
            "Certification qualité Qualiopi, organisme certificateur : ICPF",
            "Catégorie : actions de formation",
            "Valable jusqu'au 02/01/2028",
        ],
        number: None,
        categories: &["training_actions"],
    },
    Certificate {
        name: "an accreditation's bare number is not the certificate's",
        rows: &[
            "Certificat",
            "Qualiopi processus certifié",
            "Accréditation",
            "N° 5-0616",
            "SIREN 883135154",
            "ACTIONS DE FORMATION",
            "Valide jusqu'au 02/01/2028",
        ],
        number: None,
        categories: &["training_actions"],
    },
];

#[test]
fn a_certificate_number_printed_with_its_title_and_categories_by_article_are_read() {
    let mut failures = Vec::new();
    for case in CERTIFICATES {
        let read = extract(&page(case.rows, TextSource::TextLayer, 0.99));
        let number = read
            .fields
            .certificate_number
            .as_ref()
            .map(|f| f.value.as_str());
        let categories: Vec<&str> = read
            .fields
            .categories
            .as_ref()
            .map(|f| f.value.iter().map(String::as_str).collect())
            .unwrap_or_default();
        if read.kind != QualiopiCertificate
            || number != case.number
            || categories != case.categories
        {
            failures.push(format!(
                "{}: {:?} number {number:?} categories {categories:?}, want {:?} {:?}",
                case.name, read.kind, case.number, case.categories
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_signature_caption_names_a_signatory_not_the_provider() {
    let rows = [
        "CONTRAT DE FORMATION PROFESSIONNELLE",
        "Entre : Atelier Lumière Formation - 12 rue Haute 80000 Amiens",
        "SIRET : 91093414000047",
        "Durée de la formation : 1 jour (7 heures)",
        "Prix : 480 € TTC",
        "Nom et signature du stagiaire : | Signature de l'organisme de formation :",
        " | DURAND Camille",
        "Atelier Lumière Formation - SIRET 91093414000047",
    ];
    let read = extract(&page(&rows, TextSource::TextLayer, 0.99));
    let name = read.fields.provider_name.as_ref().map(|f| f.value.as_str());
    assert_ne!(name, Some("DURAND Camille"));
}

#[test]
fn typographic_dashes_stay_in_names_as_printed() {
    let rows = [
        "DEVIS n° D-2026-14",
        "Intitulé de la formation : Soudure TIG — perfectionnement",
        "Durée : 21 heures",
        "Total HT | 1 800,00 €",
    ];
    let read = extract(&page(&rows, TextSource::TextLayer, 0.99));
    let title = read
        .fields
        .training_title
        .as_ref()
        .map(|f| f.value.as_str());
    assert_eq!(title, Some("Soudure TIG — perfectionnement"));
}
