//! Why this exists: every detector works on the same view of a caption — words, numbers, hashtags
//! and punctuation with their positions in *characters* (what a phone's text field counts), their
//! folded form (lower case, no accents) for dictionary look-ups, and the little context that
//! decides most traps: capitalised or not, first word of a sentence or not.
//!
//! Tokenising never fails: any string, including unassigned code points, lone combining marks and
//! right-to-left text, becomes tokens or is skipped as space.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    /// Letters, possibly mixed with digits ("Mamer", "6th", "SW1A").
    Word,
    /// Digits only.
    Number,
    /// `#` followed by letters/digits/underscores; `folded` holds the text without `#`.
    Hashtag,
    /// `@` followed by a handle; `folded` holds the text without `@`.
    Mention,
    /// Any other single visible character (punctuation, emoji, symbols).
    Punct(char),
}

/// One token of a caption.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub kind: TokKind,
    /// Char offset of the first char (inclusive).
    pub start: usize,
    /// Char offset after the last char (exclusive).
    pub end: usize,
    /// Byte range in the caption, for slicing the original text.
    pub bstart: usize,
    pub bend: usize,
    /// Lower case, accents removed (see [`fold`]).
    pub folded: String,
    /// First letter upper case.
    pub cap: bool,
    /// Whitespace (or the start of text) right before this token.
    pub space_before: bool,
    /// First word of the caption or of a sentence (after . ! ? newline or an emoji).
    pub sentence_start: bool,
}

impl Token {
    pub fn is_word(&self) -> bool {
        self.kind == TokKind::Word
    }
    pub fn is_number(&self) -> bool {
        self.kind == TokKind::Number
    }
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == TokKind::Punct(c)
    }
    /// The original text of the token.
    pub fn text<'a>(&self, caption: &'a str) -> &'a str {
        caption.get(self.bstart..self.bend).unwrap_or("")
    }
    /// Value of a number token of at most 4 digits.
    pub fn small_number(&self) -> Option<u32> {
        if self.kind == TokKind::Number && self.folded.len() <= 4 {
            self.folded.parse().ok()
        } else {
            None
        }
    }
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining(c)
}

/// Appends the folded form of one char: lower case, Latin diacritics removed, ligatures spelled
/// out, combining marks dropped (so decomposed and precomposed input fold alike).
fn push_folded(c: char, out: &mut String) {
    if is_combining(c) {
        return;
    }
    for l in c.to_lowercase() {
        let base = match l {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => 'c',
            'ď' | 'đ' => 'd',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'ĕ' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' | 'ĩ' => 'i',
            'ñ' | 'ń' | 'ň' | 'ņ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' | 'ũ' => 'u',
            'ý' | 'ÿ' => 'y',
            'ś' | 'š' | 'ş' | 'ș' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ł' | 'ľ' | 'ĺ' | 'ļ' => 'l',
            'ř' | 'ŕ' => 'r',
            'ť' | 'ţ' | 'ț' => 't',
            'ğ' | 'ģ' => 'g',
            'ķ' => 'k',
            'ß' => {
                out.push_str("ss");
                continue;
            }
            'æ' => {
                out.push_str("ae");
                continue;
            }
            'œ' => {
                out.push_str("oe");
                continue;
            }
            'þ' => {
                out.push_str("th");
                continue;
            }
            '\u{2019}' | '\'' | '-' | '\u{2010}' | '\u{2011}' => ' ',
            other => other,
        };
        out.push(base);
    }
}

