//! Why this exists: the detectors behind [`super::analyze_caption`], one function per finding
//! kind, and the assembly step that settles overlaps, raises severities when findings combine and
//! builds the safer caption.
//!
//! Every rule is written for the traps a parent's caption is full of: capitalised sentence starts
//! ("Nice weather", "Reading a book"), words that are also places or names ("Essen", "Orange",
//! "Will"), and words whose meaning depends on the language ("bad", "nu", "strand"). Place names
//! that are also everyday words need a locating word before them ("in Essen"); small places need
//! one too unless their name is unambiguous; words from another language only count when the
//! caption is in that language.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::data::Dictionaries;
use super::messages::msg;
use super::text::{char_len, TokKind, Token};
use super::{CaptionReport, CombinedRisk, Finding, FindingKind, Language, Rewrite, Severity};

const EN: u8 = 1;
const FR: u8 = 2;
const DE: u8 = 4;
const NL: u8 = 8;
const ANY: u8 = 0x0F;
/// Only when the caption was detected as (one of) the given language(s), never for unknown text.
const STRICT: u8 = 0x10;

/// What the detectors look at.
pub(crate) struct Ctx<'a> {
    pub text: &'a str,
    pub toks: &'a [Token],
    /// Bit mask of the languages whose rules run.
    pub active: u8,
    pub detected: Option<Language>,
    pub d: &'a Dictionaries,
}

/// A finding before overlaps are settled and severities combined.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    kind: FindingKind,
    severity: Severity,
    start: usize,
    end: usize,
    reason_id: &'static str,
    /// Char range and replacement id or literal (`Repl`).
    rewrite: Option<(usize, usize, Repl)>,
}

#[derive(Debug, Clone)]
enum Repl {
    Delete,
    Message(&'static str),
    Literal(String),
}

impl<'a> Ctx<'a> {
    fn on(&self, mask: u8) -> bool {
        let langs = mask & ANY;
        if mask & STRICT != 0 {
            self.detected.is_some_and(|l| l.bit() & langs != 0)
        } else {
            langs & self.active != 0
        }
    }

    fn tok(&self, i: usize) -> Option<&'a Token> {
        self.toks.get(i)
    }

    fn word(&self, i: usize) -> Option<&'a Token> {
        self.toks.get(i).filter(|t| t.is_word())
    }

    /// The original text of token `i`, lower-cased (keeps accents: "à" is not "a").
    fn lower(&self, i: usize) -> String {
        self.tok(i)
            .map(|t| t.text(self.text).to_lowercase())
            .unwrap_or_default()
    }

    /// Matches a phrase of space-separated elements at token `i`; returns the index after the
    /// match. Elements: a folded word, `{n}` (a number ≤ 4 digits), `{day}` (weekday or part of
    /// day), or a single punctuation char. Hyphens and apostrophes between words are skipped.
    fn phrase(&self, i: usize, phrase: &str) -> Option<usize> {
        let mut j = i;
        for (k, el) in phrase.split(' ').enumerate() {
            if k > 0 {
                while self
                    .tok(j)
                    .is_some_and(|t| matches!(t.kind, TokKind::Punct('-' | '\'' | '’')))
                    && !el.starts_with(['-', '\'', '’'])
                {
                    j += 1;
                }
            }
            let t = self.tok(j)?;
            let ok = match el {
                "{n}" => t.small_number().is_some(),
                "{day}" => {
                    t.is_word() && (is_weekday(&t.folded) || DAY_PARTS.contains(&t.folded.as_str()))
                }
                _ if is_punct_element(el) => el.chars().next().is_some_and(|c| t.is_punct(c)),
                _ => (t.is_word() || t.is_number()) && t.folded == el,
            };
            if !ok {
                return None;
            }
            j += 1;
        }
        Some(j)
    }

    fn is_common(&self, key: &str) -> bool {
        self.d.common.get(key).is_some_and(|m| m & self.active != 0)
    }

    fn is_common_any(&self, key: &str) -> bool {
        self.d.common.contains_key(key)
    }

    /// The token before `i` is a word that locates what follows ("in", "à", "bei", "bij"…).
    fn locative_before(&self, i: usize) -> bool {
        let Some(p) = i.checked_sub(1) else {
            return false;
        };
        let mut p = p;
        // "d'Esch", "l'Ardenne"
        if self
            .tok(p)
            .is_some_and(|t| matches!(t.kind, TokKind::Punct('\'' | '’')))
        {
            match p.checked_sub(1) {
                Some(q) => p = q,
                None => return false,
            }
        }
        if !self.tok(p).is_some_and(Token::is_word) {
            return false;
        }
        let w = self.lower(p);
        LOCATIVES.iter().any(|&(l, m)| l == w && self.on(m))
    }

    fn char_span(&self, s: usize, e: usize) -> (usize, usize) {
        let start = self.tok(s).map_or(0, |t| t.start);
        let end = e
            .checked_sub(1)
            .and_then(|k| self.tok(k))
            .map_or(start, |t| t.end);
        (start, end)
    }

    fn cand(
        &self,
        kind: FindingKind,
        severity: Severity,
        s: usize,
        e: usize,
        reason_id: &'static str,
        repl: Option<Repl>,
    ) -> Candidate {
        let (start, end) = self.char_span(s, e);
        Candidate {
            kind,
            severity,
            start,
            end,
            reason_id,
            rewrite: repl.map(|r| (start, end, r)),
        }
    }
}

/// A phrase element that is a single punctuation char (matched by [`Token::is_punct`]).
fn is_punct_element(el: &str) -> bool {
    el.chars().count() == 1 && !el.chars().all(char::is_alphanumeric)
}

/// A phrase table compiled once for [`Ctx::candidates`]: the phrases that can start at a token
/// are looked up by the token's folded text instead of being tried one by one at every token (the
/// tables hold up to a hundred phrases each; trying them all at every token was half of a
/// caption's analysis time, and most of its cost under the fuzzer's instrumentation).
struct PhraseIndex {
    /// The phrases as [`Ctx::phrase`] matches them, in table order.
    phrases: Vec<String>,
    /// Table positions, ascending, by first element (a folded word or number).
    by_first: HashMap<String, Vec<usize>>,
    /// Table positions, ascending, of the phrases whose first element is a placeholder (`{n}`,
    /// `{day}`) or a punctuation char: candidates at every token.
    anywhere: Vec<usize>,
}

impl PhraseIndex {
    fn new(phrases: Vec<String>) -> PhraseIndex {
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::new();
        let mut anywhere = Vec::new();
        for (k, p) in phrases.iter().enumerate() {
            let first = p.split(' ').next().unwrap_or("");
            if matches!(first, "{n}" | "{day}") || is_punct_element(first) {
                anywhere.push(k);
            } else {
                by_first.entry(first.to_owned()).or_default().push(k);
            }
        }
        PhraseIndex {
            phrases,
            by_first,
            anywhere,
        }
    }

    /// The phrase at table position `k`, as matched.
    fn phrase(&self, k: usize) -> &str {
        &self.phrases[k]
    }
}

/// The phrase tables of the detectors, indexed.
struct Indexes {
    home: PhraseIndex,
    school: PhraseIndex,
    age: PhraseIndex,
    born: PhraseIndex,
    recurrence: PhraseIndex,
    sensitive: PhraseIndex,
}

/// The indexes, built on first use. Home phrases are written with accents ("à la maison") and
/// matched folded; the other tables are written folded.
fn indexes() -> &'static Indexes {
    static INDEXES: OnceLock<Indexes> = OnceLock::new();
    INDEXES.get_or_init(|| {
        let owned = |p: &str| p.to_owned();
        Indexes {
            home: PhraseIndex::new(
                HOME_PHRASES
                    .iter()
                    .map(|&(p, _)| super::text::fold(p))
                    .collect(),
            ),
            school: PhraseIndex::new(SCHOOL_WORDS.iter().map(|&(p, _, _)| owned(p)).collect()),
            age: PhraseIndex::new(AGE_PHRASES.iter().map(|&(p, _, _)| owned(p)).collect()),
            born: PhraseIndex::new(BORN_PHRASES.iter().map(|&(p, _)| owned(p)).collect()),
            recurrence: PhraseIndex::new(RECURRENCE.iter().map(|&(p, _)| owned(p)).collect()),
            sensitive: PhraseIndex::new(
                SENSITIVE_WORDS.iter().map(|&(p, _, _)| owned(p)).collect(),
            ),
        }
    })
}

impl<'a> Ctx<'a> {
    /// The table positions, ascending, of the phrases of `index` that can match at token `i`:
    /// every phrase that [`Ctx::phrase`] would match there is among them.
    fn candidates<'i>(&self, i: usize, index: &'i PhraseIndex) -> impl Iterator<Item = usize> + 'i {
        let listed: &'i [usize] = self
            .tok(i)
            .filter(|t| t.is_word() || t.is_number())
            .and_then(|t| index.by_first.get(t.folded.as_str()))
            .map_or(&[], Vec::as_slice);
        let anywhere = index.anywhere.as_slice();
        let (mut a, mut b) = (0, 0);
        std::iter::from_fn(move || {
            let next = match (listed.get(a), anywhere.get(b)) {
                (Some(&x), Some(&y)) if x < y => {
                    a += 1;
                    x
                }
                (_, Some(&y)) => {
                    b += 1;
                    y
                }
                (Some(&x), None) => {
                    a += 1;
                    x
                }
                (None, None) => return None,
            };
            Some(next)
        })
    }
}

const LOCATIVES: &[(&str, u8)] = &[
    ("in", EN | DE | NL),
    ("at", EN),
    ("near", EN),
    ("from", EN),
    ("to", EN),
    ("around", EN),
    ("visiting", EN),
    ("outside", EN),
    ("nr", EN),
    ("towards", EN),
    ("via", EN),
    ("into", EN),
    ("à", ANY),
    ("au", FR),
    ("aux", FR),
    ("de", FR | STRICT),
    ("d", FR),
    ("près", FR),
    ("vers", FR),
    ("dans", FR),
    ("depuis", FR),
    ("sur", FR | STRICT),
    ("im", DE),
    ("bei", DE),
    ("nach", DE),
    ("aus", DE),
    ("von", DE),
    ("um", DE),
    ("nahe", DE),
    ("ab", DE),
    ("auf", DE),
    ("zu", DE),
    ("van", NL),
    ("bij", NL),
    ("naar", NL),
    ("uit", NL),
    ("te", NL),
    ("nabij", NL),
    ("rond", NL),
    ("vanuit", NL),
    ("richting", NL),
];

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
];
const WEEKDAYS_PLURAL: &[&str] = &[
    "mondays",
    "tuesdays",
    "wednesdays",
    "thursdays",
    "fridays",
    "saturdays",
    "sundays",
    "montags",
    "dienstags",
    "mittwochs",
    "donnerstags",
    "freitags",
    "samstags",
    "sonntags",
    "maandags",
    "dinsdags",
    "woensdags",
    "donderdags",
    "vrijdags",
    "zaterdags",
    "zondags",
];
const DAY_PARTS: &[&str] = &[
    "day",
    "morning",
    "afternoon",
    "evening",
    "night",
    "weekend",
    "week",
    "jour",
    "jours",
    "matin",
    "matins",
    "soir",
    "soirs",
    "semaine",
    "tag",
    "morgen",
    "nachmittag",
    "abend",
    "woche",
    "wochenende",
    "dag",
    "ochtend",
    "middag",
    "avond",
    "week",
    "weekend",
];
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
    "januar",
    "februar",
    "marz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "januari",
    "februari",
    "maart",
    "mei",
    "augustus",
];

fn is_weekday(w: &str) -> bool {
    WEEKDAYS.contains(&w)
        || w.strip_suffix('s').is_some_and(|x| WEEKDAYS.contains(&x))
        || WEEKDAYS.iter().any(|d| {
            w.len() > d.len() && w.starts_with(d) && DAY_PARTS.iter().any(|p| w.ends_with(p))
        })
}

