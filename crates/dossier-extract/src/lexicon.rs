//! Field lexicons as data: weighted word stems that speak for (or against) a value's role.
//!
//! A stem is a sequence of folded words (lower case, no accents, punctuation dropped, so
//! "H.T." is `h t` and "Hors-taxes" is `hors taxes`); a word ending in `*` matches any word
//! it begins ("tax*" reads "taxe", "taxes"; a lone `*` is any one word). Matching takes the longest stem first and
//! consumes its words, so "toutes taxes comprises" is one TTC cue, never also a VAT cue
//! ("taxes"), and "hors taxes" is one HT cue. The weights say how much a cue alone tells:
//! 3 names the role outright ("total HT"), 1 is a generic word ("total", "montant").
//!
//! Keeping the lexicon as data, rather than as regex alternations per field, is what lets a
//! new wording be one more row and lets the assignment weigh competing readings instead of
//! taking the first match.

use dossier_contract::DocumentKind;

/// What a cue says about the number it labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Cue {
    /// Total before tax.
    Ht,
    /// VAT amount.
    Vat,
    /// Total with tax.
    Ttc,
    /// Amount due ("net à payer", "montant à régler"): the TTC unless a deposit was paid.
    Due,
    /// A generic total or price word ("total", "montant", "prix").
    Total,
    /// The number is a base a rate applies to ("TVA 20 % sur 1 176,00").
    Base,
    /// The number was paid already or is paid apart (deposit, "déjà versé").
    Deposit,
    /// The number is the balance after a deposit ("reste à payer", "solde").
    Balance,
    /// The number is per unit (day, hour, trainee), not a total.
    Unit,
    /// A discount, a penalty, a share capital, a fee: never a total.
    Other,
    /// "dont": what follows is a part of the amount stated before it.
    Part,
}