/// Folds a phrase for dictionary look-up: lower case, no accents, hyphens and apostrophes as
/// single spaces ("Esch-sur-Alzette" → "esch sur alzette", "Köln" → "koln").
pub(crate) fn fold(s: &str) -> String {
    let mut raw = String::with_capacity(s.len());
    for c in s.chars() {
        push_folded(c, &mut raw);
    }
    let mut out = String::with_capacity(raw.len());
    for w in raw.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn is_sentence_break(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\n' | '…' | '|' | '•' | '¡' | '¿')
        || (!c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace() && !is_combining(c))
}

/// Splits a caption into tokens with char and byte offsets.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let byte_at = |i: usize| if i < n { chars[i].0 } else { text.len() };
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    let mut space_before = true;
    let mut sentence_start = true;
    while i < n {
        let c = chars[i].1;
        if c.is_whitespace() {
            if c == '\n' {
                sentence_start = true;
            }
            space_before = true;
            i += 1;
            continue;
        }
        let start = i;
        let kind;
        if (c == '#' || c == '@' || c == '＃') && i + 1 < n && is_word_char(chars[i + 1].1) {
            let mut j = i + 1;
            while j < n
                && (is_word_char(chars[j].1)
                    || chars[j].1 == '_'
                    || (c == '@' && chars[j].1 == '.' && j + 1 < n && is_word_char(chars[j + 1].1)))
            {
                j += 1;
            }
            kind = if c == '@' {
                TokKind::Mention
            } else {
                TokKind::Hashtag
            };
            i = j;
        } else if is_word_char(c) && !is_combining(c) || (is_combining(c) && !out.is_empty()) {
            let mut j = i;
            let mut all_digits = true;
            while j < n && is_word_char(chars[j].1) {
                if !chars[j].1.is_ascii_digit() {
                    all_digits = false;
                }
                j += 1;
            }
            kind = if all_digits {
                TokKind::Number
            } else {
                TokKind::Word
            };
            i = j;
        } else {
            kind = TokKind::Punct(c);
            i += 1;
        }
        let bstart = byte_at(start);
        let bend = byte_at(i);
        let slice = text.get(bstart..bend).unwrap_or("");
        let body = match kind {
            TokKind::Hashtag | TokKind::Mention => slice.get(1..).unwrap_or(""),
            _ => slice,
        };
        let folded = match kind {
            TokKind::Punct(p) => p.to_string(),
            _ => fold(body),
        };
        let cap = body.chars().next().is_some_and(char::is_uppercase);
        let is_break = matches!(kind, TokKind::Punct(p) if is_sentence_break(p));
        out.push(Token {
            kind,
            start,
            end: i,
            bstart,
            bend,
            folded,
            cap,
            space_before,
            sentence_start: sentence_start && !matches!(kind, TokKind::Punct(_)),
        });
        if is_break {
            sentence_start = true;
        } else if !matches!(
            kind,
            TokKind::Punct('"' | '\'' | '(' | '«' | '“' | '„' | '‘' | '*' | '-' | '–' | '—' | ':')
        ) {
            sentence_start = false;
        }
        space_before = false;
    }
    out
}

/// Number of chars in `s` (offsets in reports are char offsets).
pub(crate) fn char_len(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_accents_and_joins_hyphens() {
        assert_eq!(fold("Esch-sur-Alzette"), "esch sur alzette");
        assert_eq!(fold("Köln"), "koln");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("e\u{301}cole"), "ecole");
        assert_eq!(fold("École"), "ecole");
    }

    #[test]
    fn tokens_carry_char_offsets_and_context() {
        let t = tokenize("Élodie, 6 ans 🎉 Fête à #Mamer!");
        let words: Vec<_> = t
            .iter()
            .map(|t| (t.folded.as_str(), t.start, t.end))
            .collect();
        assert_eq!(words[0], ("elodie", 0, 6));
        assert_eq!(words[2], ("6", 8, 9));
        let fete = t.iter().find(|t| t.folded == "fete").expect("token");
        assert!(fete.sentence_start && fete.cap);
        let tag = t
            .iter()
            .find(|t| t.kind == TokKind::Hashtag)
            .expect("hashtag");
        assert_eq!((tag.folded.as_str(), tag.start, tag.end), ("mamer", 23, 29));
    }
}
