//! Fields as other people print them, one family of layouts per case, each with variations
//! no fixture generator writes: totals in a table whose header stands rows above the total
//! row, a training named in quotation marks inside a sentence, a provider named only by the
//! legal-notice line that carries its SIRET, a document's date printed right after its
//! number, a certificate dated by its signature's place and date while a date label sits in
//! a sentence, an addressee's block printed beside the issuer's letterhead on the same lines
//! (what one block says is not said of the other), certificate categories whose marks sit on
//! another line of their row or could not be read. Every case also says which value must
//! not be read.

use dossier_contract::{DocumentKind, Fields};
use dossier_extract::extract;
use dossier_layout::TextSource;

use super::page_laid_out;

struct Case {
    name: &'static str,
    rows: &'static [&'static str],
    /// Points between columns (" | " separates cells).
    column_width: f32,
    kind: DocumentKind,
    /// (field, value wanted as the contract prints it); `None` where nothing may be read.
    want: &'static [(&'static str, Option<&'static str>)],
}

fn read(fields: &Fields, name: &str) -> Option<String> {
    match name {
        "total_ht" => fields.total_ht.as_ref().map(|f| f.value.to_string()),
        "vat_amount" => fields.vat_amount.as_ref().map(|f| f.value.to_string()),
        "total_ttc" => fields.total_ttc.as_ref().map(|f| f.value.to_string()),
        "training_title" => fields.training_title.as_ref().map(|f| f.value.clone()),
        "duration_hours" => fields.duration_hours.as_ref().map(|f| f.value.to_string()),
        "provider_name" => fields.provider_name.as_ref().map(|f| f.value.clone()),
        "trainer" => fields.trainer.as_ref().map(|f| f.value.clone()),
        "invoice_date" => fields.invoice_date.as_ref().map(|f| f.value.to_string()),
        "quote_date" => fields.quote_date.as_ref().map(|f| f.value.to_string()),
        // Read at the confidence a value is trusted at without a look (0.8).
        "quote_date_trusted" => fields
            .quote_date
            .as_ref()
            .filter(|f| f.confidence >= 0.8)
            .map(|f| f.value.to_string()),
        "issued_on" => fields.issued_on.as_ref().map(|f| f.value.to_string()),
        "valid_until" => fields.valid_until.as_ref().map(|f| f.value.to_string()),
        "categories" => fields.categories.as_ref().map(|f| f.value.join(", ")),
        // Categories read with the confidence the rules act on (0.6).
        "categories_confident" => fields
            .categories
            .as_ref()
            .filter(|f| f.confidence >= 0.6)
            .map(|f| f.value.join(", ")),
        "provider_siret" => fields.provider_siret.as_ref().map(|f| f.value.clone()),
        "client_siret" => fields.client_siret.as_ref().map(|f| f.value.clone()),
        // Read at the confidence a value is trusted at without a look (0.8).
        "client_siret_trusted" => fields
            .client_siret
            .as_ref()
            .filter(|f| f.confidence >= 0.8)
            .map(|f| f.value.clone()),
        "provider_siren" => fields.provider_siren.as_ref().map(|f| f.value.clone()),
        "provider_vat_number" => fields.provider_vat_number.as_ref().map(|f| f.value.clone()),
        "hours_completed" => fields.hours_completed.as_ref().map(|f| f.value.to_string()),
        "signed_on" => fields.signed_on.as_ref().map(|f| f.value.to_string()),
        "action_nature" => fields.action_nature.as_ref().map(|f| f.value.clone()),
        "trainee_names" => fields.trainee_names.as_ref().map(|f| f.value.join(", ")),
        "hours_by_trainee" => fields.hours_by_trainee.as_ref().map(|f| {
            f.value
                .iter()
                .map(|(n, h)| format!("{n}={h}"))
                .collect::<Vec<_>>()
                .join(", ")
        }),
        other => panic!("no field {other} in this test"),
    }
}