/// Words never taken for a place or a surname, whatever the gazetteer says.
const NOT_A_PLACE: &[&str] = &[
    "mom",
    "mum",
    "dad",
    "papa",
    "mama",
    "maman",
    "mama",
    "baby",
    "love",
    "happy",
    "home",
    "school",
    "beach",
    "park",
    "pool",
    "today",
    "summer",
    "winter",
    "spring",
    "autumn",
    "christmas",
    "easter",
    "noel",
    "paques",
    "weihnachten",
    "ostern",
    "kerst",
    "pasen",
    "god",
    "le",
    "la",
    "les",
    "de",
    "van",
    "the",
    "zoo",
    "gym",
    "garden",
    "kita",
    "bad",
    "st",
    "saint",
    "sainte",
    "sankt",
];

fn not_a_place(w: &str) -> bool {
    NOT_A_PLACE.contains(&w)
        || WEEKDAYS.contains(&w)
        || MONTHS.contains(&w)
        || WEEKDAYS_PLURAL.contains(&w)
}

/// Lower-case words allowed inside a multi-word place name.
const PLACE_LINKERS: &[&str] = &[
    "sur", "sous", "am", "an", "der", "de", "la", "le", "les", "en", "aan", "den", "op", "upon",
    "on", "in", "im", "bei", "ob", "du", "des", "d", "l", "s", "het", "t", "ter", "ten", "van",
    "bij", "lez", "les", "under", "by", "the", "of",
];

