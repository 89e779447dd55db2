//! Simple-font encodings: WinAnsi, MacRoman and Standard tables, Differences arrays, and the
//! glyph names of the Adobe Glyph List that Latin-script documents use.
//!
//! Only what French documents need is tabulated; an unknown glyph name decodes to nothing
//! rather than to a guess, so a page whose fonts cannot be decoded looks empty and is sent to
//! OCR instead of feeding garbage to the extractors.

/// Glyph names of WinAnsiEncoding for codes 0x20..=0xFF (`""` where the code is undefined).
const WIN_ANSI_NAMES: [&str; 224] = [
    "space",
    "exclam",
    "quotedbl",
    "numbersign",
    "dollar",
    "percent",
    "ampersand",
    "quotesingle",
    "parenleft",
    "parenright",
    "asterisk",
    "plus",
    "comma",
    "hyphen",
    "period",
    "slash",
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "colon",
    "semicolon",
    "less",
    "equal",
    "greater",
    "question",
    "at",
    "A",
    "B",
    "C",
    "D",
    "E",
    "F",
    "G",
    "H",
    "I",
    "J",
    "K",
    "L",
    "M",
    "N",
    "O",
    "P",
    "Q",
    "R",
    "S",
    "T",
    "U",
    "V",
    "W",
    "X",
    "Y",
    "Z",
    "bracketleft",
    "backslash",
    "bracketright",
    "asciicircum",
    "underscore",
    "grave",
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "v",
    "w",
    "x",
    "y",
    "z",
    "braceleft",
    "bar",
    "braceright",
    "asciitilde",
    "",
    // 0x80
    "Euro",
    "",
    "quotesinglbase",
    "florin",
    "quotedblbase",
    "ellipsis",
    "dagger",
    "daggerdbl",
    "circumflex",
    "perthousand",
    "Scaron",
    "guilsinglleft",
    "OE",
    "",
    "Zcaron",
    "",
    "",
    "quoteleft",
    "quoteright",
    "quotedblleft",
    "quotedblright",
    "bullet",
    "endash",
    "emdash",
    "tilde",
    "trademark",
    "scaron",
    "guilsinglright",
    "oe",
    "",
    "zcaron",
    "Ydieresis",
    // 0xA0
    "nbspace",
    "exclamdown",
    "cent",
    "sterling",
    "currency",
    "yen",
    "brokenbar",
    "section",
    "dieresis",
    "copyright",
    "ordfeminine",
    "guillemotleft",
    "logicalnot",
    "hyphen",
    "registered",
    "macron",
    "degree",
    "plusminus",
    "twosuperior",
    "threesuperior",
    "acute",
    "mu",
    "paragraph",
    "periodcentered",
    "cedilla",
    "onesuperior",
    "ordmasculine",
    "guillemotright",
    "onequarter",
    "onehalf",
    "threequarters",
    "questiondown",
    "Agrave",
    "Aacute",
    "Acircumflex",
    "Atilde",
    "Adieresis",
    "Aring",
    "AE",
    "Ccedilla",
    "Egrave",
    "Eacute",
    "Ecircumflex",
    "Edieresis",
    "Igrave",
    "Iacute",
    "Icircumflex",
    "Idieresis",
    "Eth",
    "Ntilde",
    "Ograve",
    "Oacute",
    "Ocircumflex",
    "Otilde",
    "Odieresis",
    "multiply",
    "Oslash",
    "Ugrave",
    "Uacute",
    "Ucircumflex",
    "Udieresis",
    "Yacute",
    "Thorn",
    "germandbls",
    "agrave",
    "aacute",
    "acircumflex",
    "atilde",
    "adieresis",
    "aring",
    "ae",
    "ccedilla",
    "egrave",
    "eacute",
    "ecircumflex",
    "edieresis",
    "igrave",
    "iacute",
    "icircumflex",
    "idieresis",
    "eth",
    "ntilde",
    "ograve",
    "oacute",
    "ocircumflex",
    "otilde",
    "odieresis",
    "divide",
    "oslash",
    "ugrave",
    "uacute",
    "ucircumflex",
    "udieresis",
    "yacute",
    "thorn",
    "ydieresis",
];