/// (stem, cue, weight). Longest stems are tried first, whatever their order here.
pub(crate) const TOTALS: &[(&str, Cue, f64)] = &[
    // Before tax.
    ("ht", Cue::Ht, 3.0),
    ("h t", Cue::Ht, 3.0),
    ("hors tax*", Cue::Ht, 3.0),
    ("hors tva", Cue::Ht, 3.0),
    ("net de tax*", Cue::Ht, 2.5),
    ("sans tva", Cue::Ht, 2.0),
    ("base ht", Cue::Ht, 3.0),
    ("sous total", Cue::Ht, 1.5),
    ("total net", Cue::Ht, 1.0),
    // Tax.
    ("tva", Cue::Vat, 3.0),
    ("t v a", Cue::Vat, 3.0),
    ("tax*", Cue::Vat, 2.0),
    ("montant tva", Cue::Vat, 3.0),
    ("total tva", Cue::Vat, 3.0),
    ("total tax*", Cue::Vat, 3.0),
    ("vat", Cue::Vat, 2.5),
    // With tax. OCR reads the middle T of TTC as I, 1 or l.
    ("ttc", Cue::Ttc, 3.0),
    ("t t c", Cue::Ttc, 3.0),
    ("tic", Cue::Ttc, 2.0),
    ("t1c", Cue::Ttc, 2.0),
    ("tlc", Cue::Ttc, 2.0),
    ("toutes tax* compris*", Cue::Ttc, 3.0),
    ("tax* compris*", Cue::Ttc, 2.5),
    ("tva compris*", Cue::Ttc, 2.5),
    ("tva incluse", Cue::Ttc, 2.5),
    ("total general", Cue::Ttc, 1.5),
    // Due.
    ("net a payer", Cue::Due, 2.5),
    ("total a payer", Cue::Due, 2.5),
    ("montant a payer", Cue::Due, 2.5),
    ("a payer", Cue::Due, 2.0),
    ("a regler", Cue::Due, 2.0),
    ("montant du", Cue::Due, 1.5),
    ("total du", Cue::Due, 1.5),
    ("somme due", Cue::Due, 2.0),
    // Generic totals and prices.
    // "Total", "Totaux", "Totale".
    ("total*", Cue::Total, 1.0),
    ("montant", Cue::Total, 0.8),
    ("montant total", Cue::Total, 1.2),
    ("prix", Cue::Total, 0.8),
    ("prix total", Cue::Total, 1.2),
    ("cout", Cue::Total, 0.8),
    ("cout total", Cue::Total, 1.2),
    ("tarif", Cue::Total, 0.6),
    ("somme", Cue::Total, 0.6),
    // Bases.
    ("sur", Cue::Base, 1.0),
    ("base", Cue::Base, 1.0),
    ("assiette", Cue::Base, 1.0),
    ("base imposable", Cue::Base, 1.0),
    // Deposits and balances.
    ("acompte*", Cue::Deposit, 3.0),
    ("deja vers*", Cue::Deposit, 3.0),
    ("deja regle*", Cue::Deposit, 3.0),
    ("deja paye*", Cue::Deposit, 3.0),
    ("avance", Cue::Deposit, 2.0),
    ("arrhes", Cue::Deposit, 3.0),
    ("reste a payer", Cue::Balance, 3.0),
    ("reste a regler", Cue::Balance, 3.0),
    ("reste du", Cue::Balance, 3.0),
    ("solde", Cue::Balance, 2.5),
    // Per unit.
    ("par jour", Cue::Unit, 3.0),
    ("par heure", Cue::Unit, 3.0),
    ("par stagiaire", Cue::Unit, 3.0),
    ("par participant", Cue::Unit, 3.0),
    ("par personne", Cue::Unit, 3.0),
    ("par apprenant", Cue::Unit, 3.0),
    ("par salarie", Cue::Unit, 3.0),
    ("par session", Cue::Unit, 2.0),
    ("par mois", Cue::Unit, 3.0),
    ("unitaire", Cue::Unit, 3.0),
    ("pu", Cue::Unit, 2.5),
    ("p u", Cue::Unit, 2.5),
    ("jour", Cue::Unit, 1.5),
    ("heure", Cue::Unit, 1.5),
    ("j", Cue::Unit, 1.0),
    ("h", Cue::Unit, 1.0),
    ("taux horaire", Cue::Unit, 3.0),
    ("cout horaire", Cue::Unit, 3.0),
    // English, as foreign providers and e-invoicing tools print it (Factur-X's English
    // rendering: "Net total", "Tax Total", "Total", "Residual").
    ("net total", Cue::Ht, 2.5),
    ("subtotal", Cue::Ht, 1.5),
    ("excl* tax*", Cue::Ht, 3.0),
    ("excl* vat", Cue::Ht, 3.0),
    ("w o tax*", Cue::Ht, 3.0),
    ("before tax*", Cue::Ht, 3.0),
    ("incl* tax*", Cue::Ttc, 3.0),
    ("incl* vat", Cue::Ttc, 3.0),
    ("grand total", Cue::Ttc, 1.5),
    ("amount due", Cue::Due, 2.5),
    ("balance due", Cue::Due, 2.5),
    ("to pay", Cue::Due, 2.0),
    ("residual", Cue::Balance, 3.0),
    ("remaining", Cue::Balance, 3.0),
    ("deposit*", Cue::Deposit, 3.0),
    ("already paid", Cue::Deposit, 3.0),
    ("unit price", Cue::Unit, 3.0),
    ("per day", Cue::Unit, 3.0),
    ("per hour", Cue::Unit, 3.0),
    ("amount", Cue::Total, 0.8),
    ("price", Cue::Total, 0.8),
    ("discount", Cue::Other, 3.0),
    // Never a total.
    ("remise", Cue::Other, 3.0),
    ("escompte", Cue::Other, 3.0),
    ("reduction", Cue::Other, 3.0),
    ("capital", Cue::Other, 3.0),
    ("penalite*", Cue::Other, 3.0),
    ("indemnite*", Cue::Other, 3.0),
    ("frais de recouvrement", Cue::Other, 3.0),
    ("frais de dossier", Cue::Other, 2.0),
    ("frais annexes", Cue::Other, 2.0),
    // An exemption cites an article ("art. 261-4-4° a du CGI", "article 293 B"): its numbers
    // are no amounts.
    ("art", Cue::Other, 3.0),
    ("article", Cue::Other, 3.0),
    ("cgi", Cue::Other, 3.0),
    ("non applicable", Cue::Other, 3.0),
    ("exonere*", Cue::Other, 3.0),
    ("exoneration", Cue::Other, 3.0),
    ("dont", Cue::Part, 1.0),
];

/// What a document's title says it is: one of the pieces, or a document that resembles a
/// piece but is none (an attestation, a convocation, terms of sale, a catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Titled {
    Piece(DocumentKind),
    LookAlike,
}