pub(crate) fn run_all(ctx: &Ctx<'_>) -> Vec<Candidate> {
    let mut out = Vec::new();
    contacts(ctx, &mut out);
    hashtags(ctx, &mut out);
    addresses(ctx, &mut out);
    postcodes(ctx, &mut out);
    home(ctx, &mut out);
    schools(ctx, &mut out);
    ages(ctx, &mut out);
    names(ctx, &mut out);
    places(ctx, &mut out);
    routines(ctx, &mut out);
    sensitive_words(ctx, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// contact

fn contacts(ctx: &Ctx<'_>, out: &mut Vec<Candidate>) {
    let chars: Vec<char> = ctx.text.chars().collect();
    let n = chars.len();
    let mut email_ranges: Vec<(usize, usize)> = Vec::new();
    let local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let domain = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    for at in (0..n).filter(|&i| chars[i] == '@') {
        let mut s = at;
        while s > 0 && local(chars[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < n && domain(chars[e]) {
            e += 1;
        }
        while e > at + 1 && (chars[e - 1] == '.' || chars[e - 1] == '-') {
            e -= 1;
        }
        let dom: String = chars[at + 1..e].iter().collect();
        let tld_ok = dom
            .rsplit('.')
            .next()
            .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()));
        if s < at && dom.contains('.') && tld_ok && !dom.starts_with('.') {
            email_ranges.push((s, e));
            out.push(Candidate {
                kind: FindingKind::Contact,
                severity: Severity::High,
                start: s,
                end: e,
                reason_id: "contact.email",
                rewrite: Some((s, e, Repl::Delete)),
            });
        }
    }
    for t in ctx.toks.iter().filter(|t| t.kind == TokKind::Mention) {
        if email_ranges.iter().any(|&(s, e)| t.start < e && s < t.end) {
            continue;
        }
        let h = t.folded.as_str();
        if h.chars().all(|c| c.is_ascii_digit()) || h.len() < 2 {
            continue;
        }
        if h == "home" || h == "thuis" || h == "maison" || h == "zuhause" {
            out.push(Candidate {
                kind: FindingKind::Location,
                severity: Severity::Low,
                start: t.start,
                end: t.end,
                reason_id: "location.home",
                rewrite: Some((t.start, t.end, Repl::Delete)),
            });
            continue;
        }
        out.push(Candidate {
            kind: FindingKind::Contact,
            severity: Severity::Medium,
            start: t.start,
            end: t.end,
            reason_id: "contact.handle",
            rewrite: Some((t.start, t.end, Repl::Delete)),
        });
    }
    phones(&chars, &email_ranges, out);
}

fn phones(chars: &[char], skip: &[(usize, usize)], out: &mut Vec<Candidate>) {
    let n = chars.len();
    let mut i = 0;
    while i < n {
        let c = chars[i];
        let prev_ok = i == 0
            || !(chars[i - 1].is_alphanumeric()
                || chars[i - 1] == '.'
                || chars[i - 1] == '/'
                || chars[i - 1] == ':');
        if !(prev_ok && (c == '+' || c == '(' || c.is_ascii_digit())) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = String::new();
        let mut groups = 0usize;
        let mut in_group = false;
        while j < n {
            let d = chars[j];
            if d.is_ascii_digit() {
                digits.push(d);
                if !in_group {
                    groups += 1;
                    in_group = true;
                }
            } else if (d == '+' && j == i)
                || d == '('
                || d == ')'
                || d == '-'
                || d == '.'
                || d == '/'
                || d == '\u{a0}'
                || (d == ' ' && j + 1 < n && (chars[j + 1].is_ascii_digit() || chars[j + 1] == '('))
            {
                in_group = false;
            } else {
                break;
            }
            j += 1;
        }
        let mut e = j;
        while e > i && !chars[e - 1].is_ascii_digit() && chars[e - 1] != ')' {
            e -= 1;
        }
        let followed_by_word = e < n && chars[e].is_alphabetic();
        let dl = digits.len();
        let intl = c == '+' && (8..=15).contains(&dl);
        let intl00 = digits.starts_with("00") && (11..=15).contains(&dl);
        let national = c != '+'
            && digits.starts_with('0')
            && !digits.starts_with("00")
            && (9..=11).contains(&dl);
        let lu_mobile = c == '6' && dl == 9 && groups == 3;
        let us = (c == '(' && dl == 10)
            || (dl == 10 && groups == 3 && !digits.starts_with('0') && chars[i..e].contains(&'-'));
        if (intl || intl00 || national || us || lu_mobile)
            && !followed_by_word
            && !skip.iter().any(|&(s, t)| i < t && s < e)
        {
            out.push(Candidate {
                kind: FindingKind::Contact,
                severity: Severity::High,
                start: i,
                end: e,
                reason_id: "contact.phone",
                rewrite: Some((i, e, Repl::Delete)),
            });
        }
        i = j.max(i + 1);
    }
}

// ---------------------------------------------------------------------------------------------
// hashtags

/// Substrings of a folded hashtag that make it one predators search for.
const SENSITIVE_TAG_STEMS: &[&str] = &[
    "bath",
    "bain",
    "baden",
    "badewanne",
    "badezeit",
    "badje",
    "badtijd",
    "tubtime",
    "potty",
    "topfchen",
    "potje",
    "zindelijk",
    "naked",
    "nude",
    "nudie",
    "nakey",
    "nackt",
    "nackig",
    "naakt",
    "bloot",
    "toutnu",
    "toutenue",
    "diaper",
    "nappy",
    "nappies",
    "windel",
    "luier",
    "swimsuit",
    "swimwear",
    "bikini",
    "maillot",
    "badeanzug",
    "badehose",
    "badpak",
    "zwembroek",
    "gymnast",
    "gymnastique",
    "gymnastik",
    "splits",
    "spagat",
    "spagaat",
    "grandecart",
    "leotard",
    "turnanzug",
    "turnpakje",
    "justaucorps",
    "beach",
    "plage",
    "strand",
    "bedtime",
    "pyjama",
    "pajama",
    "jammies",
    "schlafanzug",
    "bedtijd",
    "shower",
    "douche",
    "dusche",
    "nopants",
    "pantsfree",
    "undies",
    "underwear",
    "proprete",
    "turnen",
    "sousvetement",
    "unterwasche",
    "ondergoed",
    "tubby",
    "bubbles",
];
/// Hashtags that contain a stem above but are about something else.
const SENSITIVE_TAG_EXCEPTIONS: &[&str] = &[
    "babyshower",
    "bridalshower",
    "badminton",
    "bathurst",
    "showerthoughts",
    "splitscreen",
    "meteorshower",
    "bathroomremodel",
    "bathroomdesign",
    "bainbridge",
    "strandja",
];
/// Hashtags strangers browse for pictures of children.
const CHILD_TAG_CONTAINS: &[&str] = &[
    "kidsof",
    "babiesof",
    "toddlersof",
    "toddlerof",
    "kidof",
    "childrenof",
    "instakid",
    "instababy",
    "instatoddler",
    "childmodel",
    "kidmodel",
    "kidsmodel",
    "babymodel",
    "kidsfashion",
    "kidfashion",
    "kidsstyle",
    "toddlerstyle",
    "toddlerfashion",
    "cutebaby",
    "cutekid",
    "cutetoddler",
    "littlemodel",
    "minimodel",
];
const CHILD_TAG_EXACT: &[&str] = &[
    "babygirl",
    "babyboy",
    "toddlerlife",
    "kidslife",
    "toddler",
    "toddlers",
    "kids",
    "kid",
    "children",
    "child",
    "baby",
    "babies",
    "kinder",
    "kind",
    "kinderen",
    "enfant",
    "enfants",
    "bebe",
    "kleinkind",
    "peuter",
    "kleuter",
    "girl",
    "boy",
    "littlegirl",
    "littleboy",
    "babyleben",
    "kinderfotografie",
    "momlife",
    "mumlife",
    "mamaleben",
    "boymom",
    "girlmom",
    "kidsphotography",
];
/// Child words that make any hashtag built around them one strangers browse ("#travelkids").
const CHILD_TAG_WORDS: &[&str] = &[
    "kids",
    "kiddo",
    "toddler",
    "baby",
    "babies",
    "kinder",
    "enfants",
    "peuter",
    "kleuter",
    "bebe",
    "kleinkind",
];
const PLACE_TAG_SUFFIXES: &[&str] = &[
    "city", "ville", "stadt", "stad", "life", "kids", "mums", "moms", "mamas", "family", "baby",
    "babies", "mum", "mom", "mama",
];

fn hashtags(ctx: &Ctx<'_>, out: &mut Vec<Candidate>) {
    for (i, t) in ctx.toks.iter().enumerate() {
        if t.kind != TokKind::Hashtag {
            continue;
        }
        let f: String = t.folded.chars().filter(|c| c.is_alphanumeric()).collect();
        if f.is_empty() {
            continue;
        }
        // Delete the hashtag with the space before it, so "fun #bathtime" becomes "fun".
        let del_start = if t.space_before && i > 0 {
            ctx.tok(i - 1).map_or(t.start, |p| p.end)
        } else {
            t.start
        };
        let del = Some((del_start, t.end, Repl::Delete));
        let sensitive = !SENSITIVE_TAG_EXCEPTIONS.iter().any(|x| f.contains(x))
            && SENSITIVE_TAG_STEMS.iter().any(|s| f.contains(s));
        if sensitive {
            out.push(Candidate {
                kind: FindingKind::SearchableHashtag,
                severity: Severity::High,
                start: t.start,
                end: t.end,
                reason_id: "hashtag.sensitive",
                rewrite: del,
            });
            continue;
        }
        let child_word = CHILD_TAG_WORDS.iter().any(|s| f.contains(s))
            && !SENSITIVE_TAG_EXCEPTIONS.iter().any(|x| f.contains(x));
        if child_word
            || CHILD_TAG_CONTAINS.iter().any(|s| f.contains(s))
            || CHILD_TAG_EXACT.contains(&f.as_str())
        {
            out.push(Candidate {
                kind: FindingKind::SearchableHashtag,
                severity: Severity::Medium,
                start: t.start,
                end: t.end,
                reason_id: "hashtag.child",
                rewrite: del,
            });
            continue;
        }
        if full_name_in_tag(ctx, &f) {
            out.push(Candidate {
                kind: FindingKind::FullName,
                severity: Severity::Medium,
                start: t.start,
                end: t.end,
                reason_id: "full_name.name",
                rewrite: del,
            });
            continue;
        }
        if personal_tag(ctx, &f) {
            out.push(Candidate {
                kind: FindingKind::SearchableHashtag,
                severity: Severity::Medium,
                start: t.start,
                end: t.end,
                reason_id: "hashtag.personal",
                rewrite: del,
            });
            continue;
        }
        if let Some(p) = place_in_tag(ctx, &f) {
            let severity = if p.bucket <= 3 {
                Severity::Medium
            } else {
                Severity::Low
            };
            out.push(Candidate {
                kind: FindingKind::Location,
                severity,
                start: t.start,
                end: t.end,
                reason_id: "location.hashtag",
                rewrite: del,
            });
        }
    }
}

/// "#emmaschmit": a first name followed by a family name.
fn full_name_in_tag(ctx: &Ctx<'_>, f: &str) -> bool {
    if !f.is_ascii() || f.len() < 6 || f.len() > 40 {
        return false;
    }
    (3..f.len().saturating_sub(2)).any(|k| {
        let (a, b) = f.split_at(k);
        ctx.d.first_names.contains(a)
            && ctx.d.last_names.contains(b)
            && !ctx.is_common_any(a)
            && !ctx.is_common_any(b)
    })
}

/// Words parents put before a child's first name to make a tag of their own ("#teamlisa").
const PERSONAL_TAG_PREFIXES: &[&str] = &[
    "team", "baby", "little", "lil", "our", "love", "mini", "petite", "petit", "kleine", "kleiner",
    "onze",
];
/// ... and after it ("#lisasworld", "#lisaturns5").
const PERSONAL_TAG_SUFFIXES: &[&str] = &[
    "sworld",
    "world",
    "sadventures",
    "adventures",
    "sdiary",
    "diary",
    "sjourney",
    "journey",
    "turns",
    "isone",
    "istwo",
    "isthree",
    "sfirst",
    "firstbirthday",
    "birthday",
    "sday",
];

/// "#lisa2019", "#teamlisa", "#lisasworld": a first name made into the child's own hashtag. One
/// search then finds every photo ever tagged with it, across every account that used it.
fn personal_tag(ctx: &Ctx<'_>, f: &str) -> bool {
    if !f.is_ascii() || f.len() < 5 || f.len() > 40 {
        return false;
    }
    let is_name = |k: &str| {
        k.len() >= 3
            && ctx.d.first_names.contains(k)
            && !ctx.is_common_any(k)
            && ctx.d.places.get(k).is_none()
    };
    // A name and a birth year: "lisa2019", "lisa_2019" (folded to "lisa2019").
    let digits = f.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits == 4 {
        let (name, year) = f.split_at(f.len() - 4);
        if matches!(year.parse::<u16>(), Ok(1990..=2049)) && is_name(name) {
            return true;
        }
    }
    // "lisaturns5": the age after a suffix.
    let f = f.trim_end_matches(|c: char| c.is_ascii_digit());
    PERSONAL_TAG_PREFIXES
        .iter()
        .any(|p| f.strip_prefix(p).is_some_and(is_name))
        || PERSONAL_TAG_SUFFIXES
            .iter()
            .any(|s| f.strip_suffix(s).is_some_and(is_name))
}

fn place_in_tag(ctx: &Ctx<'_>, f: &str) -> Option<super::data::Place> {
    let look = |k: &str| -> Option<super::data::Place> {
        if k.len() < 3 || not_a_place(k) || ctx.is_common_any(k) || ctx.d.first_names.contains(k) {
            return None;
        }
        ctx.d
            .places
            .get(k)
            .or_else(|| ctx.d.places_joined.get(k))
            .copied()
            .filter(|p| p.bucket >= 1)
    };
    look(f).or_else(|| {
        PLACE_TAG_SUFFIXES
            .iter()
            .find_map(|s| f.strip_suffix(s).and_then(look))
    })
}

// ---------------------------------------------------------------------------------------------
// location: addresses, postcodes, "at home", towns

/// Street words that follow the name ("Baker Street", "Kerkstraat").
const STREET_AFTER: &[(&str, u8)] = &[
    ("street", EN),
    ("st", EN),
    ("road", EN),
    ("rd", EN),
    ("avenue", EN),
    ("ave", EN),
    ("lane", EN),
    ("drive", EN),
    ("crescent", EN),
    ("terrace", EN),
    ("grove", EN),
    ("close", EN),
    ("way", EN),
    ("square", EN),
    ("gardens", EN),
    ("boulevard", EN),
    ("strasse", DE),
    ("str", DE),
    ("weg", DE | NL),
    ("allee", DE),
    ("platz", DE),
    ("gasse", DE),
    ("straat", NL),
    ("laan", NL),
    ("plein", NL),
    ("gracht", NL),
    ("kade", NL),
    ("singel", NL),
];
/// Street words that come first ("rue de la Gare", "Avenue Victor Hugo").
const STREET_BEFORE: &[(&str, u8)] = &[
    ("rue", FR),
    ("avenue", FR | EN),
    ("boulevard", FR),
    ("bd", FR),
    ("chemin", FR),
    ("allee", FR),
    ("impasse", FR),
    ("route", FR),
    ("place", FR),
    ("quai", FR),
    ("cite", FR),
];
/// Compound suffixes of German and Dutch street names ("Bahnhofstraße", "Kerkstraat").
const STREET_SUFFIXES: &[&str] = &[
    "strasse", "str", "weg", "allee", "platz", "gasse", "damm", "ring", "straat", "laan", "plein",
    "gracht", "kade", "singel", "dreef", "steenweg",
];
/// "-ring" and "-weg" end many ordinary words; only these compounds need a house number.
const WEAK_STREET_SUFFIXES: &[&str] = &["ring", "weg", "damm", "platz"];

fn addresses(ctx: &Ctx<'_>, out: &mut Vec<Candidate>) {
    let toks = ctx.toks;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if !t.is_word() {
            i += 1;
            continue;
        }
        // Compound street name, optional house number: "Hauptstraße 5", "Kerkstraat 12".
        if t.cap && (ctx.on(DE | NL) || ctx.detected.is_none()) {
            if let Some(suf) = STREET_SUFFIXES
                .iter()
                .find(|s| t.folded.len() >= s.len() + 3 && t.folded.ends_with(*s))
            {
                let number = ctx
                    .tok(i + 1)
                    .is_some_and(|n| n.small_number().is_some_and(|v| v > 0 && v < 1000));
                let weak = WEAK_STREET_SUFFIXES.contains(suf);
                if number || !weak {
                    let e = if number { i + 2 } else { i + 1 };
                    let (sev, why) = if number {
                        (Severity::High, "location.address")
                    } else {
                        (Severity::Medium, "location.address")
                    };
                    out.push(ctx.cand(FindingKind::Location, sev, i, e, why, Some(Repl::Delete)));
                    i = e;
                    continue;
                }
            }
        }
        // "12 rue de la Gare", "rue de la Gare", "Avenue Victor Hugo".
        if STREET_BEFORE
            .iter()
            .any(|&(w, m)| w == t.folded && ctx.on(m))
        {
            let mut j = i + 1;
            let mut names = 0;
            while let Some(w) = ctx.tok(j) {
                if w.is_word() && w.cap {
                    names += 1;
                } else if !(w.is_word() && PLACE_LINKERS.contains(&w.folded.as_str())
                    || matches!(w.kind, TokKind::Punct('\'' | '’' | '-')))
                {
                    break;
                }
                j += 1;
            }
            while j > i + 1 && !ctx.tok(j - 1).is_some_and(|w| w.is_word() && w.cap) {
                j -= 1;
            }
            let num_before = i > 0
                && ctx
                    .tok(i - 1)
                    .is_some_and(|n| n.small_number().is_some_and(|v| v > 0 && v < 1000))
                || (i > 1
                    && ctx.tok(i - 1).is_some_and(|p| p.is_punct(','))
                    && ctx.tok(i - 2).is_some_and(|n| n.small_number().is_some()));
            if names > 0 && (t.cap || num_before || !t.sentence_start) {
                let s = if num_before {
                    if ctx.tok(i - 1).is_some_and(|p| p.is_punct(',')) {
                        i - 2
                    } else {
                        i - 1
                    }
                } else {
                    i
                };
                let sev = if num_before {
                    Severity::High
                } else {
                    Severity::Medium
                };
                out.push(ctx.cand(
                    FindingKind::Location,
                    sev,
                    s,
                    j,
                    "location.address",
                    Some(Repl::Delete),
                ));
                i = j;
                continue;
            }
        }
        // "42 Elm Road", "Baker Street", "Lange Straße 3".
        if t.cap && !t.sentence_start
            || t.cap && i > 0 && ctx.tok(i - 1).is_some_and(|n| n.is_number())
        {
            let mut j = i;
            while ctx.word(j).is_some_and(|w| w.cap) && j < i + 4 {
                j += 1;
            }
            // j is after the capitalised run; its last word must be a street word.
            if j > i + 1 {
                let last = &toks[j - 1];
                if STREET_AFTER
                    .iter()
                    .any(|&(w, m)| w == last.folded && ctx.on(m))
                    && !not_a_place(&toks[i].folded)
                {
                    let num_before = i > 0
                        && ctx.tok(i - 1).is_some_and(|n| {
                            n.small_number().is_some_and(|v| v > 0 && v < 10000)
                                || (n.is_word()
                                    && n.folded.len() <= 4
                                    && n.folded.chars().next().is_some_and(|c| c.is_ascii_digit()))
                        });
                    let num_after = ctx
                        .tok(j)
                        .is_some_and(|n| n.small_number().is_some_and(|v| v > 0 && v < 1000));
                    let s = if num_before { i - 1 } else { i };
                    let e = if num_after { j + 1 } else { j };
                    let sev = if num_before || num_after {
                        Severity::High
                    } else {
                        Severity::Medium
                    };
                    out.push(ctx.cand(
                        FindingKind::Location,
                        sev,
                        s,
                        e,
                        "location.address",
                        Some(Repl::Delete),
                    ));
                    i = e;
                    continue;
                }
            }
        }
        i += 1;
    }
}

fn postcodes(ctx: &Ctx<'_>, out: &mut Vec<Candidate>) {
    let toks = ctx.toks;
    for (i, t) in toks.iter().enumerate() {
        let raw = t.text(ctx.text);
        // Luxembourg: "L-1234".
        if t.is_word()
            && raw == "L"
            && ctx.tok(i + 1).is_some_and(|p| p.is_punct('-'))
            && ctx
                .tok(i + 2)
                .is_some_and(|n| n.is_number() && n.folded.len() == 4)
        {
            let e = if ctx.tok(i + 3).is_some_and(|w| w.is_word() && w.cap) {
                i + 4
            } else {
                i + 3
            };
            out.push(ctx.cand(
                FindingKind::Location,
                Severity::High,
                i,
                e,
                "location.postcode",
                Some(Repl::Delete),
            ));
            continue;
        }
        // UK: "SW1A 1AA", "EH1 2NG".
        if t.is_word()
            && uk_outward(raw)
            && ctx
                .tok(i + 1)
                .is_some_and(|n| n.is_word() && uk_inward(n.text(ctx.text)))
        {
            out.push(ctx.cand(
                FindingKind::Location,
                Severity::High,
                i,
                i + 2,
                "location.postcode",
                Some(Repl::Delete),
            ));
            continue;
        }
        if !t.is_number() {
            continue;
        }
        let next = ctx.tok(i + 1);
        // Netherlands: "1012 AB".
        if t.folded.len() == 4 && !t.folded.starts_with('0') {
            if let Some(n) = next.filter(|n| {
                n.is_word()
                    && n.text(ctx.text).len() == 2
                    && n.text(ctx.text).chars().all(|c| c.is_ascii_uppercase())
            }) {
                let letters = n.text(ctx.text);
                if !matches!(
                    letters,
                    "SS" | "SD"
                        | "SA"
                        | "AD"
                        | "BC"
                        | "PM"
                        | "AM"
                        | "CE"
                        | "KM"
                        | "MB"
                        | "GB"
                        | "TB"
                ) {
                    let e = if ctx.word(i + 2).is_some_and(|w| w.cap) {
                        i + 3
                    } else {
                        i + 2
                    };
                    out.push(ctx.cand(
                        FindingKind::Location,
                        Severity::High,
                        i,
                        e,
                        "location.postcode",
                        Some(Repl::Delete),
                    ));
                    continue;
                }
            }
        }
        // DE/FR (5 digits) or BE/LU (4 digits) followed by a town from the gazetteer.
        if (t.folded.len() == 5 || t.folded.len() == 4)
            && !t.folded.starts_with("19")
            && !t.folded.starts_with("20")
            || t.folded.len() == 5
        {
            if let Some(w) = next.filter(|w| w.is_word() && w.cap) {
                if ctx.d.places.contains_key(&w.folded) && !not_a_place(&w.folded) {
                    out.push(ctx.cand(
                        FindingKind::Location,
                        Severity::High,
                        i,
                        i + 2,
                        "location.postcode",
                        Some(Repl::Delete),
                    ));
                    continue;
                }
            }
        }
        // US: "NY 10001".
        if t.folded.len() == 5 && i > 0 {
            if let Some(p) = ctx.tok(i - 1).filter(|p| {
                p.is_word()
                    && p.text(ctx.text).len() == 2
                    && p.text(ctx.text).chars().all(|c| c.is_ascii_uppercase())
            }) {
                if US_STATES.contains(&p.text(ctx.text)) {
                    out.push(ctx.cand(
                        FindingKind::Location,
                        Severity::High,
                        i - 1,
                        i + 1,
                        "location.postcode",
                        Some(Repl::Delete),
                    ));
                }
            }
        }
    }
}

const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC",
];