/// MacRomanEncoding, codes 0x80..=0xFF.
const MAC_ROMAN_HIGH: &str = "ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø¿¡¬√ƒ≈∆«»…\u{a0}ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\u{f8ff}ÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ";

/// StandardEncoding differences from ASCII, as (code, char).
const STANDARD_HIGH: &[(u8, char)] = &[
    (0x27, '’'),
    (0x60, '‘'),
    (0xA1, '¡'),
    (0xA2, '¢'),
    (0xA3, '£'),
    (0xA4, '⁄'),
    (0xA5, '¥'),
    (0xA6, 'ƒ'),
    (0xA7, '§'),
    (0xA8, '¤'),
    (0xA9, '\''),
    (0xAA, '“'),
    (0xAB, '«'),
    (0xAC, '‹'),
    (0xAD, '›'),
    (0xAE, 'ﬁ'),
    (0xAF, 'ﬂ'),
    (0xB1, '–'),
    (0xB2, '†'),
    (0xB3, '‡'),
    (0xB4, '·'),
    (0xB6, '¶'),
    (0xB7, '•'),
    (0xB8, '‚'),
    (0xB9, '„'),
    (0xBA, '”'),
    (0xBB, '»'),
    (0xBC, '…'),
    (0xBD, '‰'),
    (0xBF, '¿'),
    (0xC1, '`'),
    (0xC2, '´'),
    (0xC3, 'ˆ'),
    (0xC4, '˜'),
    (0xC5, '¯'),
    (0xC6, '˘'),
    (0xC7, '˙'),
    (0xC8, '¨'),
    (0xCA, '˚'),
    (0xCB, '¸'),
    (0xCD, '˝'),
    (0xCE, '˛'),
    (0xCF, 'ˇ'),
    (0xD0, '—'),
    (0xE1, 'Æ'),
    (0xE3, 'ª'),
    (0xE8, 'Ł'),
    (0xE9, 'Ø'),
    (0xEA, 'Œ'),
    (0xEB, 'º'),
    (0xF1, 'æ'),
    (0xF5, 'ı'),
    (0xF8, 'ł'),
    (0xF9, 'ø'),
    (0xFA, 'œ'),
    (0xFB, 'ß'),
];

/// A base encoding a simple font may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BaseEncoding {
    WinAnsi,
    MacRoman,
    Standard,
}

impl BaseEncoding {
    pub(crate) fn from_name(name: &[u8]) -> Option<BaseEncoding> {
        match name {
            b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
            b"MacRomanEncoding" => Some(BaseEncoding::MacRoman),
            b"StandardEncoding" => Some(BaseEncoding::Standard),
            // PDFDocEncoding and MacExpert are rare in fonts; WinAnsi is the closest safe reading.
            _ => None,
        }
    }

    /// The 256-entry code table of this encoding.
    pub(crate) fn table(self) -> [Option<char>; 256] {
        let mut table = [None; 256];
        for (code, slot) in table.iter_mut().enumerate().take(0x7F).skip(0x20) {
            *slot = char::from_u32(code as u32);
        }
        match self {
            BaseEncoding::WinAnsi => {
                for (i, name) in WIN_ANSI_NAMES.iter().enumerate() {
                    if let Some(c) = glyph_name_to_char(name) {
                        table[i + 0x20] = Some(c);
                    }
                }
            }
            BaseEncoding::MacRoman => {
                for (i, c) in MAC_ROMAN_HIGH.chars().enumerate() {
                    table[0x80 + i] = Some(c);
                }
            }
            BaseEncoding::Standard => {
                for (code, c) in STANDARD_HIGH {
                    table[*code as usize] = Some(*c);
                }
            }
        }
        table
    }
}