/// Names of document types as they head a document. The first one met in the title lines
/// (reading order) is the document's own type; a look-alike type there takes the document
/// out of every kind, whatever vocabulary its body shares with a piece (an attestation
/// d'inscription lists objectives and a duration like a programme). Weights are unused
/// (the first name met decides); longer stems win ("certificat de realisation" is no
/// Qualiopi certificate, "programme de certification" is one's wording, not a programme).
pub(crate) const DOCUMENT_TYPES: &[(&str, Titled, f64)] = {
    use DocumentKind::*;
    use Titled::*;
    &[
        ("devis", Piece(Quote), 1.0),
        ("proposition commerciale", Piece(Quote), 1.0),
        ("proposition de formation", Piece(Quote), 1.0),
        ("proposition financiere", Piece(Quote), 1.0),
        ("proposition tarifaire", Piece(Quote), 1.0),
        ("convention", Piece(Quote), 1.0),
        ("contrat de formation", Piece(Quote), 1.0),
        ("contrat de prestation", Piece(Quote), 1.0),
        ("offre de prix", Piece(Quote), 1.0),
        ("offre commerciale", Piece(Quote), 1.0),
        ("bon de commande", Piece(Quote), 1.0),
        ("facture", Piece(Invoice), 1.0),
        ("invoice", Piece(Invoice), 1.0),
        ("programme", Piece(Programme), 1.0),
        ("fiche programme", Piece(Programme), 1.0),
        ("fiche formation", Piece(Programme), 1.0),
        ("fiche pedagogique", Piece(Programme), 1.0),
        ("plan de cours", Piece(Programme), 1.0),
        ("syllabus", Piece(Programme), 1.0),
        (
            "programme de certification",
            Piece(QualiopiCertificate),
            1.0,
        ),
        ("certificat", Piece(QualiopiCertificate), 1.0),
        // Certifiers also title the certificate an attestation ("Attestation de certification
        // Qualiopi"); the body's cues (number, categories, validity) still decide.
        (
            "attestation* de certification*",
            Piece(QualiopiCertificate),
            1.0,
        ),
        ("certificate", Piece(QualiopiCertificate), 1.0),
        ("emargement", Piece(AttendanceSheet), 1.0),
        ("feuille* de presence*", Piece(AttendanceSheet), 1.0),
        ("liste* de presence*", Piece(AttendanceSheet), 1.0),
        ("releve* de presence*", Piece(AttendanceSheet), 1.0),
        ("registre de presence*", Piece(AttendanceSheet), 1.0),
        // A qualifier may sit between the noun and "présence" ("fiche individuelle de
        // présence", "feuille hebdomadaire de présence"): `*` is any one word.
        ("fiche* de presence*", Piece(AttendanceSheet), 1.0),
        ("feuille* * de presence*", Piece(AttendanceSheet), 1.0),
        ("fiche* * de presence*", Piece(AttendanceSheet), 1.0),
        ("liste* * de presence*", Piece(AttendanceSheet), 1.0),
        ("releve* * de presence*", Piece(AttendanceSheet), 1.0),
        // A per-trainee attendance record signed session by session is a sign-in record;
        // the body's cues (sessions, signatures) decide.
        ("attestation* de presence*", Piece(AttendanceSheet), 1.0),
        ("releve* * signature*", Piece(AttendanceSheet), 1.0),
        ("feuille* * signature*", Piece(AttendanceSheet), 1.0),
        ("registre* * signature*", Piece(AttendanceSheet), 1.0),
        // The certificat de réalisation (contract v1.1) and its providers' names for it.
        (
            "certificat de realisation",
            Piece(CompletionCertificate),
            1.0,
        ),
        (
            "attestation* d assiduite",
            Piece(CompletionCertificate),
            1.0,
        ),
        (
            "attestation* de realisation",
            Piece(CompletionCertificate),
            1.0,
        ),
        // A distance-learning platform's connection record (contract v1.1).
        ("releve* de connexion*", Piece(ConnectionLog), 1.0),
        ("releve* des connexion*", Piece(ConnectionLog), 1.0),
        ("journal * connexion*", Piece(ConnectionLog), 1.0),
        ("historique * connexion*", Piece(ConnectionLog), 1.0),
        ("rapport * connexion*", Piece(ConnectionLog), 1.0),
        ("suivi * connexion*", Piece(ConnectionLog), 1.0),
        ("export * connexion*", Piece(ConnectionLog), 1.0),
        // Look-alikes. An attestation (d'inscription, d'entrée, de fin de formation, a
        // label's) is not among the kinds read.
        ("attestation", LookAlike, 1.0),
        ("certificat de scolarite", LookAlike, 1.0),
        ("convocation", LookAlike, 1.0),
        ("conditions generales", LookAlike, 1.0),
        ("reglement interieur", LookAlike, 1.0),
        ("catalogue", LookAlike, 1.0),
        ("calendrier", LookAlike, 1.0),
        ("planning", LookAlike, 1.0),
        ("plaquette", LookAlike, 1.0),
        ("brochure", LookAlike, 1.0),
        ("livret d accueil", LookAlike, 1.0),
        ("nos formations", LookAlike, 1.0),
        ("offre de formations", LookAlike, 1.0),
        ("charte", LookAlike, 1.0),
        ("politique de confidentialite", LookAlike, 1.0),
        ("mentions legales", LookAlike, 1.0),
        ("relance", LookAlike, 1.0),
        // A credit note cancels an invoice; a funder's payment notice or remittance advice
        // quotes one. Neither is the provider's invoice.
        ("avoir", LookAlike, 1.0),
        ("facture d avoir", LookAlike, 1.0),
        ("note de credit", LookAlike, 1.0),
        ("avis de paiement", LookAlike, 1.0),
        ("avis de virement", LookAlike, 1.0),
        ("avis de reglement", LookAlike, 1.0),
        ("releve de reglement*", LookAlike, 1.0),
        ("bordereau de paiement", LookAlike, 1.0),
        // A customer's account statement lists invoices, payments and credit notes with
        // their balance: it quotes invoices, it is none.
        ("releve* de compte*", LookAlike, 1.0),
        ("releve* client*", LookAlike, 1.0),
        ("extrait* de compte*", LookAlike, 1.0),
        ("situation* de compte*", LookAlike, 1.0),
        ("etat* de compte*", LookAlike, 1.0),
        ("releve* de facture*", LookAlike, 1.0),
        // A letter's salutation before any type is named: a letter about a piece (the
        // provider announcing its Qualiopi renewal) is not the piece.
        ("madame monsieur", LookAlike, 1.0),
        ("cher client", LookAlike, 1.0),
        ("chere cliente", LookAlike, 1.0),
        ("rappel de paiement", LookAlike, 1.0),
        ("bon de livraison", LookAlike, 1.0),
    ]
};

