//! Rulebook loading. The rules themselves are tested end to end on fixture dossiers
//! (`tests/` of `dossier-cli`), where each rule has a dossier that fires it.

use super::*;

#[test]
fn the_built_in_rulebook_loads_and_covers_every_rule() {
    let book = Rulebook::built_in();
    assert_eq!(book.id, "opco2i-2026");
    for id in RULE_IDS {
        assert!(book.severities.contains_key(id), "{id}");
    }
}

#[test]
fn a_rulebook_without_a_severity_is_refused() {
    let text =
        include_str!("../rulebooks/opco2i-2026.toml").replace("nda_missing = \"warning\"\n", "");
    assert!(
        matches!(Rulebook::from_toml(&text), Err(RulebookError::MissingSeverity(id)) if id == "nda_missing")
    );
}
