//! Strict decimal strings for `dossier.json`: `"3430.00"` is an amount, `3430.0` is an error
//! naming the field, because a float cannot carry cents faithfully.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, de::Error};

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Number(serde_json::Number),
    }
    match Raw::deserialize(deserializer)? {
        Raw::Text(text) => {
            let trimmed = text.trim();
            let plain = !trimmed.is_empty()
                && trimmed
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
            if !plain {
                return Err(D::Error::custom(format!(
                    "\"{text}\" is not a decimal string such as \"3430.00\""
                )));
            }
            Decimal::from_str(trimmed).map_err(|_| {
                D::Error::custom(format!(
                    "\"{text}\" is not a decimal string such as \"3430.00\""
                ))
            })
        }
        Raw::Number(n) => Err(D::Error::custom(format!(
            "expected a decimal string such as \"{n}\", found the number {n}"
        ))),
    }
}
