//! ToUnicode CMaps: the table from character codes to Unicode text that a font carries.
//!
//! Only the parts a ToUnicode CMap uses are parsed (`codespacerange`, `bfchar`, `bfrange`),
//! tolerantly: a malformed entry is skipped, never fatal, and ranges are bounded so a crafted
//! CMap cannot allocate without limit.

use std::borrow::Cow;
use std::collections::HashMap;

/// Most entries a single CMap may define; real fonts stay far below.
const MAX_ENTRIES: usize = 1 << 17;

#[derive(Debug, Default, Clone)]
pub(crate) struct ToUnicode {
    map: HashMap<u32, String>,
    /// Incrementing `bfrange` entries, kept as ranges: expanding a `<0000> <FFFF>` range
    /// would cost 65,536 allocations per font.
    ranges: Vec<(u32, u32, Vec<u8>)>,
    /// Codespace ranges as (byte length, low, high).
    codespace: Vec<(usize, u32, u32)>,
}

#[derive(Debug, PartialEq)]
enum Token {
    Hex(Vec<u8>),
    Open,
    Close,
    Word(String),
}

fn tokenize(data: &[u8]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        match b {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let start = i + 1;
                let mut end = start;
                while end < data.len() && data[end] != b'>' {
                    end += 1;
                }
                tokens.push(Token::Hex(decode_hex(&data[start..end])));
                i = end + 1;
            }
            b'[' => {
                tokens.push(Token::Open);
                i += 1;
            }
            b']' => {
                tokens.push(Token::Close);
                i += 1;
            }
            b'(' => {
                // Literal strings do not occur in ToUnicode entries we use; skip them.
                let mut depth = 0usize;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            _ if b.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < data.len()
                    && !data[i].is_ascii_whitespace()
                    && !matches!(data[i], b'<' | b'>' | b'[' | b']' | b'(' | b'%')
                {
                    i += 1;
                }
                if i == start {
                    i += 1;
                    continue;
                }
                tokens.push(Token::Word(
                    String::from_utf8_lossy(&data[start..i]).into_owned(),
                ));
            }
        }
    }
    tokens
}

fn decode_hex(digits: &[u8]) -> Vec<u8> {
    let nibbles: Vec<u8> = digits
        .iter()
        .filter_map(|d| (*d as char).to_digit(16).map(|v| v as u8))
        .collect();
    nibbles
        .chunks(2)
        .map(|pair| (pair[0] << 4) | pair.get(1).copied().unwrap_or(0))
        .collect()
}

fn code_value(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, b| (acc << 8) | u32::from(*b))
}

/// Destination bytes are UTF-16BE; a single byte is taken as Latin-1 (seen in buggy producers).
fn utf16_text(bytes: &[u8]) -> String {
    if bytes.len() == 1 {
        return char::from(bytes[0]).to_string();
    }
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|p| (u16::from(p[0]) << 8) | u16::from(p.get(1).copied().unwrap_or(0)))
        .collect();
    char::decode_utf16(units).filter_map(Result::ok).collect()
}

fn increment_text(bytes: &[u8], offset: u32) -> String {
    let mut bytes = bytes.to_vec();
    if bytes.len() >= 2 {
        let n = bytes.len();
        let last = (u32::from(bytes[n - 2]) << 8 | u32::from(bytes[n - 1])).wrapping_add(offset);
        bytes[n - 2] = (last >> 8) as u8;
        bytes[n - 1] = last as u8;
    } else if let Some(b) = bytes.last_mut() {
        *b = b.wrapping_add(offset as u8);
    }
    utf16_text(&bytes)
}