/// Maps a glyph name to its character: Adobe Glyph List names used by Latin text, and the
/// `uniXXXX` / `uXXXX` conventions. Suffixes such as `.sc` or `.alt` are ignored.
pub(crate) fn glyph_name_to_char(name: &str) -> Option<char> {
    let base = name.split('.').next().unwrap_or(name);
    if base.is_empty() {
        return None;
    }
    if let Some(hex) = base.strip_prefix("uni") {
        if hex.len() >= 4 {
            return u32::from_str_radix(&hex[..4], 16)
                .ok()
                .and_then(char::from_u32);
        }
    }
    if let Some(hex) = base.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
        }
    }
    let extra = match base {
        "fi" => Some('ﬁ'),
        "fl" => Some('ﬂ'),
        "ff" => Some('ﬀ'),
        "ffi" => Some('ﬃ'),
        "ffl" => Some('ﬄ'),
        "minus" => Some('−'),
        "fraction" => Some('⁄'),
        "dotlessi" => Some('ı'),
        "Lslash" => Some('Ł'),
        "lslash" => Some('ł'),
        "nonbreakingspace" | "nbspace" => Some('\u{a0}'),
        "sfthyphen" | "softhyphen" => Some('-'),
        "quotesingle" => Some('\''),
        "grave" => Some('`'),
        "space" => Some(' '),
        "hyphen" => Some('-'),
        "afii61664" => Some('\u{200C}'),
        "mu" | "mu1" => Some('µ'),
        "Delta" => Some('∆'),
        "Omega" => Some('Ω'),
        "checkmark" => Some('✓'),
        _ => None,
    };
    if extra.is_some() {
        return extra;
    }
    if base.len() == 1 {
        return base.chars().next();
    }
    let index = WIN_ANSI_NAMES.iter().position(|n| *n == base)?;
    let code = (index + 0x20) as u32;
    match code {
        0x20..=0x7E | 0xA0..=0xFF => char::from_u32(code),
        _ => win_ansi_high(code as u8),
    }
}

fn win_ansi_high(code: u8) -> Option<char> {
    let c = match code {
        0x80 => '€',
        0x82 => '‚',
        0x83 => 'ƒ',
        0x84 => '„',
        0x85 => '…',
        0x86 => '†',
        0x87 => '‡',
        0x88 => 'ˆ',
        0x89 => '‰',
        0x8A => 'Š',
        0x8B => '‹',
        0x8C => 'Œ',
        0x8E => 'Ž',
        0x91 => '‘',
        0x92 => '’',
        0x93 => '“',
        0x94 => '”',
        0x95 => '•',
        0x96 => '–',
        0x97 => '—',
        0x98 => '˜',
        0x99 => '™',
        0x9A => 'š',
        0x9B => '›',
        0x9C => 'œ',
        0x9E => 'ž',
        0x9F => 'Ÿ',
        _ => return None,
    };
    Some(c)
}

/// Advance widths (per 1000 em) of Helvetica for ASCII, used when a standard font is not
/// embedded and carries no `/Widths`. Other characters take 556, Helvetica's digit width.
pub(crate) fn helvetica_width(c: char) -> f32 {
    const ASCII: [u16; 95] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
        722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
        556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
        500, 334, 260, 334, 584,
    ];
    let code = c as u32;
    if (0x20..0x7F).contains(&code) {
        f32::from(ASCII[(code - 0x20) as usize])
    } else {
        556.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn win_ansi_decodes_euro_and_accents() {
        let table = BaseEncoding::WinAnsi.table();
        assert_eq!(table[0x80], Some('€'));
        assert_eq!(table[0xE9], Some('é'));
        assert_eq!(table[0x92], Some('’'));
        assert_eq!(table[0x41], Some('A'));
    }

    #[test]
    fn mac_roman_has_128_high_codes() {
        assert_eq!(MAC_ROMAN_HIGH.chars().count(), 128);
        assert_eq!(BaseEncoding::MacRoman.table()[0x8E], Some('é'));
    }

    #[test]
    fn glyph_names_resolve() {
        assert_eq!(glyph_name_to_char("eacute"), Some('é'));
        assert_eq!(glyph_name_to_char("uni20AC"), Some('€'));
        assert_eq!(glyph_name_to_char("Euro"), Some('€'));
        assert_eq!(glyph_name_to_char("a.sc"), Some('a'));
        assert_eq!(glyph_name_to_char("g123"), None);
    }
}