/// Words that open the legal-notice part of a line ("MELODIE DES SENS SIRET : … EURL au
/// capital de …", "Cap Formation – RCS Brest …"): a name that starts such a line ends where
/// the first of them begins. The unit cue is unused (presence decides).
pub(crate) const LEGAL_NOTICE: &[(&str, (), f64)] = &[
    ("siret", (), 1.0),
    ("siren", (), 1.0),
    ("rcs", (), 1.0),
    ("r c s", (), 1.0),
    ("nda", (), 1.0),
    ("n tva", (), 1.0),
    ("tva intracom*", (), 1.0),
    ("numero de tva", (), 1.0),
    ("numero de declaration", (), 1.0),
    ("declaration d activite", (), 1.0),
    ("enregistre sous", (), 1.0),
    ("au capital", (), 1.0),
    ("capital social", (), 1.0),
    ("code naf", (), 1.0),
    ("naf", (), 1.0),
    ("code ape", (), 1.0),
    ("ape", (), 1.0),
    ("tel", (), 1.0),
    ("telephone", (), 1.0),
    ("adresse", (), 1.0),
    ("siege social", (), 1.0),
    ("email", (), 1.0),
    ("mail", (), 1.0),
    ("courriel", (), 1.0),
];

/// Nouns that name a training action in running text; a name in quotation marks right after
/// one of them is the training's title ("la formation dénommée « … »").
pub(crate) const TRAINING_NOUNS: &[&str] = &[
    "formation",
    "formations",
    "stage",
    "action",
    "module",
    "session",
    "parcours",
    "cursus",
    "programme",
    "prestation",
    "atelier",
    "seminaire",
    "certification",
];