impl ToUnicode {
    pub(crate) fn parse(data: &[u8]) -> ToUnicode {
        let tokens = tokenize(data);
        let mut cmap = ToUnicode::default();
        let mut i = 0;
        while i < tokens.len() && cmap.map.len() < MAX_ENTRIES {
            match &tokens[i] {
                Token::Word(w) if w == "begincodespacerange" => {
                    i += 1;
                    while let (Some(Token::Hex(lo)), Some(Token::Hex(hi))) =
                        (tokens.get(i), tokens.get(i + 1))
                    {
                        cmap.codespace
                            .push((lo.len().max(1), code_value(lo), code_value(hi)));
                        i += 2;
                    }
                }
                Token::Word(w) if w == "beginbfchar" => {
                    i += 1;
                    while let (Some(Token::Hex(src)), Some(Token::Hex(dst))) =
                        (tokens.get(i), tokens.get(i + 1))
                    {
                        cmap.map.insert(code_value(src), utf16_text(dst));
                        i += 2;
                    }
                }
                Token::Word(w) if w == "beginbfrange" => {
                    i += 1;
                    while let (Some(Token::Hex(lo)), Some(Token::Hex(hi))) =
                        (tokens.get(i), tokens.get(i + 1))
                    {
                        let (lo, hi) = (code_value(lo), code_value(hi));
                        let span = hi.saturating_sub(lo).min(0xFFFF);
                        match tokens.get(i + 2) {
                            Some(Token::Hex(dst)) => {
                                if cmap.ranges.len() < MAX_ENTRIES {
                                    cmap.ranges.push((lo, lo + span, dst.clone()));
                                }
                                i += 3;
                            }
                            Some(Token::Open) => {
                                i += 3;
                                let mut offset = 0;
                                while let Some(Token::Hex(dst)) = tokens.get(i) {
                                    if offset <= span {
                                        cmap.map.insert(lo + offset, utf16_text(dst));
                                    }
                                    offset += 1;
                                    i += 1;
                                }
                                if tokens.get(i) == Some(&Token::Close) {
                                    i += 1;
                                }
                            }
                            _ => i += 2,
                        }
                        if cmap.map.len() >= MAX_ENTRIES {
                            break;
                        }
                    }
                }
                _ => i += 1,
            }
        }
        cmap
    }

    pub(crate) fn lookup(&self, code: u32) -> Option<Cow<'_, str>> {
        if let Some(text) = self.map.get(&code) {
            return Some(Cow::Borrowed(text));
        }
        // Later ranges override earlier ones, as later CMap entries do.
        self.ranges
            .iter()
            .rev()
            .find(|(lo, hi, _)| (*lo..=*hi).contains(&code))
            .map(|(lo, _, dst)| Cow::Owned(increment_text(dst, code - lo)))
    }

    /// The byte length of the code starting at `bytes`, by the codespace ranges.
    pub(crate) fn code_length(&self, bytes: &[u8], default: usize) -> usize {
        for (len, lo, hi) in &self.codespace {
            if *len <= bytes.len() {
                let value = code_value(&bytes[..*len]);
                if (*lo..=*hi).contains(&value) {
                    return *len;
                }
            }
        }
        default
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.map.is_empty() && self.ranges.is_empty()
    }

    pub(crate) fn has_codespace(&self) -> bool {
        !self.codespace.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bfchar_and_both_bfrange_forms() {
        let data = b"/CIDInit /ProcSet findresource begin\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
            2 beginbfchar <0003> <0020> <0024> <00E9> endbfchar\n\
            2 beginbfrange <0010> <0012> <0041> <0020> <0021> [<FB01> <20AC>] endbfrange\nendcmap";
        let cmap = ToUnicode::parse(data);
        assert_eq!(cmap.lookup(0x24).as_deref(), Some("é"));
        assert_eq!(cmap.lookup(0x11).as_deref(), Some("B"));
        assert_eq!(cmap.lookup(0x20).as_deref(), Some("ﬁ"));
        assert_eq!(cmap.lookup(0x21).as_deref(), Some("€"));
        assert_eq!(cmap.code_length(&[0, 3], 1), 2);
    }

    #[test]
    fn garbage_does_not_panic() {
        let cmap = ToUnicode::parse(
            b"beginbfrange <00> <FFFFFFFF> <0041> beginbfchar <zz> endbfchar ((( [ <",
        );
        assert!(cmap.lookup(0x41).is_some() || cmap.lookup(0).is_some());
    }
}
