//! The document object (contract §4): kind, text source and the extracted fields, each with
//! value, confidence, page and evidence.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a document is, decided from its content.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Quote,
    Programme,
    QualiopiCertificate,
    AttendanceSheet,
    Invoice,
    Unknown,
    Unreadable,
    // Contract v1.1 (§7.2): a certificat de réalisation or an attestation d'assiduité. (Plain
    // comments: a doc comment on a variant would turn the schema's enum into a `oneOf`.)
    CompletionCertificate,
    // Contract v1.1 (§7.2): a distance-learning platform's relevé de connexions.
    ConnectionLog,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Quote => "quote",
            DocumentKind::Programme => "programme",
            DocumentKind::QualiopiCertificate => "qualiopi_certificate",
            DocumentKind::AttendanceSheet => "attendance_sheet",
            DocumentKind::Invoice => "invoice",
            DocumentKind::Unknown => "unknown",
            DocumentKind::Unreadable => "unreadable",
            DocumentKind::CompletionCertificate => "completion_certificate",
            DocumentKind::ConnectionLog => "connection_log",
        }
    }

    /// The French name an adviser reads.
    pub fn label_fr(self) -> &'static str {
        match self {
            DocumentKind::Quote => "devis ou convention",
            DocumentKind::Programme => "programme de formation",
            DocumentKind::QualiopiCertificate => "certificat Qualiopi",
            DocumentKind::AttendanceSheet => "feuille d'émargement",
            DocumentKind::Invoice => "facture",
            DocumentKind::Unknown => "document non reconnu",
            DocumentKind::Unreadable => "document illisible",
            DocumentKind::CompletionCertificate => "certificat de réalisation",
            DocumentKind::ConnectionLog => "relevé de connexions",
        }
    }
}

/// Where a document's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    TextLayer,
    Ocr,
    Mixed,
}

/// One extracted value with where it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Field<T> {
    pub value: T,
    /// In `[0, 1]`.
    pub confidence: f64,
    /// 1-based page number.
    pub page: u32,
    /// The text the value was read from.
    pub evidence: String,
    /// `[x0, y0, x1, y1]` in PDF points, origin bottom-left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f32; 4]>,
}

/// One line of a quote's price table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LineItem {
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub quantity: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub unit_price: Option<Decimal>,
    #[schemars(with = "String")]
    pub amount: Decimal,
}

/// Half-day of a sign-in session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionPeriod {
    Am,
    Pm,
}

/// One half-day session of a sign-in sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Session {
    #[schemars(with = "String")]
    pub date: NaiveDate,
    pub period: SessionPeriod,
    /// The half-day's length as the sheet prints it (its times, or the sheet's timetable);
    /// absent when the sheet prints none (a photographed paper sheet with "Matin | Après-midi"
    /// columns only): the rules then take the half-day's share of the planned hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub hours: Option<Decimal>,
}

/// A half-day of a sign-in sheet whose mark cannot be told signed or absent (a cross, a dash
/// or slash no legend explains, initials, ink that is neither a signature nor nothing): it is
/// counted neither as signed nor as absent, and is to be checked by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UncertainSlot {
    /// The trainee's name as printed.
    pub trainee: String,
    #[schemars(with = "String")]
    pub date: NaiveDate,
    pub period: SessionPeriod,
}

/// Which items of Qualiopi indicator 1 a programme states.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Sections {
    pub objectives: bool,
    pub audience: bool,
    pub prerequisites: bool,
    pub duration: bool,
    pub access: bool,
    pub methods: bool,
    pub evaluation: bool,
    pub accessibility: bool,
    pub price: bool,
    pub contact: bool,
}