const CASES: &[Case] = &[
    // Totals under a header row several rows up.
    Case {
        name: "a subscriber's invoice: header over detail rows and a total row",
        rows: &[
            "Facture n°77120458 du 02 Juillet 2026",
            "Désignation | Montant EUR HT | Montant TVA | Montant EUR TTC",
            "Abonnements | 24.99 | 5.00 | 29.99",
            "Communications | 0.00 | 0.00 | 0.00",
            "Services | 0.00 | 0.00 | 0.00",
            "Total facture | 24.99 | 5.00 | 29.99",
            "Somme à payer | 29.99 € TTC",
        ],
        column_width: 150.0,
        kind: DocumentKind::Invoice,
        want: &[
            ("total_ht", Some("24.99")),
            ("vat_amount", Some("5.00")),
            ("total_ttc", Some("29.99")),
            ("invoice_date", Some("2026-07-02")),
        ],
    },
    Case {
        name: "dotted thousands in a four-column table with a totals row",
        rows: &[
            "FACTURE FA-2026-0112 – 14/03/2026",
            "Prestation | Base H.T. | T.V.A. | Net T.T.C.",
            "Excel, 2 jours | 1.200,00 | 240,00 | 1.440,00",
            "Déplacement | 300,00 | 60,00 | 360,00",
            "Totaux | 1.500,00 | 300,00 | 1.800,00",
        ],
        column_width: 150.0,
        kind: DocumentKind::Invoice,
        want: &[
            ("total_ht", Some("1500.00")),
            ("vat_amount", Some("300.00")),
            ("total_ttc", Some("1800.00")),
            ("invoice_date", Some("2026-03-14")),
        ],
    },
    // A training named in quotation marks in running text.
    Case {
        name: "a convention naming its training in a sentence that wraps",
        rows: &[
            "CONTRAT DE FORMATION PROFESSIONNELLE",
            "Article 1 - Objet :",
            "En exécution du présent contrat, l'organisme s'engage à organiser la formation dénommée « ONGLERIE",
            "GEL PERFECTIONNEMENT » destinée à perfectionner les techniques du stagiaire.",
            "Durée : 14 heures, du 02/03/2026 au 03/03/2026",
            "Prix : 480 € TTC",
        ],
        column_width: 280.0,
        kind: DocumentKind::Quote,
        want: &[("training_title", Some("ONGLERIE GEL PERFECTIONNEMENT"))],
    },
    Case {
        name: "a quote naming its action in curly quotes after 'intitulée'",
        rows: &[
            "DEVIS N° D-2026-040",
            "Nous vous proposons l'action de formation intitulée “Gestes et postures au bureau” pour vos équipes.",
            "Durée : 7 heures, le 12/05/2026",
            "Total HT | 900,00 €",
            "TVA 20 % | 180,00 €",
            "Total TTC | 1 080,00 €",
        ],
        column_width: 280.0,
        kind: DocumentKind::Quote,
        want: &[("training_title", Some("Gestes et postures au bureau"))],
    },
    Case {
        name: "quotation marks around a phrase that is no training",
        rows: &[
            "DEVIS N° D-2026-041",
            "Formation : Prévention des risques routiers",
            "Le client s'engage à signer le document « bon pour accord » avant le début.",
            "Durée : 7 heures, le 12/05/2026",
            "Total HT | 900,00 €",
        ],
        column_width: 280.0,
        kind: DocumentKind::Quote,
        want: &[("training_title", Some("Prévention des risques routiers"))],
    },
    Case {
        name: "a subject line above a key/value title row",
        rows: &[
            "DEVIS",
            "Référence : DV-2026-051",
            "Objet : action de formation intra-entreprise",
            "Intitulé | Manager une équipe de proximité",
            "Durée | 2 x 7 heures",
            "Total HT | 2 900,00 €",
        ],
        column_width: 200.0,
        kind: DocumentKind::Quote,
        want: &[("training_title", Some("Manager une équipe de proximité"))],
    },
    Case {
        name: "a quoted title with a colon, wrapped, and a total restated after its parts",
        rows: &[
            "CONVENTION DE FORMATION PROFESSIONNELLE",
            "L'organisme s'engage à organiser l'action de formation intitulée : « Excel intermédiaire :",
            "tableaux croisés dynamiques ». Elle relève des actions de formation.",
            "La formation se déroulera en trois journées non consécutives",
            "de 7 heures, soit 21 heures par participant.",
            "Montant hors taxes | 2 220,00 €",
        ],
        column_width: 280.0,
        kind: DocumentKind::Quote,
        want: &[
            (
                "training_title",
                Some("Excel intermédiaire : tableaux croisés dynamiques"),
            ),
            ("duration_hours", Some("21")),
        ],
    },
    // A provider named only by its legal-notice line.
    Case {
        name: "a name followed by its SIRET label and capital on the notice line",
        rows: &[
            "DEVIS N° D-2026-042 du 03/02/2026",
            "Formation : Accueil téléphonique",
            "Durée : 7 heures",
            "Total HT | 700,00 €",
            "TVA 20 % | 140,00 €",
            "Total TTC | 840,00 €",
            "LES ATELIERS DU SOIN SIRET : 09281590139629 EURL au capital de 3 000 € 12 rue Basse 44000 Nantes",
        ],
        column_width: 280.0,
        kind: DocumentKind::Quote,
        want: &[
            ("provider_name", Some("LES ATELIERS DU SOIN")),
            ("quote_date", Some("2026-02-03")),
        ],
    },
    Case {
        name: "a name with its legal form and capital before the SIRET",
        rows: &[
            "DEVIS N° D-2026-043 en date du 4 février 2026",
            "Formation : Tableaux croisés dynamiques",
            "Durée : 7 heures",
            "Total HT | 700,00 €",
            "TVA 20 % | 140,00 €",
            "Total TTC | 840,00 €",
            "Forma Nord SAS au capital de 10 000 € RCS Lille SIRET 033 401 878 01755",
        ],
        column_width: 280.0,
        kind: DocumentKind::Quote,
        want: &[
            ("provider_name", Some("Forma Nord SAS")),
            ("quote_date", Some("2026-02-04")),
        ],
    },
    Case {
        name: "a number followed by another number, not by the date",
        rows: &[
            "DEVIS N° D-2026-044 version 2 du 05/02/2026",
            "Formation : Tableaux croisés dynamiques",
            "Durée : 7 heures",
            "Total HT | 700,00 €",
        ],
        column_width: 280.0,
        kind: DocumentKind::Quote,
        want: &[("quote_date", None)],
    },
    // A certificate's date of issue as its certifier signs it.
    Case {
        name: "a certificate dated where it was signed, its end of validity on the same line",
        rows: &[
            "CERTIFICAT",
            "N° RNQ 4471",
            "Certiquali atteste que l'organisme",
            "FORMA LITTORAL",
            "Numéro SIREN : 033401878",
            "répond aux exigences du Référentiel National Qualité pour les activités :",
            "L.6313-1 -1° : Actions de formation",
            "Fait à NANTES le 12 mars 2025 Date de fin de validité 11 mars 2028",
        ],
        column_width: 280.0,
        kind: DocumentKind::QualiopiCertificate,
        want: &[
            ("issued_on", Some("2025-03-12")),
            ("valid_until", Some("2028-03-11")),
        ],
    },
    Case {
        name: "a town and a date under the signature; a date label inside a sentence",
        rows: &[
            "CERTIFICAT Qualiopi",
            "Qualicert certifie que le prestataire de formation professionnelle",
            "ATELIER BEAUTÉ NORD",
            "Numéro SIREN : 033401878",
            "Activité certifiée : Actions de formation",
            "en vigueur à la date d'édition du présent certificat. La preuve de conformité a été apportée dans le rapport",
            "n°02-02-2026 ATELIER BEAUTÉ NORD.",
            "Ce certificat est valable jusqu'au 09/04/2029",
            "Saint-Malo, le 10 avril 2026",
        ],
        column_width: 280.0,
        kind: DocumentKind::QualiopiCertificate,
        want: &[
            ("issued_on", Some("2026-04-10")),
            ("valid_until", Some("2029-04-09")),
        ],
    },
    // Certificats de réalisation: the ministry's model and a provider's table.
    Case {
        name: "the ministry's model: the action in the sentence, the done hours after 'pour une durée de'",
        rows: &[
            "CERTIFICAT DE RÉALISATION",
            "Je soussigné(e) Marc Royer, représentant légal du dispensateur de l'action Forma Nord SAS,",
            "atteste que :",
            "Mme Julie FABRE, salariée de l'entreprise Boulangerie Morel,",
            "a suivi l'action : Excel perfectionnement et tableaux croisés",
            "Nature de l'action concourant au développement des compétences :",
            "☒ action de formation",
            "☐ bilan de compétences",
            "☐ action de VAE",
            "qui s'est déroulée du 2 mars 2026 au 9 mars 2026 pour une durée de 10 h 30.",
            "Fait à Lille, le 10 mars 2026",
        ],
        column_width: 280.0,
        kind: DocumentKind::CompletionCertificate,
        want: &[
            (
                "training_title",
                Some("Excel perfectionnement et tableaux croisés"),
            ),
            ("trainee_names", Some("Julie FABRE")),
            ("action_nature", Some("training_actions")),
            ("hours_completed", Some("10.5")),
            ("signed_on", Some("2026-03-10")),
        ],
    },
    Case {
        name: "a table of trainees with planned and done hours: the done column, never the planned",
        rows: &[
            "CERTIFICAT DE RÉALISATION",
            "atteste que les salariés désignés ci-dessous ont suivi l'action : Prise de parole en public",
            "Nom et prénom du bénéficiaire | Heures prévues | Heures réalisées",
            "VIDAL Camille | 15,5 | 15,5",
            "ASTIER Jérôme | 15,5 | 12",
        ],
        column_width: 180.0,
        kind: DocumentKind::CompletionCertificate,
        want: &[
            ("trainee_names", Some("VIDAL Camille, ASTIER Jérôme")),
            (
                "hours_by_trainee",
                Some("ASTIER Jérôme=12, VIDAL Camille=15.5"),
            ),
            ("hours_completed", None),
        ],
    },
    Case {
        name: "a table of planned hours only, and a rate of presence: no hours done read",
        rows: &[
            "CERTIFICAT DE RÉALISATION",
            "atteste que les salariés désignés ci-dessous ont suivi l'action : Prise de parole en public",
            "Nom et prénom du bénéficiaire | Heures prévues | Taux de présence (%)",
            "VIDAL Camille | 35 h | 80",
            "ASTIER Jérôme | 35 h | 100",
        ],
        column_width: 180.0,
        kind: DocumentKind::CompletionCertificate,
        want: &[("hours_by_trainee", None)],
    },
    Case {
        name: "a platform's connections, one row each, and a subtotal per trainee",
        rows: &[
            "Relevé des connexions — plateforme Campus+",
            "Apprenant | Date | Durée",
            "Julie FABRE | 03/03/2026 | 1 h 15",
            "Julie FABRE | 05/03/2026 | 2 h 45",
            "Julie FABRE | Total | 4 h",
            "Paul GIRARD | 03/03/2026 | 3 h",
            "Paul GIRARD | Total | 3 h",
        ],
        column_width: 180.0,
        kind: DocumentKind::ConnectionLog,
        want: &[("hours_by_trainee", Some("Julie FABRE=4, Paul GIRARD=3"))],
    },
    Case {
        name: "a number followed by a due date, not the invoice's date",
        rows: &[
            "Facture F-12 payable le 30/04/2026",
            "Total HT | 100,00 €",
            "TVA 20 % | 20,00 €",
            "Total TTC | 120,00 €",
        ],
        column_width: 280.0,
        kind: DocumentKind::Invoice,
        want: &[("invoice_date", None)],
    },
    Case {
        name: "a renewal: the initial certification date is not the issue date; ✘ marks no",
        rows: &[
            "Certificat de conformité — Référentiel National Qualité – Qualiopi",
            "Certificat n° QE/2026/RNQ/1182",
            "Titulaire : Lumen Compétences",
            "SIRET 09281590139629",
            "Catégories d'actions :",
            "✔ Actions de formation",
            "✘ Bilans de compétences – non concerné",
            "✘ Actions de VAE – non concerné",
            "Date de certification initiale : 18/03/2020",
            "Date d'émission : 18/03/2026",
            "Date d'expiration : 17/03/2029",
        ],
        column_width: 280.0,
        kind: DocumentKind::QualiopiCertificate,
        want: &[
            ("issued_on", Some("2026-03-18")),
            ("categories", Some("training_actions")),
        ],
    },
    Case {
        name: "a renewal's two dates on one line: the issue date is the second",
        rows: &[
            "Certificat de conformité — Référentiel National Qualité – Qualiopi",
            "Certificat n° QE/2026/RNQ/1192",
            "Titulaire : Lumen Compétences",
            "SIRET 09281590139629",
            "Catégories d'actions : ✔ Actions de formation",
            "Date de certification initiale : 18/03/2020 | Date d'émission : 18/03/2026",
            "Date d'expiration : 17/03/2029",
        ],
        column_width: 280.0,
        kind: DocumentKind::QualiopiCertificate,
        want: &[("issued_on", Some("2026-03-18"))],
    },
    Case {
        name: "a provider's name followed by its address after a dash",
        rows: &[
            "FEUILLE D'ÉMARGEMENT",
            "Organisme : Cap Nord Formation – 41 rue du Port, 59000 Lille",
            "Stagiaire | 27/07/2026 matin | 27/07/2026 après-midi",
            "Inès FAURE | Signé | Signé",
        ],
        column_width: 280.0,
        kind: DocumentKind::AttendanceSheet,
        want: &[("provider_name", Some("Cap Nord Formation"))],
    },
    Case {
        name: "a title whose dash is followed by a number that is no address",
        rows: &[
            "DEVIS N° D-2026-061 du 03/02/2026",
            "Formation : Word – 2016 perfectionnement",
            "Durée : 7 heures",
            "Total HT | 700,00 €",
        ],
        column_width: 280.0,
        kind: DocumentKind::Quote,
        want: &[("training_title", Some("Word – 2016 perfectionnement"))],
    },
    Case {
        name: "a ✘ category also named by its article is still not certified",
        rows: &[
            "Certificat de conformité — Référentiel National Qualité",
            "Certificat n° QE/2026/RNQ/1191",
            "Titulaire : Lumen Compétences",
            "SIRET 09281590139629",
            "Catégories d'actions :",
            "☑ Actions de formation (art. L.6313-1 1°)",
            "✘ Bilans de compétences (art. L.6313-1 2°) – non concerné",
            "Date d'émission : 18/03/2026",
            "Date d'expiration : 17/03/2029",
        ],
        column_width: 280.0,
        kind: DocumentKind::QualiopiCertificate,
        want: &[("categories", Some("training_actions"))],
    },
    Case {
        name: "a certificate giving the holder's SIREN and its certifier's SIRET in the footer",
        rows: &[
            "CERTIFICAT",
            "CERTIVAL Formation atteste que le prestataire d'actions concourant au développement des compétences",
            "ATELIER DU LIN",
            "SIREN : 033 401 878",
            "Catégorie : Actions de formation",
            "Décision de certification et émission : 03/02/2026",
            "Date de fin de validité : 02/02/2029",
            "CERTIVAL Formation SAS – 210 avenue Berthelot, 69007 Lyon – SIRET 09281590139629",
        ],
        column_width: 280.0,
        kind: DocumentKind::QualiopiCertificate,
        want: &[
            ("provider_siren", Some("033401878")),
            ("provider_siret", None),
        ],
    },
    Case {
        name: "a certificate whose certifier's notice with its accreditation holds the only SIRET",
        rows: &[
            "Certificat de conformité — Référentiel National Qualité",
            "Certificat n° QE/2026/RNQ/1190",
            "Titulaire : Lumen Compétences",
            "Établissement : SIRET 09281590139629",
            "Catégories d'actions : ✔ Actions de formation",
            "Date d'émission : 18/03/2026",
            "Date d'expiration : 17/03/2029",
            "Qualitias Évaluation SAS · 5 quai de la Fosse, 44000 Nantes · SIRET 03340187801755 · TVA FR87033401878 · Accréditation COFRAC n° 5-0698",
        ],
        column_width: 280.0,
        kind: DocumentKind::QualiopiCertificate,
        want: &[
            ("provider_siret", Some("09281590139629")),
            ("provider_vat_number", None),
        ],
    },
    Case {
        name: "letterhead and addressee side by side, the client's SIRET beside the issuer's NDA",
        rows: &[
            "Atelier des Tilleuls",
            "SARL – Centre de formation continue | Ateliers Morel SAS",
            "12 rue des Tanneurs, 24000 Périgueux | ZA Les Prés",
            "SIRET 68778932100092 | 24750 Boulazac",
            "Déclaration d'activité 75622901572 | SIRET : 69217421200096",
            "FACTURE N° F-2026-118",
            "Date : 30/10/2026",
            "Formation Habilitation électrique | 1 000,00 EUR",
            "Montant HT | 1 000,00 EUR",
            "TVA 20 % | 200,00 EUR",
            "Montant TTC | 1 200,00 EUR",
        ],
        column_width: 330.0,
        kind: DocumentKind::Invoice,
        want: &[
            ("provider_siret", Some("68778932100092")),
            ("client_siret", Some("69217421200096")),
        ],
    },
    Case {
        name: "two blocks on one line, the left one with its RCS notice: the right SIRET is not its",
        rows: &[
            "DEVIS N° D-77",
            "Émis par : | Adressé à :",
            "Formations Kerlann | Boulangerie Tanguy SARL",
            "SIRET 90967929200013 – RCS Quimper | SIRET 69217421200096",
            "Date : 02/03/2026",
            "Total HT | 900,00 EUR",
            "TVA 20 % | 180,00 EUR",
            "Total TTC | 1 080,00 EUR",
        ],
        column_width: 330.0,
        kind: DocumentKind::Quote,
        want: &[
            ("provider_siret", Some("90967929200013")),
            ("client_siret", Some("69217421200096")),
        ],
    },
    Case {
        name: "a category label wrapped over two lines, its NON centred between them",
        rows: &[
            "CERTIFICAT QUALIOPI",
            "Certificat n° CF-2026-0311",
            "pour les catégories d'actions suivantes :",
            "Catégorie | Certifiée",
            "Actions de formation | OUI",
            "Actions permettant de faire valider les acquis de",
            " | NON",
            "l'expérience",
            "Bilans de compétences | NON",
            "Date d'émission : 03/02/2026",
        ],
        column_width: 330.0,
        kind: DocumentKind::QualiopiCertificate,
        want: &[("categories", Some("training_actions"))],
    },
    Case {
        name: "a label cell centred beside its list, printed under the list's first value",
        rows: &[
            "Certificat de conformité Qualiopi",
            "Certificat n° QF/2026/77",
            "Titulaire | Formations du Morvan",
            " | ✓ Actions de formation",
            "Catégories | ✓ Bilans de compétences",
            " | ✗ Actions de formation par apprentissage",
            "Date d'émission | 18/03/2026",
        ],
        column_width: 200.0,
        kind: DocumentKind::QualiopiCertificate,
        want: &[("categories", Some("training_actions, skills_assessment"))],
    },
    Case {
        name: "boxes printed for some categories, none readable before the ticked one",
        rows: &[
            "CERTIFICAT",
            "Certificat n° B-2026-90",
            "pour la ou les catégories d'actions suivantes :",
            "Actions de formation",
            "[ ] Bilans de compétences",
            "[ ] Actions de formation par apprentissage",
            "Date de délivrance : 3 novembre 2025",
        ],
        column_width: 280.0,
        kind: DocumentKind::QualiopiCertificate,
        want: &[
            ("categories", Some("training_actions")),
            ("categories_confident", None),
        ],
    },
    Case {
        name: "'heures de formation' after its own number, a session length further on the line",
        rows: &[
            "Programme de formation",
            "Tableur : consolider des données",
            "Modalité | classe virtuelle",
            " | 21 heures de formation, en 6 séquences de 3 h 30",
            "Tarif | 900,00 € HT par participant",
        ],
        column_width: 150.0,
        kind: DocumentKind::Programme,
        want: &[("duration_hours", Some("21"))],
    },
    Case {
        name: "hours of training in a sentence, the workshops' length after them",
        rows: &[
            "PROGRAMME",
            "Accueil téléphonique et gestion des appels",
            "Le parcours compte 12 heures de formation réparties en 4 ateliers de 3 h.",
            "Public : agents d'accueil",
        ],
        column_width: 150.0,
        kind: DocumentKind::Programme,
        want: &[("duration_hours", Some("12"))],
    },
    Case {
        name: "a provider's name closed by an aside in parentheses: a platform, a trade name",
        rows: &[
            "Relevé des connexions",
            "Parcours | Prévention des risques routiers (e-learning)",
            "Organisme | Trajectoires Formation SARL (plateforme Campus Route)",
            "Apprenant | Date | Durée",
            "Julie FABRE | 03/03/2026 | 1 h 15",
        ],
        column_width: 150.0,
        kind: DocumentKind::ConnectionLog,
        want: &[("provider_name", Some("Trajectoires Formation SARL"))],
    },
    Case {
        name: "an organisme named with its trade name in parentheses after a colon",
        rows: &[
            "FEUILLE D'ÉMARGEMENT",
            "Formation : Sécurité incendie (EPI)",
            "Organisme de formation : SAS Kerlann Conseil (nom commercial : Kerlann Formation)",
            "Stagiaire | 09/03/2026 matin | 09/03/2026 après-midi",
            "LE GALL Yann | Signé | Signé",
        ],
        column_width: 150.0,
        kind: DocumentKind::AttendanceSheet,
        want: &[("provider_name", Some("SAS Kerlann Conseil"))],
    },
    Case {
        name: "the training centre's SIRET in the body, the head office's in the legal footer",
        rows: &[
            "PROGRAMME DE FORMATION",
            "Organisme | Velay Compétences – SIRET 74580730500032 (centre de Brives)",
            "Comptabilité fournisseurs : les fondamentaux",
            "Volume horaire global : 21 heures",
            "Velay Compétences SAS au capital de 8 000 € – SIRET 745 807 305 00024 – RCS Le Puy",
        ],
        column_width: 150.0,
        kind: DocumentKind::Programme,
        want: &[("provider_siret", Some("74580730500032"))],
    },
    // Second readings: what the side-by-side and aside rules must not do.
    Case {
        name: "a SIRET far right of its own label in a key/value row is no addressee's",
        rows: &[
            "DEVIS N° D-2026-31",
            "Forma Plus",
            "Organisme de formation",
            "N° SIRET | 68778932100092",
            "Date : 02/03/2026",
            "Total HT | 900,00 EUR",
            "TVA 20 % | 180,00 EUR",
            "Total TTC | 1 080,00 EUR",
        ],
        column_width: 330.0,
        kind: DocumentKind::Quote,
        want: &[
            ("provider_siret", Some("68778932100092")),
            ("client_siret", None),
        ],
    },
    Case {
        name: "a letterhead whose right-hand block is the issuer's legal notice",
        rows: &[
            "Forma Plus | SAS au capital de 10 000 € – RCS Lyon – SIRET 68778932100092",
            "DEVIS N° D-2026-32",
            "Date : 02/03/2026",
            "Total HT | 900,00 EUR",
            "TVA 20 % | 180,00 EUR",
            "Total TTC | 1 080,00 EUR",
        ],
        column_width: 200.0,
        kind: DocumentKind::Quote,
        want: &[
            ("provider_siret", Some("68778932100092")),
            ("client_siret", None),
        ],
    },
    Case {
        name: "a funder named with its SIRET after the provider: no client SIRET trusted",
        rows: &[
            "CONVENTION DE FORMATION PROFESSIONNELLE",
            "Organisme de formation : Forma Plus, SIRET 68778932100092",
            "Organisme financeur : OPCO des Métiers, SIRET 90967929200013",
            "Date : 02/03/2026",
            "Total HT | 900,00 EUR",
            "TVA 20 % | 180,00 EUR",
            "Total TTC | 1 080,00 EUR",
        ],
        column_width: 200.0,
        kind: DocumentKind::Quote,
        want: &[
            ("provider_siret", Some("68778932100092")),
            ("client_siret_trusted", None),
        ],
    },
    Case {
        name: "another label between a count of hours and the duration",
        rows: &[
            "PROGRAMME DE FORMATION",
            "Gestion de paie : les fondamentaux",
            "Module 1 : 7 heures de formation — Durée : 21 heures",
        ],
        column_width: 200.0,
        kind: DocumentKind::Programme,
        want: &[("duration_hours", Some("21"))],
    },
    Case {
        name: "a legal form alone before the aside keeps the aside",
        rows: &[
            "FEUILLE D'ÉMARGEMENT",
            "Formation : Sécurité incendie (EPI)",
            "Organisme de formation : SAS (Forma Plus)",
            "Stagiaire | 09/03/2026 matin | 09/03/2026 après-midi",
            "LE GALL Yann | Signé | Signé",
        ],
        column_width: 150.0,
        kind: DocumentKind::AttendanceSheet,
        want: &[("provider_name", Some("SAS (Forma Plus)"))],
    },
    Case {
        name: "each category's mark alone on the line after it: no mark between two halves",
        rows: &[
            "CERTIFICAT QUALIOPI",
            "Certificat n° CF-2026-0312",
            "pour les catégories d'actions suivantes :",
            "Actions de formation",
            " | OUI",
            "Bilans de compétences",
            " | NON",
            "Actions de formation par apprentissage",
            " | OUI",
            "Date d'émission : 03/02/2026",
        ],
        column_width: 330.0,
        kind: DocumentKind::QualiopiCertificate,
        want: &[("categories_confident", None)],
    },
    Case {
        name: "categories marked by filled and hollow bullets, the legend in the heading",
        rows: &[
            "CERTIFICAT QUALIOPI",
            "Certificat n° QF-2024-0615",
            "Catégories d'actions (● certifiée / ○ non certifiée)",
            "●  Actions de formation",
            "○  Bilans de compétences",
            "●  Actions permettant de faire valider les acquis de l'expérience",
            "○  Actions de formation par apprentissage",
            "Date d'émission : 15/06/2024",
        ],
        column_width: 280.0,
        kind: DocumentKind::QualiopiCertificate,
        want: &[("categories", Some("training_actions, vae"))],
    },
    Case {
        name: "a status column of ticks and dashes",
        rows: &[
            "CERTIFICAT",
            "Certificat n° BA-Q-25-0913",
            "pour les catégories d'actions suivantes :",
            "Catégorie d'action (art. L6313-1) | Statut",
            "Action de formation | ✓",
            "Bilan de compétences | —",
            "Validation des acquis de l'expérience | —",
            "Action de formation par apprentissage | ✓",
            "Date de la décision de certification : 18/09/2025",
        ],
        column_width: 330.0,
        kind: DocumentKind::QualiopiCertificate,
        want: &[("categories", Some("training_actions, apprenticeship"))],
    },
    Case {
        name: "title, trainer and place on one line, separated by labels and a middle dot",
        rows: &[
            "FEUILLE D'ÉMARGEMENT",
            "Formation : Gestes et postures au bureau Formatrice : Anne Leroux · Lieu : Vannes",
            "Stagiaire | 09/03/2026 matin | 09/03/2026 après-midi",
            "LE GALL Yann | Signé | Signé",
        ],
        column_width: 150.0,
        kind: DocumentKind::AttendanceSheet,
        want: &[
            ("training_title", Some("Gestes et postures au bureau")),
            ("trainer", Some("Anne Leroux")),
        ],
    },
    Case {
        name: "a title naming trainers before its own colon keeps it whole",
        rows: &[
            "FEUILLE D'ÉMARGEMENT",
            "Formation : Formation de formateurs : concevoir une séquence",
            "Stagiaire | 09/03/2026 matin | 09/03/2026 après-midi",
            "LE GALL Yann | Signé | Signé",
        ],
        column_width: 150.0,
        kind: DocumentKind::AttendanceSheet,
        want: &[(
            "training_title",
            Some("Formation de formateurs : concevoir une séquence"),
        )],
    },
    Case {
        name: "a title with a colon of its own keeps it",
        rows: &[
            "FEUILLE D'ÉMARGEMENT",
            "Formation : Sécurité informatique : les bons réflexes",
            "Intervenant : Marc Durand",
            "Stagiaire | 09/03/2026 matin | 09/03/2026 après-midi",
            "LE GALL Yann | Signé | Signé",
        ],
        column_width: 150.0,
        kind: DocumentKind::AttendanceSheet,
        want: &[
            (
                "training_title",
                Some("Sécurité informatique : les bons réflexes"),
            ),
            ("trainer", Some("Marc Durand")),
        ],
    },
    Case {
        name: "an individual contract: the signing formula dates it, not the trainee's birth",
        rows: &[
            "CONTRAT DE FORMATION PROFESSIONNELLE N° CF-2026-021",
            "Entre Atelier Linéa, SIRET 68778932100092, et",
            "M. Paul Girard, né le 3 février 1988, demeurant à Nantes, ci-après le stagiaire.",
            "Prix de la formation : 1 200,00 € net de taxes.",
            "Fait en double exemplaire à Nantes, le 12 mai 2026.",
        ],
        column_width: 200.0,
        kind: DocumentKind::Quote,
        want: &[("quote_date_trusted", Some("2026-05-12"))],
    },
    Case {
        name: "a quote dated only after a bare 'le' is read, but not trusted blindly",
        rows: &[
            "DEVIS N° D-2026-88",
            "Atelier Linéa, SIRET 68778932100092",
            "Devis transmis le 12 mai 2026",
            "Formation : Tableur, niveau 1",
            "Total HT | 900,00 EUR",
            "TVA 20 % | 180,00 EUR",
            "Total TTC | 1 080,00 EUR",
        ],
        column_width: 200.0,
        kind: DocumentKind::Quote,
        want: &[
            ("quote_date", Some("2026-05-12")),
            ("quote_date_trusted", None),
        ],
    },
    Case {
        name: "the letter's dating formula, a place and 'le', is trusted",
        rows: &[
            "DEVIS N° D-2026-89",
            "Atelier Linéa, SIRET 68778932100092",
            "Saint-Nazaire, le 12 mai 2026",
            "Total HT | 900,00 EUR",
            "TVA 20 % | 180,00 EUR",
            "Total TTC | 1 080,00 EUR",
        ],
        column_width: 200.0,
        kind: DocumentKind::Quote,
        want: &[("quote_date_trusted", Some("2026-05-12"))],
    },
];

#[test]
fn fields_are_read_whatever_the_layout() {
    let mut failures = Vec::new();
    for case in CASES {
        let rows: Vec<(&str, f32)> = case.rows.iter().map(|r| (*r, 11.0)).collect();
        let extraction = extract(&page_laid_out(
            &rows,
            TextSource::TextLayer,
            1.0,
            case.column_width,
        ));
        if extraction.kind != case.kind {
            failures.push(format!("{}: kind {:?}", case.name, extraction.kind));
            continue;
        }
        for (field, want) in case.want {
            let got = read(&extraction.fields, field);
            if got.as_deref() != *want {
                failures.push(format!(
                    "{}: {field} read {got:?}, want {want:?}",
                    case.name
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