fn uk_outward(s: &str) -> bool {
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if !(1..=2).contains(&letters) || b.len() < letters + 1 || b.len() > letters + 2 {
        return false;
    }
    b[letters].is_ascii_digit()
        && b[letters + 1..]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

fn uk_inward(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 3 && b[0].is_ascii_digit() && b[1].is_ascii_uppercase() && b[2].is_ascii_uppercase()
}

const HOME_PHRASES: &[(&str, u8)] = &[
    ("at home", EN),
    ("at our house", EN),
    ("in our garden", EN),
    ("in our back garden", EN),
    ("in our backyard", EN),
    ("à la maison", FR),
    ("a la maison", FR | STRICT),
    ("chez nous", FR),
    ("chez moi", FR),
    ("dans notre jardin", FR),
    ("zu hause", DE),
    ("zuhause", DE),
    ("daheim", DE),
    ("in unserem garten", DE),
    ("bij ons thuis", NL),
    ("thuis", NL | STRICT),
    ("in onze tuin", NL),
];

fn home(ctx: &Ctx<'_>, out: &mut Vec<Candidate>) {
    let index = &indexes().home;
    for i in 0..ctx.toks.len() {
        for k in ctx.candidates(i, index) {
            let (p, m) = HOME_PHRASES[k];
            if !ctx.on(m) {
                continue;
            }
            // "à" must be typed with its accent; compare the first word on the original text.
            let first = p.split(' ').next().unwrap_or("");
            if first == "à" {
                if ctx.lower(i) != "à" {
                    continue;
                }
                let rest = p.split_once(' ').map_or("", |x| x.1);
                if let Some(e) = ctx.phrase(i + 1, rest) {
                    out.push(ctx.cand(
                        FindingKind::Location,
                        Severity::Low,
                        i,
                        e,
                        "location.home",
                        Some(Repl::Delete),
                    ));
                }
                continue;
            }
            if let Some(e) = ctx.phrase(i, index.phrase(k)) {
                out.push(ctx.cand(
                    FindingKind::Location,
                    Severity::Low,
                    i,
                    e,
                    "location.home",
                    Some(Repl::Delete),
                ));
            }
        }
    }
}

fn places(ctx: &Ctx<'_>, out: &mut Vec<Candidate>) {
    let toks = ctx.toks;
    let maxw = ctx.d.max_place_words.min(6);
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if !(t.is_word() && t.cap) || not_a_place(&t.folded) {
            i += 1;
            continue;
        }
        // Collect up to maxw words joined by spaces, hyphens or apostrophes.
        let mut words: Vec<(usize, &str)> = vec![(i, t.folded.as_str())];
        let mut j = i + 1;
        while words.len() < maxw {
            let mut k = j;
            while ctx.tok(k).is_some_and(|p| {
                matches!(p.kind, TokKind::Punct('-' | '\'' | '’')) && !p.space_before
            }) {
                k += 1;
            }
            match ctx.word(k) {
                Some(w)
                    if (w.cap || PLACE_LINKERS.contains(&w.folded.as_str()))
                        && (k == j || !w.space_before) =>
                {
                    words.push((k, w.folded.as_str()));
                    j = k + 1;
                }
                _ => break,
            }
        }
        let mut matched = None;
        for len in (1..=words.len()).rev() {
            let last = words[len - 1];
            if !toks[last.0].cap {
                continue;
            }
            let key = words[..len]
                .iter()
                .map(|w| w.1)
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(p) = ctx.d.places.get(&key) {
                matched = Some((len, last.0 + 1, key, *p));
                break;
            }
        }
        let Some((len, end, key, place)) = matched else {
            i += 1;
            continue;
        };
        // Possessive ("Charlotte's") is a person.
        let possessive = ctx
            .tok(end)
            .is_some_and(|p| matches!(p.kind, TokKind::Punct('\'' | '’')))
            && ctx.tok(end + 1).is_some_and(|s| s.folded == "s");
        let ctx_loc = ctx.locative_before(i);
        let namey = ctx.d.first_names.contains(&key) || ctx.d.last_names.contains(&key);
        let common = len == 1 && (ctx.is_common(&key) || namey);
        // Everyday words ("Nice", "Essen", "Reading") and names count only after a locating word,
        // and only for towns of 10k+ people (a village called "Garten" is not worth the noise).
        let flag = if possessive {
            false
        } else if common {
            ctx_loc && place.bucket >= 3 && (!ctx.d.first_names.contains(&key) || place.bucket >= 4)
        } else if ctx_loc || len > 1 {
            true
        } else if ctx.on(DE) || ctx.detected.is_none() {
            place.bucket >= 3
        } else {
            !t.sentence_start || place.bucket >= 3
        };
        if flag {
            let severity = if place.bucket <= 3 {
                Severity::Medium
            } else {
                Severity::Low
            };
            let (s, e) = ctx.char_span(i, end);
            let rs = if ctx_loc {
                ctx.tok(i.saturating_sub(1)).map_or(s, |p| {
                    if p.is_word() {
                        p.start
                    } else {
                        ctx.tok(i.saturating_sub(2)).map_or(s, |q| q.start)
                    }
                })
            } else {
                s
            };
            out.push(Candidate {
                kind: FindingKind::Location,
                severity,
                start: s,
                end: e,
                reason_id: "location.town",
                rewrite: Some((rs, e, Repl::Delete)),
            });
            i = end;
        } else {
            i += 1;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// school, daycare, club

/// (folded phrase, languages, specific): specific kinds are flagged even unnamed.
const SCHOOL_WORDS: &[(&str, u8, bool)] = &[
    ("primary school", ANY, true),
    ("secondary school", ANY, true),
    ("high school", ANY, false),
    ("middle school", ANY, true),
    ("elementary school", ANY, true),
    ("nursery school", ANY, true),
    ("preschool", ANY, true),
    ("pre school", ANY, true),
    ("kindergarten", ANY, true),
    ("daycare", ANY, true),
    ("day care", ANY, true),
    ("nursery", ANY, true),
    ("playgroup", ANY, true),
    ("childminder", ANY, true),
    ("after school club", ANY, true),
    ("breakfast club", ANY, true),
    ("montessori", ANY, true),
    ("school", ANY, false),
    ("primary", ANY, false),
    ("academy", ANY, false),
    ("tsv", ANY, false),
    ("club", ANY, false),
    ("fc", ANY, false),
    ("ecole maternelle", ANY, true),
    ("ecole primaire", ANY, true),
    ("maternelle", ANY, true),
    ("ecole", ANY, false),
    ("creche", ANY, true),
    ("college", FR | STRICT, false),
    ("lycee", ANY, false),
    ("garderie", ANY, true),
    ("centre aere", ANY, true),
    ("halte garderie", ANY, true),
    ("grundschule", ANY, true),
    ("schule", ANY, false),
    ("kita", ANY, true),
    ("kindertagesstatte", ANY, true),
    ("kinderkrippe", ANY, true),
    ("krippe", DE | STRICT, true),
    ("gymnasium", DE | STRICT, false),
    ("hort", DE | STRICT, true),
    ("verein", ANY, false),
    ("realschule", ANY, true),
    ("gesamtschule", ANY, true),
    ("waldorfschule", ANY, true),
    ("basisschool", ANY, true),
    ("kinderopvang", ANY, true),
    ("kinderdagverblijf", ANY, true),
    ("kdv", ANY, true),
    ("bso", ANY, true),
    ("peuterspeelzaal", ANY, true),
    ("kleuterschool", ANY, true),
    ("opvang", ANY, true),
    ("vereniging", ANY, false),
    ("spillschoul", ANY, true),
    ("maison relais", ANY, true),
    ("precoce", ANY, true),
];
/// Words that follow "nursery"/"school" without making it a place ("nursery rhymes", "school run").
const SCHOOL_NOT_AFTER: &[&str] = &[
    "rhyme", "rhymes", "run", "holidays", "holiday", "uniform", "bag", "shoes", "supplies", "trip",
    "of", "year", "days",
];
/// Small words allowed between a school word and its name ("Grundschule am Park", "école de la
/// Gare"); not "des"/"der"/"of", which make ordinary phrases ("die Schule des Lebens").
const SCHOOL_LINKERS: &[&str] = &[
    "am", "an", "im", "in", "zum", "zur", "de", "du", "la", "le", "les", "l", "d", "het", "t",
    "van", "aux", "sur", "op", "aan",
];
const NOT_A_SCHOOL_NAME: &[&str] = &[
    "first", "big", "new", "back", "my", "our", "the", "happy", "last", "his", "her", "their",
    "premier", "premiere", "erster", "erste", "eerste", "grote", "nieuwe", "neue", "la", "le",
    "die", "der", "de", "het", "een", "une", "un", "a", "l", "zur", "zum", "naar", "in", "at",
    "ein", "eine", "einer", "einem", "mein", "meine", "unser", "unsere", "mijn", "onze", "ons",
    "mon", "ma", "notre", "nos", "this", "that", "your", "diese", "dieser", "deze",
];

fn schools(ctx: &Ctx<'_>, out: &mut Vec<Candidate>) {
    let toks = ctx.toks;
    let school_index = &indexes().school;
    let mut i = 0;
    'outer: while i < toks.len() {
        let t = &toks[i];
        if !t.is_word() {
            i += 1;
            continue;
        }
        // Class and school year markers.
        if let Some(e) = class_marker(ctx, i) {
            out.push(ctx.cand(
                FindingKind::School,
                Severity::Low,
                i,
                e,
                "school.class",
                Some(Repl::Delete),
            ));
            i = e;
            continue;
        }
        let mut best: Option<(usize, bool)> = None;
        for k in ctx.candidates(i, school_index) {
            let (p, m, specific) = SCHOOL_WORDS[k];
            if !ctx.on(m) {
                continue;
            }
            if let Some(e) = ctx.phrase(i, p) {
                if best.is_none_or(|(be, _)| e > be) {
                    best = Some((e, specific));
                }
            }
        }
        // German and Dutch compounds: "Waldschule", "Montessorischool".
        if best.is_none()
            && t.cap
            && t.folded.len() > 8
            && (t.folded.ends_with("schule") || t.folded.ends_with("school"))
        {
            best = Some((i + 1, true));
        }
        let Some((e, specific)) = best else {
            i += 1;
            continue;
        };
        if ctx
            .tok(e)
            .is_some_and(|n| n.is_word() && SCHOOL_NOT_AFTER.contains(&n.folded.as_str()))
            && !specific
        {
            i = e;
            continue;
        }
        if ctx
            .tok(e)
            .is_some_and(|n| n.is_word() && (n.folded == "rhymes" || n.folded == "rhyme"))
        {
            i = e;
            continue;
        }
        // Name before: capitalised run ending at i, with keyword capitalised.
        let mut s = i;
        if t.cap {
            let mut k = i;
            while k > 0 {
                let p = &toks[k - 1];
                let link = p.is_word() && matches!(p.folded.as_str(), "s" | "of" | "st" | "saint")
                    || matches!(p.kind, TokKind::Punct('\'' | '’' | '-' | '.')) && !p.space_before;
                if p.is_word() && p.cap && !NOT_A_SCHOOL_NAME.contains(&p.folded.as_str())
                    || link && k >= 2
                {
                    k -= 1;
                } else {
                    break;
                }
            }
            while k < i && !toks[k].is_word() {
                k += 1;
            }
            if k < i {
                let first = &toks[k];
                let everyday =
                    ctx.is_common(&first.folded) || ctx.d.lang_words.contains_key(&first.folded);
                let ok = !first.sentence_start || !everyday || i - k >= 2;
                if ok && first.cap {
                    s = k;
                }
            }
        }
        // Name after: "école Jean Jaurès", "Grundschule am Park", "Kita Sonnenschein".
        let mut end = e;
        {
            let mut k = e;
            let mut names = 0;
            while let Some(w) = ctx.tok(k) {
                if k > e + 5 {
                    break;
                }
                if w.is_word()
                    && w.cap
                    && !WEEKDAYS.contains(&w.folded.as_str())
                    && !MONTHS.contains(&w.folded.as_str())
                    && !w.sentence_start
                {
                    names += 1;
                    k += 1;
                    end = k;
                } else if w.is_word() && SCHOOL_LINKERS.contains(&w.folded.as_str()) && names == 0
                    || matches!(w.kind, TokKind::Punct('-' | '\'' | '’')) && !w.space_before
                {
                    k += 1;
                } else {
                    break;
                }
            }
            if names == 0 {
                end = e;
            }
        }
        let named = s < i || end > e;
        if named {
            // A capitalised school name made only of a place ("Mamer school") is still a school.
            out.push(ctx.cand(
                FindingKind::School,
                Severity::Medium,
                s,
                end,
                "school.named",
                Some(Repl::Message("rw.school")),
            ));
            i = end;
            continue 'outer;
        }
        if specific {
            out.push(ctx.cand(
                FindingKind::School,
                Severity::Low,
                i,
                e,
                "school.type",
                None,
            ));
        }
        i = e;
    }
}

fn class_marker(ctx: &Ctx<'_>, i: usize) -> Option<usize> {
    let t = ctx.tok(i)?;
    let num_ok = |k: usize, max: u32| {
        ctx.tok(k)
            .and_then(Token::small_number)
            .is_some_and(|v| v >= 1 && v <= max)
    };
    let num_letter = |k: usize| {
        ctx.tok(k).is_some_and(|w| {
            let f = w.folded.as_bytes();
            w.is_word()
                && f.len() == 2
                && f[0].is_ascii_digit()
                && f[0] != b'0'
                && f[1].is_ascii_alphabetic()
        })
    };
    match t.folded.as_str() {
        "year" if t.cap && ctx.on(EN) && num_ok(i + 1, 13) => Some(i + 2),
        "grade" if ctx.on(EN) && num_ok(i + 1, 12) => Some(i + 2),
        "reception" if ctx.on(EN) && ctx.tok(i + 1).is_some_and(|c| c.folded == "class") => {
            Some(i + 2)
        }
        "klasse" if ctx.on(DE) && (num_ok(i + 1, 13) || num_letter(i + 1)) => Some(i + 2),
        "groep" if ctx.on(NL) && num_ok(i + 1, 8) => Some(i + 2),
        "brugklas" if ctx.on(NL) => Some(i + 1),
        "erstklassler" | "einschulung" | "schulkind" if ctx.on(DE) => Some(i + 1),
        "cp" | "ce1" | "ce2" | "cm1" | "cm2"
            if ctx.on(FR) && t.text(ctx.text).chars().all(|c| !c.is_lowercase()) =>
        {
            Some(i + 1)
        }
        "petite" | "moyenne" | "grande"
            if ctx.on(FR) && ctx.tok(i + 1).is_some_and(|s| s.folded == "section") =>
        {
            Some(i + 2)
        }
        _ if t.is_number()
            && ctx.on(DE)
            && ctx.tok(i + 1).is_some_and(|p| p.is_punct('.'))
            && ctx.tok(i + 2).is_some_and(|k| k.folded == "klasse")
            && num_ok(i, 13) =>
        {
            Some(i + 3)
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// age and birthday

/// (phrase, languages, reason): `{n}` is the age.
const AGE_PHRASES: &[(&str, u8, &str)] = &[
    ("turns {n}", EN, "age.age"),
    ("turned {n}", EN, "age.age"),
    ("turning {n}", EN, "age.age"),
    ("{n} years old", EN, "age.age"),
    ("{n} year old", EN, "age.age"),
    ("{n} yrs old", EN, "age.age"),
    ("{n} yo", EN, "age.age"),
    ("aged {n}", EN, "age.age"),
    ("{n} months old", EN, "age.age"),
    ("{n} month old", EN, "age.age"),
    ("{n} weeks old", EN, "age.age"),
    ("{n} days old", EN, "age.age"),
    ("is {n} today", EN, "age.age"),
    ("happy birthday", EN, "age.birthday"),
    ("birthday girl", EN, "age.birthday"),
    ("birthday boy", EN, "age.birthday"),
    ("half birthday", EN, "age.birthday"),
    ("' s birthday", EN, "age.birthday"),
    ("first birthday", EN, "age.birthday"),
    ("second birthday", EN, "age.birthday"),
    ("third birthday", EN, "age.birthday"),
    ("a {n} ans", FR, "age.age"),
    ("fete ses {n} ans", FR, "age.age"),
    ("souffle ses {n} bougies", FR, "age.age"),
    ("{n} ans", FR, "age.age"),
    ("{n} mois", FR, "age.age"),
    ("joyeux anniversaire", FR, "age.birthday"),
    ("bon anniversaire", FR, "age.birthday"),
    ("son anniversaire", FR, "age.birthday"),
    ("wird {n}", DE, "age.age"),
    ("wurde {n}", DE, "age.age"),
    ("ist {n} geworden", DE, "age.age"),
    ("ist heute {n} geworden", DE, "age.age"),
    ("wird heute {n}", DE, "age.age"),
    ("ist jetzt {n}", DE, "age.age"),
    ("{n} jahre alt", DE, "age.age"),
    ("{n} monate alt", DE, "age.age"),
    ("{n} . geburtstag", DE, "age.birthday"),
    ("alles gute zum geburtstag", DE, "age.birthday"),
    ("zum geburtstag", DE, "age.birthday"),
    ("geburtstagskind", DE, "age.birthday"),
    ("wordt {n}", NL, "age.age"),
    ("werd {n}", NL, "age.age"),
    ("is {n} geworden", NL, "age.age"),
    ("{n} jaar oud", NL, "age.age"),
    ("{n} maanden oud", NL, "age.age"),
    ("is vandaag {n}", NL, "age.age"),
    ("wordt vandaag {n}", NL, "age.age"),
    ("anniversaire", FR, "age.birthday"),
    ("jarig", NL, "age.birthday"),
    ("verjaardag", NL, "age.birthday"),
    ("hoera {n} jaar", NL, "age.age"),
];
/// First words of the age phrases that carry the verb, so the rewrite must carry one too.
const AGE_VERBS: &[&str] = &[
    "turns", "turned", "turning", "is", "a", "fete", "souffle", "wird", "wurde", "ist", "wordt",
    "werd", "hoera",
];
const BORN_PHRASES: &[(&str, u8)] = &[
    ("born on", EN),
    ("born", EN),
    ("ne le", FR),
    ("nee le", FR),
    ("ne en", FR),
    ("nee en", FR),
    ("geboren am", DE),
    ("geboren im", DE),
    ("geboren op", NL),
    ("geboren", DE | NL),
];
/// Words after "{n}" that make it a measure, not an age ("turns 5 pages", "wird 7 Uhr").
const NOT_AGE_AFTER: &[&str] = &[
    "minutes", "minute", "min", "hours", "hour", "degrees", "pages", "times", "km", "miles",
    "euros", "euro", "uhr", "minuten", "stunden", "grad", "mal", "keer", "uur", "graden", "fois",
    "heures", "h", "pm", "am", "%", "kg", "kilo", "cm", "m", "pounds", "points", "punkte",
    "punten", "ago",
];
const NOT_AGE_BEFORE: &[&str] = &[
    "il y a", "il y", "fait", "depuis", "pendant", "apres", "dans", "en", "voila",
];

fn ages(ctx: &Ctx<'_>, out: &mut Vec<Candidate>) {
    let toks = ctx.toks;
    let age_index = &indexes().age;
    let born_index = &indexes().born;
    let mut i = 0;
    while i < toks.len() {
        let mut hit: Option<(usize, &'static str)> = None;
        for k in ctx.candidates(i, age_index) {
            let (p, m, why) = AGE_PHRASES[k];
            if !ctx.on(m) {
                continue;
            }
            if let Some(e) = ctx.phrase(i, p) {
                if hit.is_none_or(|(he, _)| e > he) {
                    hit = Some((e, why));
                }
            }
        }
        // Ordinals: "6th birthday", "6e anniversaire", "6de verjaardag".
        if let Some(t) = ctx.word(i) {
            let f = t.folded.as_str();
            let digits = f.chars().take_while(char::is_ascii_digit).count();
            let suffix = &f[digits..];
            if digits > 0
                && digits <= 2
                && [
                    "st", "nd", "rd", "th", "e", "eme", "er", "de", "ste", "ieme",
                ]
                .contains(&suffix)
            {
                if let Some(n) = ctx.word(i + 1) {
                    if [
                        "birthday",
                        "anniversaire",
                        "verjaardag",
                        "geburtstag",
                        "bday",
                    ]
                    .contains(&n.folded.as_str())
                    {
                        hit = Some((i + 2, "age.birthday"));
                    }
                }
            }
        }
        if let Some((e, why)) = hit {
            let has_n = (i..e).find(|&k| ctx.tok(k).is_some_and(Token::is_number));
            let bad_after = ctx
                .tok(e)
                .is_some_and(|n| NOT_AGE_AFTER.contains(&n.folded.as_str()) || n.is_punct('%'));
            let bad_before = NOT_AGE_BEFORE.iter().any(|b| {
                let words = b.split(' ').count();
                i >= words && ctx.phrase(i - words, b) == Some(i)
            });
            let big = has_n
                .and_then(|k| toks[k].small_number())
                .is_some_and(|v| v > 19);
            // Plain "{n} ans" also counts time spans; "{n} ans de mariage" is not an age.
            let fr_bare = ctx.phrase(i, "{n} ans").is_some()
                && e == i + 2
                && ctx
                    .tok(e)
                    .is_some_and(|n| n.folded == "de" || n.folded == "d");
            if !(bad_before || big || fr_bare || (bad_after && has_n.is_some())) {
                // "Lily turns 6" → "Lily is growing up"; "Paul, 5 years old," → "Paul,".
                let verb = ctx
                    .word(i)
                    .is_some_and(|w| AGE_VERBS.contains(&w.folded.as_str()));
                let repl = if why == "age.birthday" {
                    None
                } else if verb {
                    Some(Repl::Message("rw.age"))
                } else {
                    Some(Repl::Delete)
                };
                out.push(ctx.cand(
                    FindingKind::AgeOrBirthday,
                    Severity::Medium,
                    i,
                    e,
                    why,
                    repl,
                ));
                i = e;
                continue;
            }
        }
        // "born on 3 May 2019", "né le 3 mai", "geboren am 3. Mai 2019".
        for k in ctx.candidates(i, born_index) {
            let (p, m) = BORN_PHRASES[k];
            if !ctx.on(m) {
                continue;
            }
            if let Some(mut e) = ctx.phrase(i, p) {
                let date_start = e;
                let mut saw_month = false;
                let mut saw_num = false;
                while let Some(t) = ctx.tok(e) {
                    if e > date_start + 6 {
                        break;
                    }
                    let f = t.folded.as_str();
                    if t.is_number() && f.len() <= 4 {
                        saw_num = true;
                    } else if t.is_word() && MONTHS.contains(&f) {
                        saw_month = true;
                    } else if t.is_word()
                        && (f == "1er"
                            || f.trim_end_matches(|c: char| c.is_ascii_alphabetic())
                                .parse::<u32>()
                                .is_ok_and(|v| v <= 31)
                                && f.starts_with(|c: char| c.is_ascii_digit()))
                    {
                        saw_num = true;
                    } else if !(t.is_punct('.')
                        || t.is_punct(',')
                        || t.is_punct('/')
                        || f == "of"
                        || f == "the")
                    {
                        break;
                    }
                    e += 1;
                }
                while e > date_start
                    && ctx
                        .tok(e - 1)
                        .is_some_and(|t| matches!(t.kind, TokKind::Punct(_)))
                {
                    e -= 1;
                }
                if saw_month || (saw_num && e > date_start) {
                    let sev = if saw_month && saw_num {
                        Severity::High
                    } else {
                        Severity::Medium
                    };
                    out.push(ctx.cand(
                        FindingKind::AgeOrBirthday,
                        sev,
                        i,
                        e,
                        "age.birthdate",
                        Some(Repl::Delete),
                    ));
                    i = e.saturating_sub(1);
                    break;
                }
            }
        }
        i += 1;
    }
}

// ---------------------------------------------------------------------------------------------
// names

const PARTICLES: &[&str] = &[
    "van", "de", "der", "den", "von", "du", "le", "la", "ter", "ten", "da", "di", "mac", "mc", "o",
];

fn names(ctx: &Ctx<'_>, out: &mut Vec<Candidate>) {
    let toks = ctx.toks;
    let ages: Vec<(usize, usize)> = out
        .iter()
        .filter(|c| c.kind == FindingKind::AgeOrBirthday)
        .map(|c| (c.start, c.end))
        .collect();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let is_first = t.is_word()
            && t.cap
            && ctx.d.first_names.contains(&t.folded)
            && !not_a_place(&t.folded);
        // "école Jean Jaurès", "Lycée Victor Hugo": a school named after someone is a school.
        let after_school_word = i > 0
            && ctx.word(i - 1).is_some_and(|p| {
                SCHOOL_WORDS
                    .iter()
                    .any(|s| s.0.rsplit(' ').next() == Some(p.folded.as_str()) && !s.2)
            });
        if !is_first || after_school_word {
            i += 1;
            continue;
        }
        // First + (middle) + last.
        let mut k = i + 1;
        if ctx
            .word(k)
            .is_some_and(|w| w.cap && ctx.d.first_names.contains(&w.folded))
            && ctx.word(k + 1).is_some_and(|w| w.cap)
        {
            k += 1;
        }
        let mut last_end = None;
        if let Some(w) = ctx.word(k) {
            if w.space_before {
                let p = PARTICLES.contains(&w.folded.as_str()) && !w.cap
                    || matches!(w.folded.as_str(), "van" | "von" | "de");
                if p {
                    let mut m = k + 1;
                    if ctx
                        .word(m)
                        .is_some_and(|x| matches!(x.folded.as_str(), "der" | "den" | "de" | "la"))
                    {
                        m += 1;
                    }
                    if ctx.word(m).is_some_and(|x| x.cap) {
                        last_end = Some(m + 1);
                    }
                } else if w.cap {
                    let known = ctx.d.last_names.contains(&w.folded);
                    let unknown_ok = matches!(
                        ctx.detected,
                        Some(Language::En | Language::Fr | Language::Nl)
                    ) && w.folded.chars().count() >= 3
                        && !ctx.is_common_any(&w.folded)
                        && !ctx.d.places.contains_key(&w.folded)
                        && !ctx.d.first_names.contains(&w.folded)
                        && !not_a_place(&w.folded)
                        && w.folded.chars().all(char::is_alphabetic)
                        && !SCHOOL_WORDS.iter().any(|s| s.0 == w.folded);
                    let street_next = ctx
                        .word(k + 1)
                        .is_some_and(|s| STREET_AFTER.iter().any(|x| x.0 == s.folded) && s.cap);
                    let school_next = ctx
                        .word(k + 1)
                        .is_some_and(|s| SCHOOL_WORDS.iter().any(|x| x.0 == s.folded) && s.cap);
                    if (known || unknown_ok)
                        && !street_next
                        && !school_next
                        && ctx
                            .d
                            .places
                            .get(&w.folded)
                            .is_none_or(|p| p.bucket < if known { 5 } else { 4 })
                    {
                        let mut e = k + 1;
                        // Double-barrelled: "Müller-Schmit".
                        if ctx
                            .tok(e)
                            .is_some_and(|h| h.is_punct('-') && !h.space_before)
                            && ctx.word(e + 1).is_some_and(|x| x.cap)
                        {
                            e += 2;
                        }
                        last_end = Some(e);
                    }
                }
            }
        }
        let full = last_end.is_some();
        let n = last_end.unwrap_or(i + 1);
        // An age right after the name: "Emma (6)", "Emma, 6,", "Mia Thompson is 7".
        let age_ok = |k: usize| {
            ctx.tok(k)
                .and_then(Token::small_number)
                .is_some_and(|v| v <= 18)
        };
        let mut age_here = None;
        if ctx.tok(n).is_some_and(|p| p.is_punct('('))
            && age_ok(n + 1)
            && ctx.tok(n + 2).is_some_and(|p| p.is_punct(')'))
        {
            age_here = Some((n, n + 3));
        } else if ctx.tok(n).is_some_and(|p| p.is_punct(','))
            && age_ok(n + 1)
            && ctx.tok(n + 2).is_none_or(|x| {
                matches!(x.kind, TokKind::Punct(_))
                    || matches!(
                        x.folded.as_str(),
                        "ans" | "jaar" | "jahre" | "years" | "year"
                    )
            })
        {
            let e = if ctx.tok(n + 2).is_some_and(|x| x.is_word()) {
                n + 3
            } else {
                n + 2
            };
            age_here = Some((n + 1, e));
        } else if ctx
            .word(n)
            .is_some_and(|v| matches!(v.folded.as_str(), "is" | "ist" | "est" | "wird" | "wordt"))
            && age_ok(n + 1)
            && ctx
                .tok(n + 2)
                .is_none_or(|x| !NOT_AGE_AFTER.contains(&x.folded.as_str()))
        {
            age_here = Some((n, n + 2));
        }
        if let Some((s, e)) = age_here {
            out.push(ctx.cand(
                FindingKind::AgeOrBirthday,
                Severity::Medium,
                s,
                e,
                "age.age",
                Some(Repl::Delete),
            ));
        }
        if full {
            let repl = Repl::Literal(t.text(ctx.text).to_string());
            out.push(ctx.cand(
                FindingKind::FullName,
                Severity::Medium,
                i,
                n,
                "full_name.name",
                Some(repl),
            ));
            i = n;
            continue;
        }
        let after = t.end;
        // An age found by the age rules within 3 tokens: "Emma turns 6", "Emma's 6th birthday".
        let before = t.start;
        let next_age = age_here.is_some()
            || ages.iter().any(|&(s, _)| s >= after && toks.iter().filter(|x| x.start >= after && x.end <= s).count() <= 3)
            // "Happy 4th birthday to our little Freddie"
            || ages.iter().any(|&(_, e)| e <= before && toks.iter().filter(|x| x.start >= e && x.end <= before).count() <= 4);
        if next_age {
            out.push(ctx.cand(
                FindingKind::FullName,
                Severity::Medium,
                i,
                i + 1,
                "full_name.name_age",
                None,
            ));
        }
        i += 1;
    }
}

// ---------------------------------------------------------------------------------------------
// routine

const RECURRENCE: &[(&str, u8)] = &[
    ("every {day}", EN),
    ("every other {day}", EN),
    ("each {day}", EN),
    ("every single {day}", EN),
    ("tous les {day}", FR),
    ("toutes les semaines", FR),
    ("chaque {day}", FR),
    ("jeden {day}", DE),
    ("jede woche", DE),
    ("jedes wochenende", DE),
    ("immer {day}", DE),
    ("elke {day}", NL),
    ("iedere {day}", NL),
    ("elk weekend", NL),
    ("wekelijks", NL),
    ("weekly", EN),
    ("woechentlich", DE),
];
const VENUES: &[&str] = &[
    "pool",
    "swimming",
    "swim",
    "playground",
    "park",
    "library",
    "gym",
    "church",
    "ballet",
    "dance",
    "football",
    "soccer",
    "practice",
    "training",
    "lessons",
    "lesson",
    "class",
    "club",
    "school",
    "nursery",
    "daycare",
    "piscine",
    "parc",
    "bibliotheque",
    "judo",
    "danse",
    "foot",
    "gymnastique",
    "eglise",
    "ecole",
    "creche",
    "natation",
    "schwimmbad",
    "spielplatz",
    "turnhalle",
    "bucherei",
    "kirche",
    "schwimmen",
    "kita",
    "kindergarten",
    "zwembad",
    "speeltuin",
    "bibliotheek",
    "sporthal",
    "zwemles",
    "zwemmen",
    "voetbal",
    "turnen",
    "kerk",
    "opvang",
    "market",
    "marche",
    "markt",
    "lycee",
    "college",
    "skatepark",
    "stables",
    "riding",
    "reitstall",
    "manege",
    "field",
    "pitch",
    "rink",
];

fn routines(ctx: &Ctx<'_>, out: &mut Vec<Candidate>) {
    let toks = ctx.toks;
    let recurrence_index = &indexes().recurrence;
    let places: Vec<(usize, usize)> = out
        .iter()
        .filter(|c| matches!(c.kind, FindingKind::Location | FindingKind::School))
        .map(|c| (c.start, c.end))
        .collect();
    let mut i = 0;
    while i < toks.len() {
        let mut hit = None;
        for k in ctx.candidates(i, recurrence_index) {
            let (p, m) = RECURRENCE[k];
            if ctx.on(m) {
                if let Some(e) = ctx.phrase(i, p) {
                    hit = hit.max(Some(e));
                }
            }
        }
        if hit.is_none()
            && ctx
                .word(i)
                .is_some_and(|t| WEEKDAYS_PLURAL.contains(&t.folded.as_str()))
        {
            hit = Some(i + 1);
        }
        // "le mercredi matin", "le samedi après-midi"
        if hit.is_none()
            && ctx.on(FR)
            && ctx.tok(i).is_some_and(|t| t.folded == "le")
            && ctx
                .word(i + 1)
                .is_some_and(|d| WEEKDAYS.contains(&d.folded.as_str()))
            && ctx
                .word(i + 2)
                .is_some_and(|p| matches!(p.folded.as_str(), "matin" | "soir" | "apres"))
        {
            hit = Some(i + 3);
        }
        let Some(e) = hit else {
            i += 1;
            continue;
        };
        // Look for a venue, place or time in the same sentence: up to 8 tokens after, 6 before.
        let mut span_end = e;
        let mut span_start = i;
        let mut has_place = false;
        let mut has_time = false;
        let mut k = e;
        while let Some(t) = ctx.tok(k) {
            if k >= e + 8
                || (matches!(t.kind, TokKind::Punct('.' | '!' | '?' | '\n')))
                || t.kind == TokKind::Hashtag
            {
                break;
            }
            if t.is_word() && VENUES.contains(&t.folded.as_str())
                || places.iter().any(|&(s, pe)| t.start >= s && t.end <= pe)
            {
                has_place = true;
                span_end = k + 1;
            } else if is_time(ctx, k) {
                has_time = true;
                span_end = k + 1;
            }
            k += 1;
        }
        let mut k = i;
        while k > 0 && k + 6 > i {
            let t = &toks[k - 1];
            if matches!(t.kind, TokKind::Punct('.' | '!' | '?' | '\n')) {
                break;
            }
            if t.is_word() && VENUES.contains(&t.folded.as_str())
                || places.iter().any(|&(s, pe)| t.start >= s && t.end <= pe)
            {
                has_place = true;
                span_start = k - 1;
            }
            k -= 1;
        }
        if has_place || has_time {
            let (s, en) = ctx.char_span(span_start, span_end);
            let (rs, re) = ctx.char_span(i, e);
            let (sev, why) = if has_place {
                (Severity::High, "routine.place")
            } else {
                (Severity::Medium, "routine.recurring")
            };
            out.push(Candidate {
                kind: FindingKind::Routine,
                severity: sev,
                start: s,
                end: en,
                reason_id: why,
                rewrite: Some((rs, re, Repl::Message("rw.routine"))),
            });
            i = span_end.max(e);
        } else {
            i = e;
        }
    }
}

fn is_time(ctx: &Ctx<'_>, k: usize) -> bool {
    let Some(t) = ctx.tok(k) else { return false };
    let f = t.folded.as_str();
    if t.is_word() {
        let digits = f.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && digits <= 2 {
            let rest = &f[digits..];
            return matches!(rest, "am" | "pm" | "h" | "u" | "uhr")
                || rest.starts_with('h') && rest[1..].chars().all(|c| c.is_ascii_digit());
        }
        return false;
    }
    if t.small_number().is_some_and(|v| v <= 24) {
        let n = ctx.tok(k + 1);
        return n.is_some_and(|n| {
            matches!(
                n.folded.as_str(),
                "am" | "pm" | "uhr" | "h" | "uur" | "u" | "o"
            )
        }) || n.is_some_and(|n| n.is_punct(':'))
            && ctx.tok(k + 2).is_some_and(Token::is_number)
            || k > 0
                && ctx
                    .tok(k - 1)
                    .is_some_and(|p| matches!(p.folded.as_str(), "at" | "um" | "om" | "vers"));
    }
    false
}

// ---------------------------------------------------------------------------------------------
// sensitive words

/// (phrase, languages, severity): plain words that mark the kind of photo predators collect.
const SENSITIVE_WORDS: &[(&str, u8, Severity)] = &[
    ("bath", ANY, Severity::Medium),
    ("baths", ANY, Severity::Medium),
    ("bathtime", ANY, Severity::Medium),
    ("bathing", ANY, Severity::Medium),
    ("bathtub", ANY, Severity::Medium),
    ("in the tub", ANY, Severity::Medium),
    ("tub time", ANY, Severity::Medium),
    ("potty", ANY, Severity::Medium),
    ("toilet training", ANY, Severity::Medium),
    ("naked", ANY, Severity::Medium),
    ("nude", ANY, Severity::Medium),
    ("nudie", ANY, Severity::Medium),
    ("nakey", ANY, Severity::Medium),
    ("no clothes", ANY, Severity::Medium),
    ("birthday suit", ANY, Severity::Medium),
    ("diaper", ANY, Severity::Medium),
    ("diapers", ANY, Severity::Medium),
    ("nappy", ANY, Severity::Medium),
    ("nappies", ANY, Severity::Medium),
    ("swimsuit", ANY, Severity::Medium),
    ("swimsuits", ANY, Severity::Medium),
    ("swimming costume", ANY, Severity::Medium),
    ("bathing suit", ANY, Severity::Medium),
    ("bikini", ANY, Severity::Medium),
    ("swimwear", ANY, Severity::Medium),
    ("gymnastics", ANY, Severity::Medium),
    ("gymnast", ANY, Severity::Medium),
    ("the splits", ANY, Severity::Medium),
    ("doing splits", ANY, Severity::Medium),
    ("leotard", ANY, Severity::Medium),
    ("underwear", ANY, Severity::Medium),
    ("in the shower", ANY, Severity::Medium),
    ("beach", ANY, Severity::Low),
    ("seaside", ANY, Severity::Low),
    ("bedtime", ANY, Severity::Low),
    ("pyjamas", ANY, Severity::Low),
    ("pajamas", ANY, Severity::Low),
    ("jammies", ANY, Severity::Low),
    ("bain", ANY, Severity::Medium),
    ("apprentissage du pot", ANY, Severity::Medium),
    ("topfchentraining", ANY, Severity::Medium),
    ("baignoire", ANY, Severity::Medium),
    ("sur le pot", ANY, Severity::Medium),
    ("proprete", FR | STRICT, Severity::Medium),
    ("tout nu", ANY, Severity::Medium),
    ("toute nue", ANY, Severity::Medium),
    ("nu", FR | STRICT, Severity::Medium),
    ("nue", FR | STRICT, Severity::Medium),
    ("nus", FR | STRICT, Severity::Medium),
    ("a poil", FR | STRICT, Severity::Medium),
    ("couche", FR | STRICT, Severity::Medium),
    ("couches", FR | STRICT, Severity::Medium),
    ("maillot de bain", ANY, Severity::Medium),
    ("gymnastique", ANY, Severity::Medium),
    ("grand ecart", ANY, Severity::Medium),
    ("justaucorps", ANY, Severity::Medium),
    ("sous la douche", ANY, Severity::Medium),
    ("plage", ANY, Severity::Low),
    ("pyjama", ANY, Severity::Low),
    ("heure du coucher", ANY, Severity::Low),
    ("baden", DE | STRICT, Severity::Medium),
    ("badewanne", ANY, Severity::Medium),
    ("badezeit", ANY, Severity::Medium),
    ("im bad", DE | STRICT, Severity::Medium),
    ("nackt", ANY, Severity::Medium),
    ("nackig", ANY, Severity::Medium),
    ("nackedei", ANY, Severity::Medium),
    ("ohne kleidung", ANY, Severity::Medium),
    ("topfchen", ANY, Severity::Medium),
    ("windel", ANY, Severity::Medium),
    ("windeln", ANY, Severity::Medium),
    ("badeanzug", ANY, Severity::Medium),
    ("badehose", ANY, Severity::Medium),
    ("turnen", DE | NL | STRICT, Severity::Medium),
    ("spagat", ANY, Severity::Medium),
    ("gymnastik", ANY, Severity::Medium),
    ("turnanzug", ANY, Severity::Medium),
    ("unter der dusche", ANY, Severity::Medium),
    ("strand", DE | NL | STRICT, Severity::Low),
    ("schlafenszeit", ANY, Severity::Low),
    ("schlafanzug", ANY, Severity::Low),
    ("in bad", NL | STRICT, Severity::Medium),
    ("in het bad", ANY, Severity::Medium),
    ("badje", ANY, Severity::Medium),
    ("badtijd", ANY, Severity::Medium),
    ("badderen", ANY, Severity::Medium),
    ("potje", NL | STRICT, Severity::Medium),
    ("zindelijk", ANY, Severity::Medium),
    ("zindelijkheidstraining", ANY, Severity::Medium),
    ("naakt", ANY, Severity::Medium),
    ("bloot", ANY, Severity::Medium),
    ("blootje", ANY, Severity::Medium),
    ("blote billen", ANY, Severity::Medium),
    ("luier", ANY, Severity::Medium),
    ("luiers", ANY, Severity::Medium),
    ("badpak", ANY, Severity::Medium),
    ("zwembroek", ANY, Severity::Medium),
    ("spagaat", ANY, Severity::Medium),
    ("turnpakje", ANY, Severity::Medium),
    ("onder de douche", ANY, Severity::Medium),
    ("bedtijd", ANY, Severity::Low),
];

fn sensitive_words(ctx: &Ctx<'_>, out: &mut Vec<Candidate>) {
    let toks = ctx.toks;
    let sensitive_index = &indexes().sensitive;
    let mut i = 0;
    while i < toks.len() {
        let Some(t) = ctx.word(i) else {
            i += 1;
            continue;
        };
        let mut best: Option<(usize, Severity)> = None;
        for k in ctx.candidates(i, sensitive_index) {
            let (p, m, sev) = SENSITIVE_WORDS[k];
            if ctx.on(m) {
                if let Some(e) = ctx.phrase(i, p) {
                    if best.is_none_or(|(be, _)| e > be) {
                        best = Some((e, sev));
                    }
                }
            }
        }
        let Some((e, sev)) = best else {
            i += 1;
            continue;
        };
        // "in Bath", "visiting Bath": the city, not a bath; "baby shower" is a party.
        let city =
            t.cap && ctx.locative_before(i) && e == i + 1 && ctx.d.places.contains_key(&t.folded);
        let after = ctx.word(e).map(|w| w.folded.as_str());
        let not_it = matches!(after, Some("bomb" | "bombs" | "towel" | "towels" | "salts" | "mat")) && t.folded.starts_with("bath")
            || t.folded == "potty" && matches!(after, Some("mouth"))
            // "bain de soleil" (sunbathing, a lounger), "sur le pot de confiture"
            || (t.folded == "bain" || e > i + 1 && ctx.tok(e - 1).is_some_and(|x| x.folded == "pot")) && matches!(after, Some("de" | "d"))
            // "couché" (lying down, sunset) is not "couche" (nappy)
            || t.folded.starts_with("couche") && !ctx.lower(i).starts_with("couche");
        if !city && !not_it {
            out.push(ctx.cand(
                FindingKind::SensitiveContent,
                sev,
                i,
                e,
                "sensitive.word",
                None,
            ));
        }
        i = e;
    }
}

// ---------------------------------------------------------------------------------------------
// assembly

fn priority(c: &Candidate) -> u8 {
    match (c.kind, c.reason_id) {
        (FindingKind::Contact, _) => 0,
        (FindingKind::SearchableHashtag, _) => 1,
        (FindingKind::Location, "location.address" | "location.postcode") => 2,
        (FindingKind::FullName, _) => 3,
        (FindingKind::School, _) => 4,
        (FindingKind::AgeOrBirthday, _) => 5,
        (FindingKind::Location, _) => 6,
        (FindingKind::SensitiveContent, _) => 7,
        (FindingKind::Routine, _) => 8,
    }
}

pub(crate) fn assemble(
    ctx: &Ctx<'_>,
    mut cands: Vec<Candidate>,
    out_lang: Language,
) -> CaptionReport {
    let text = ctx.text;
    let detected = ctx.detected;
    // Char offsets of words that follow a capitalised first name.
    let first_name_before: Vec<usize> = ctx
        .toks
        .windows(2)
        .filter(|w| w[0].is_word() && w[0].cap && ctx.d.first_names.contains(&w[0].folded))
        .map(|w| w[1].start)
        .collect();
    let total = char_len(text);
    cands.retain(|c| c.start < c.end && c.end <= total);
    // Settle overlaps: routines may overlap anything; otherwise the higher-priority, then longer,
    // candidate wins.
    cands.sort_by_key(|c| (priority(c), std::cmp::Reverse(c.end - c.start), c.start));
    let mut kept: Vec<Candidate> = Vec::new();
    for c in cands {
        let shareable = |a: FindingKind, b: FindingKind| {
            a == FindingKind::Routine
                || b == FindingKind::Routine
                || matches!(
                    (a, b),
                    (FindingKind::School, FindingKind::Location)
                        | (FindingKind::Location, FindingKind::School)
                )
        };
        let clash = kept
            .iter()
            .any(|k| !shareable(k.kind, c.kind) && k.start < c.end && c.start < k.end);
        let dup = kept
            .iter()
            .any(|k| k.kind == c.kind && k.start < c.end && c.start < k.end);
        if !clash && !dup {
            kept.push(c);
        }
    }
    let school_starts: Vec<usize> = kept
        .iter()
        .filter(|c| c.kind == FindingKind::School)
        .map(|c| c.start)
        .collect();
    kept.retain(|c| {
        !(c.kind == FindingKind::Location
            && c.reason_id == "location.town"
            && school_starts.contains(&c.start))
    });
    // "Lycée Michel Rodange": a town name right after a first name inside a school name is a
    // person's surname.
    let schools: Vec<(usize, usize)> = kept
        .iter()
        .filter(|c| c.kind == FindingKind::School)
        .map(|c| (c.start, c.end))
        .collect();
    kept.retain(|c| {
        !(c.kind == FindingKind::Location
            && c.reason_id == "location.town"
            && schools.iter().any(|&(s, e)| s <= c.start && c.end <= e)
            && first_name_before.contains(&c.start))
    });
    kept.sort_by_key(|c| (c.start, c.end));

    // Severity escalation when findings combine.
    let idx = |pred: &dyn Fn(&Candidate) -> bool| -> Vec<usize> {
        kept.iter()
            .enumerate()
            .filter(|(_, c)| pred(c))
            .map(|(i, _)| i)
            .collect()
    };
    let names = idx(&|c| c.kind == FindingKind::FullName);
    let schools = idx(&|c| c.kind == FindingKind::School && c.reason_id != "school.type");
    let any_school = idx(&|c| c.kind == FindingKind::School);
    let towns = idx(&|c| c.kind == FindingKind::Location && c.reason_id != "location.home");
    let contacts = idx(&|c| c.kind == FindingKind::Contact);
    let routines = idx(&|c| c.kind == FindingKind::Routine);
    let ages = idx(&|c| c.kind == FindingKind::AgeOrBirthday);
    let sensitive =
        idx(&|c| c.kind == FindingKind::SensitiveContent || c.reason_id == "hashtag.sensitive");
    let mut combos: Vec<(&'static str, Vec<usize>)> = Vec::new();
    fn push(
        combos: &mut Vec<(&'static str, Vec<usize>)>,
        id: &'static str,
        groups: &[&Vec<usize>],
    ) {
        if groups.iter().all(|g| !g.is_empty()) {
            let mut all: Vec<usize> = groups.iter().flat_map(|g| g.iter().copied()).collect();
            all.sort_unstable();
            all.dedup();
            combos.push((id, all));
        }
    }
    push(&mut combos, "name_and_school", &[&names, &schools]);
    push(&mut combos, "name_and_place", &[&names, &towns]);
    push(&mut combos, "name_and_contact", &[&names, &contacts]);
    let routine_places: Vec<usize> = routines
        .iter()
        .copied()
        .filter(|&r| kept[r].reason_id == "routine.place")
        .collect();
    if !routine_places.is_empty() {
        let mut all = routine_places.clone();
        all.extend(
            towns
                .iter()
                .chain(any_school.iter())
                .copied()
                .filter(|&p| kept[p].start >= kept[routine_places[0]].start.saturating_sub(80)),
        );
        all.sort_unstable();
        all.dedup();
        combos.push(("routine_and_place", all));
    } else {
        let mut places = towns.clone();
        places.extend(&schools);
        push(&mut combos, "routine_and_place", &[&routines, &places]);
    }
    let mut identity = names.clone();
    identity.extend(&towns);
    push(
        &mut combos,
        "sensitive_and_identity",
        &[&sensitive, &identity],
    );
    push(
        &mut combos,
        "age_school_place",
        &[&ages, &any_school, &towns],
    );
    let mut high: HashSet<usize> = HashSet::new();
    for (_, members) in &combos {
        high.extend(members.iter().copied());
    }

    let chars: Vec<char> = text.chars().collect();
    let findings: Vec<Finding> = kept
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let severity = if high.contains(&i) {
                Severity::High
            } else {
                c.severity
            };
            let text_of = |s: usize, e: usize| {
                chars
                    .get(s..e)
                    .map(|c| c.iter().collect::<String>())
                    .unwrap_or_default()
            };
            let rewrite = c.rewrite.as_ref().map(|(s, e, r)| Rewrite {
                start: *s,
                end: *e,
                replacement: match r {
                    Repl::Delete => String::new(),
                    Repl::Message(id) => msg(id, out_lang).to_string(),
                    Repl::Literal(s) => s.clone(),
                },
            });
            Finding {
                kind: c.kind,
                severity,
                start: c.start,
                end: c.end,
                text: text_of(c.start, c.end),
                reason_id: c.reason_id,
                reason: msg(c.reason_id, out_lang).to_string(),
                rewrite,
            }
        })
        .collect();
    let combined = combos
        .into_iter()
        .map(|(id, findings)| CombinedRisk {
            id,
            findings,
            reason: msg(id, out_lang).to_string(),
        })
        .collect();
    let overall = findings.iter().map(|f| f.severity).max();
    let safer_caption = apply_rewrites(text, &findings);
    CaptionReport {
        detected_language: detected,
        report_language: out_lang,
        findings,
        combined,
        overall,
        safer_caption,
        char_len: total,
        truncated: false,
    }
}

/// Applies the non-overlapping rewrites and tidies the spaces and punctuation they leave.
fn apply_rewrites(text: &str, findings: &[Finding]) -> String {
    let mut rw: Vec<&Rewrite> = findings.iter().filter_map(|f| f.rewrite.as_ref()).collect();
    rw.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for r in rw {
        if r.start < pos || r.end > chars.len() {
            continue;
        }
        out.extend(&chars[pos..r.start]);
        out.push_str(&match_case(
            &r.replacement,
            &chars[r.start..r.end],
            &chars[..r.start],
        ));
        pos = r.end;
    }
    out.extend(&chars[pos.min(chars.len())..]);
    tidy(&out)
}

/// The replacement, capitalised when the text it replaces starts a sentence with a capital
/// ("Every Saturday…" → "Sometimes…"); `before` is the text before it.
fn match_case(replacement: &str, replaced: &[char], before: &[char]) -> String {
    let mut out = String::with_capacity(replacement.len());
    let mut it = replacement.chars();
    let starts_sentence = before
        .iter()
        .rev()
        .find(|c| !c.is_whitespace())
        .is_none_or(|c| matches!(c, '.' | '!' | '?' | '\n'));
    match (it.next(), replaced.first()) {
        (Some(first), Some(orig)) if orig.is_uppercase() && starts_sentence => {
            out.extend(first.to_uppercase());
            out.extend(it);
        }
        _ => out.push_str(replacement),
    }
    out
}

fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.split('\n') {
        let mut l = String::with_capacity(line.len());
        for w in line.split(' ').filter(|w| !w.is_empty()) {
            let attach = w.starts_with([',', '.', '!', '?', ';', ')']) && !l.is_empty();
            if !l.is_empty() && !attach {
                l.push(' ');
            }
            l.push_str(w);
        }
        // "(, )" and ", ," left by deletions.
        let l = l.replace(",,", ",").replace("()", "").replace(" ,", ",");
        let l = l.trim_matches(|c: char| c == ',' || c == ' ').to_string();
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&l);
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every index the detectors use.
    fn all() -> [&'static PhraseIndex; 6] {
        let x = indexes();
        [
            &x.home,
            &x.school,
            &x.age,
            &x.born,
            &x.recurrence,
            &x.sensitive,
        ]
    }

    /// At every token of `caption`, the indexed candidates that match are exactly the phrases
    /// that match when every phrase of the table is tried (the index may only skip phrases that
    /// cannot match), in table order.
    fn index_agrees(caption: &str) {
        let toks = super::super::text::tokenize(caption);
        let ctx = Ctx {
            text: caption,
            toks: &toks,
            active: ANY,
            detected: None,
            d: super::super::data::dictionaries(),
        };
        for index in all() {
            for i in 0..=toks.len() {
                let every: Vec<(usize, usize)> = index
                    .phrases
                    .iter()
                    .enumerate()
                    .filter_map(|(k, p)| ctx.phrase(i, p).map(|e| (k, e)))
                    .collect();
                let listed: Vec<usize> = ctx.candidates(i, index).collect();
                assert!(listed.windows(2).all(|w| w[0] < w[1]), "{listed:?}");
                let found: Vec<(usize, usize)> = listed
                    .iter()
                    .filter_map(|&k| ctx.phrase(i, index.phrase(k)).map(|e| (k, e)))
                    .collect();
                assert_eq!(every, found, "token {i} of {caption:?}");
            }
        }
    }

    #[test]
    fn index_finds_every_phrase_of_every_table_at_its_start() {
        for index in all() {
            for p in &index.phrases {
                // Placeholders stand for what they match.
                let text = p.replace("{n}", "7").replace("{day}", "monday");
                let toks = super::super::text::tokenize(&text);
                let ctx = Ctx {
                    text: &text,
                    toks: &toks,
                    active: ANY,
                    detected: None,
                    d: super::super::data::dictionaries(),
                };
                assert!(
                    ctx.candidates(0, index)
                        .any(|k| ctx.phrase(0, index.phrase(k)).is_some()),
                    "{p:?} is not found at the start of {text:?}"
                );
                index_agrees(&text);
            }
        }
    }

    #[test]
    fn index_agrees_on_captions_in_four_languages() {
        for c in [
            "Lisa (7) at Sunnyside Primary on Elm Street every Tuesday at home #lisa2019",
            "Emma, 6 ans, à la maison après l'école Jules Ferry, chez nous à Lyon",
            "Max (5) vom Kindergarten Sonnenschein, zu Hause, jeden Montag um 8 Uhr",
            "Sophie (3 jaar) bij ons thuis, elke woensdag naar de basisschool De Regenboog",
            "born on 3 May 2019 — né le 3 mai — geboren am 3. Mai — 's birthday, 7 years old",
        ] {
            index_agrees(c);
        }
    }

    proptest! {
        /// Captions made of the tables' own words (in any order, case and punctuation), the
        /// inputs most likely to expose a phrase the index leaves out.
        #[test]
        fn index_agrees_on_phrase_word_soup(
            picks in proptest::collection::vec((0usize..10_000, 0usize..6), 1..40)
        ) {
            let words: Vec<String> = all()
                .iter()
                .flat_map(|index| index.phrases.iter())
                .flat_map(|p| p.split(' ').map(str::to_owned).collect::<Vec<_>>())
                .map(|w| w.replace("{n}", "12").replace("{day}", "Friday"))
                .collect();
            let seps = [" ", "-", "'", ", ", " À ", "’"];
            let mut caption = String::new();
            for (w, s) in picks {
                let word = &words[w % words.len()];
                if w % 3 == 0 {
                    caption.push_str(&word.to_uppercase());
                } else {
                    caption.push_str(word);
                }
                caption.push_str(seps[s]);
            }
            index_agrees(&caption);
        }
    }
}