/// Words that head a table's columns rather than state a value: a row "Formation | Dates"
/// is a header, not the key "Formation" with the value "Dates". (The totals' words, from
/// [`TOTALS`], head columns too.)
pub(crate) const COLUMN_HEADS: &[(&str, (), f64)] = &[
    ("date*", (), 1.0),
    ("duree*", (), 1.0),
    ("heure*", (), 1.0),
    ("horaire*", (), 1.0),
    ("quantite*", (), 1.0),
    ("qte", (), 1.0),
    ("nombre", (), 1.0),
    ("designation*", (), 1.0),
    ("libelle*", (), 1.0),
    ("reference*", (), 1.0),
    ("lieu*", (), 1.0),
    ("signature*", (), 1.0),
    // Who teaches: a sign-in sheet's column and a form's label ("Formatrice : …").
    ("formateur*", (), 1.0),
    ("formatrice*", (), 1.0),
    ("intervenant*", (), 1.0),
    ("intervenante*", (), 1.0),
    // A programme's table heads ("Module | Objectifs pédagogiques", "Formation | Public visé").
    ("contenu*", (), 1.0),
    ("objectif*", (), 1.0),
    ("programme*", (), 1.0),
    ("descriptif*", (), 1.0),
    ("modalite*", (), 1.0),
    ("methode*", (), 1.0),
    ("public*", (), 1.0),
    ("prerequis", (), 1.0),
    ("tarif*", (), 1.0),
    ("cout*", (), 1.0),
    ("observation*", (), 1.0),
    ("commentaire*", (), 1.0),
];

/// A cue found in a context, with the index of its first word in that context.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CueMatch<C = Cue> {
    pub(crate) cue: C,
    pub(crate) weight: f64,
    /// Index of the cue's first word among the context's words.
    pub(crate) word: usize,
}

/// The words of a folded text: runs of letters and digits.
pub(crate) fn words(folded: &str) -> Vec<&str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

fn word_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => pattern == word,
    }
}

/// The cues of `lexicon` in `words`, longest stems first, each word used by one cue at most.
pub(crate) fn cues<C: Copy>(lexicon: &[(&str, C, f64)], words: &[&str]) -> Vec<CueMatch<C>> {
    let mut stems: Vec<(Vec<&str>, C, f64)> = lexicon
        .iter()
        .map(|(stem, cue, weight)| (stem.split(' ').collect(), *cue, *weight))
        .collect();
    stems.sort_by(|a, b| b.0.len().cmp(&a.0.len()));
    let mut used = vec![false; words.len()];
    let mut out = Vec::new();
    for (stem, cue, weight) in &stems {
        if stem.len() > words.len() {
            continue;
        }
        for start in 0..=words.len() - stem.len() {
            let span = start..start + stem.len();
            if used[span.clone()].iter().any(|u| *u) {
                continue;
            }
            if stem
                .iter()
                .zip(&words[span.clone()])
                .all(|(p, w)| word_matches(p, w))
            {
                used[span].iter_mut().for_each(|u| *u = true);
                out.push(CueMatch {
                    cue: *cue,
                    weight: *weight,
                    word: start,
                });
            }
        }
    }
    out.sort_by_key(|m| m.word);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue_list(text: &str) -> Vec<Cue> {
        let folded = crate::view::fold(text).0;
        cues(TOTALS, &words(&folded))
            .into_iter()
            .map(|m| m.cue)
            .collect()
    }

    #[test]
    fn longest_stem_wins_and_consumes_its_words() {
        let cases: &[(&str, &[Cue])] = &[
            ("Total toutes taxes comprises", &[Cue::Total, Cue::Ttc]),
            ("Montant hors taxes", &[Cue::Total, Cue::Ht]),
            ("Total H.T.", &[Cue::Total, Cue::Ht]),
            ("Total taxes", &[Cue::Vat]),
            ("TVA 20 % sur", &[Cue::Vat, Cue::Base]),
            (
                "Total TTC (dont TVA",
                &[Cue::Total, Cue::Ttc, Cue::Part, Cue::Vat],
            ),
            ("Reste à payer", &[Cue::Balance]),
            ("Net à payer", &[Cue::Due]),
            ("Acompte versé", &[Cue::Deposit]),
            ("Prix par jour", &[Cue::Total, Cue::Unit]),
        ];
        for (text, want) in cases {
            assert_eq!(cue_list(text), *want, "{text}");
        }
    }
}