impl Sections {
    /// The items, with their French names, in the order indicator 1 lists them.
    pub fn items(&self) -> [(&'static str, bool); 10] {
        [
            ("objectifs", self.objectives),
            ("public visé", self.audience),
            ("prérequis", self.prerequisites),
            ("durée", self.duration),
            ("modalités et délais d'accès", self.access),
            ("méthodes mobilisées", self.methods),
            ("modalités d'évaluation", self.evaluation),
            (
                "accessibilité aux personnes handicapées",
                self.accessibility,
            ),
            ("tarif", self.price),
            ("contact", self.contact),
        ]
    }
}

macro_rules! fields {
    ($( $(#[$doc:meta])* $name:ident : $ty:ty ),* $(,)?) => {
        /// Every field the extractors may produce; which ones a kind carries is in contract §4.
        /// A field not found is absent.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
        pub struct Fields {
            $(
                $(#[$doc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $name: Option<Field<$ty>>,
            )*
        }

        impl Fields {
            /// Names of the fields present.
            pub fn present(&self) -> Vec<&'static str> {
                let mut names = Vec::new();
                $( if self.$name.is_some() { names.push(stringify!($name)); } )*
                names
            }
        }
    };
}

fields! {
    provider_name: String,
    provider_siret: String,
    provider_siren: String,
    provider_nda: String,
    provider_vat_number: String,
    /// A 14-digit number printed as a SIRET that fails its check digit.
    invalid_siret: String,
    client_name: String,
    client_siret: String,
    quote_number: String,
    #[schemars(with = "Option<Field<String>>")]
    quote_date: NaiveDate,
    training_title: String,
    #[schemars(with = "Option<Field<String>>")]
    start_date: NaiveDate,
    #[schemars(with = "Option<Field<String>>")]
    end_date: NaiveDate,
    #[schemars(with = "Option<Field<String>>")]
    duration_hours: Decimal,
    trainees: u32,
    #[schemars(with = "Option<Field<String>>")]
    total_ht: Decimal,
    #[schemars(with = "Option<Field<String>>")]
    vat_rate: Decimal,
    #[schemars(with = "Option<Field<String>>")]
    vat_amount: Decimal,
    #[schemars(with = "Option<Field<String>>")]
    total_ttc: Decimal,
    vat_exempt: bool,
    line_items: Vec<LineItem>,
    sections: Sections,
    certificate_number: String,
    certifier: String,
    #[schemars(with = "Option<Field<String>>")]
    issued_on: NaiveDate,
    #[schemars(with = "Option<Field<String>>")]
    valid_until: NaiveDate,
    categories: Vec<String>,
    trainer: String,
    sessions: Vec<Session>,
    #[schemars(with = "Option<Field<BTreeMap<String, String>>>")]
    hours_by_trainee: BTreeMap<String, Decimal>,
    signed_slots: u32,
    expected_slots: u32,
    /// Half-days each trainee signed (name as printed → count), read on every sheet whose
    /// cells were read, with or without printed hours.
    signed_half_days_by_trainee: BTreeMap<String, u32>,
    /// Contract v1.1 (§7.2), certificat de réalisation: the trainees it names.
    trainee_names: Vec<String>,
    /// Contract v1.1 (§7.2): the box ticked for the nature of the action
    /// (`training_actions`, `skills_assessment`, `vae`, `apprenticeship`).
    action_nature: String,
    /// Contract v1.1 (§7.2): hours the certificate says were completed (one trainee, or the
    /// same for all; per trainee in `hours_by_trainee` when listed).
    #[schemars(with = "Option<Field<String>>")]
    hours_completed: Decimal,
    /// Contract v1.1 (§7.2): the day the certificate was signed.
    #[schemars(with = "Option<Field<String>>")]
    signed_on: NaiveDate,
    /// Half-days of a sign-in sheet whose mark is ambiguous (present only when there are some).
    uncertain_slots: Vec<UncertainSlot>,
    invoice_number: String,
    #[schemars(with = "Option<Field<String>>")]
    invoice_date: NaiveDate,
}

/// The document object of contract §4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DocumentReport {
    pub document_id: String,
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_kind: Option<DocumentKind>,
    pub kind: DocumentKind,
    pub kind_confidence: f64,
    pub pages: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_source: Option<TextSource>,
    /// Pages read by OCR (0 for a text layer).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ocr_pages: u32,
    pub fields: Fields,
    /// Why the document could not be read (kind `unreadable` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// SHA-256 of the file's bytes, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Contract v1.1 addition: the document could not be read because of a fault of the
    /// service (a bug caught at the document boundary, a reader process that crashed), not
    /// because of the file. Such a report blames nobody's upload: the rules say the service
    /// failed, and the fleet neither caches it nor treats it as the document's final reading.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub internal_error: bool,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}
