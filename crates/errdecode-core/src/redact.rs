//! The one redactor every output passes through: token signatures and secrets out of any text.
//!
//! A signature is what makes a token usable by whoever holds it, and a client secret or a
//! password is the credential itself. The decoder cuts signatures before it reads a paste
//! ([`cut_signatures`], from [`crate::normalize`]), and every surface (the decode document as
//! JSON, every page including the paste box's echo, the API, the CLI, the request log) passes
//! what it writes through [`redact`]. One scanner for every shape a token comes in:
//!
//! * a compact JWS whose header is JSON as any encoder writes it: `eyJ…` (`{"`), `eyAi…`
//!   (`{ "`), `ewog…` (`{` and a newline);
//! * its dots written as `.`, `&#46;`, `&#x2e;`, `%2E` or `\u002e`;
//! * its signature in base64url or standard base64 (`+`, `/`, `=`);
//! * glued to what comes before (`xeyJ…`, `Bearer%20eyJ…`): no word boundary is needed;
//! * wrapped onto the next lines (terminals, e-mail, JSON `\n`): a segment goes on across a
//!   line break when its line was full, and a signature as far as its algorithm's length.
//!
//! And every secret the decoder recognises: `client_secret=`, `"client_secret": "…"`,
//! `ClientSecret`, `-ClientSecret "…"`, `.WithClientSecret("…")`, Entra secret values
//! (`abc8Q~…`) anywhere, passwords (`password=`, `Pwd=` in connection strings, `user:pass@`
//! in URLs), storage and bus keys, refresh tokens, `Authorization: Basic …`, and opaque
//! personal-account tokens (`EwA…`). Placeholders (`<secret>`, `{client_secret}`, `$secret`,
//! `SECRET`) are left as written.
//!
//! Everything here reads each byte a bounded number of times: linear in the text.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use rustc_hash::FxHashSet;

/// What a removed signature leaves: `<signature: N characters>`.
pub const SIGNATURE_MARK: &str = "<signature: ";
/// What a removed secret leaves: `<redacted: N characters>`.
pub const REDACTED_MARK: &str = "<redacted: ";

/// The shortest header taken for a token's (`{"alg":"none"}` is 19 characters).
const MIN_HEADER_CHARS: usize = 16;
/// A header or payload goes on across a line break only when this much of it was on the line.
const MIN_WRAPPED_LINE: usize = 16;
/// A signature of unknown length goes on across a line break only after a line this long.
const MIN_WRAPPED_SIGNATURE_LINE: usize = 60;
/// Spaces or tabs that may indent a wrapped line.
const MAX_WRAP_INDENT: usize = 16;
/// Header characters decoded to read its algorithm.
const MAX_HEADER_READ: usize = 4096;

fn is_base64(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'+' | b'/')
}

/// The length of a line break at `at`: a newline (or its JSON escape) and the indentation
/// after it.
fn line_break_at(bytes: &[u8], at: usize) -> Option<usize> {
    let rest = &bytes[at..];
    let newline = [&b"\r\n"[..], b"\n", b"\\r\\n", b"\\n"]
        .iter()
        .find(|newline| rest.starts_with(newline))?
        .len();
    let indent = rest[newline..]
        .iter()
        .take(MAX_WRAP_INDENT)
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    Some(newline + indent)
}

/// The length of a line break inside a wrapped token at `at`: a line break
/// ([`line_break_at`]) that a base64 character follows.
fn wrap_at(bytes: &[u8], at: usize) -> Option<usize> {
    let wrap = line_break_at(bytes, at)?;
    let next = at + wrap;
    (next < bytes.len() && is_base64(bytes[next])).then_some(wrap)
}

/// The length of a segment separator at `at`: a dot, or a dot written as an entity or escape.
fn separator_at(bytes: &[u8], at: usize) -> Option<usize> {
    let rest = &bytes[at..];
    if rest.first() == Some(&b'.') {
        return Some(1);
    }
    const SPELLINGS: [&[u8]; 4] = [b"&#46;", b"&#x2e;", b"%2e", b"\\u002e"];
    SPELLINGS
        .iter()
        .find(|spelling| {
            rest.len() >= spelling.len() && rest[..spelling.len()].eq_ignore_ascii_case(spelling)
        })
        .map(|spelling| spelling.len())
}

/// How many base64 characters follow `at`.
fn run_length(bytes: &[u8], at: usize) -> usize {
    bytes[at..].iter().take_while(|b| is_base64(**b)).count()
}

/// A run of base64 characters from `at`, and where it ends. At a line break,
/// `go_on(chars, line_chars, next)` says whether the run continues onto the next line, after
/// `chars` characters of which `line_chars` were on this line, when the next line starts with
/// `next` of them.
fn read_run(
    bytes: &[u8],
    at: usize,
    go_on: impl Fn(usize, usize, usize) -> bool,
) -> (usize, usize) {
    let mut end = at;
    let mut chars = 0;
    let mut line = run_length(bytes, at);
    loop {
        end += line;
        chars += line;
        let Some(wrap) = wrap_at(bytes, end) else { return (end, chars) };
        let next = run_length(bytes, end + wrap);
        if line == 0 || !go_on(chars, line, next) {
            return (end, chars);
        }
        end += wrap;
        line = next;
    }
}

/// Decodes standard or url-safe base64 (no padding), skipping anything else.
fn decode_base64(chars: impl Iterator<Item = u8>) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' | b'+' => Some(62),
        b'_' | b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for six in chars.filter_map(value) {
        buffer = (buffer << 6) | six as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

/// Whether the header run at `start` opens a JSON object: `{`, optional whitespace, `"`.
fn opens_json_object(bytes: &[u8], start: usize, end: usize) -> bool {
    let head = decode_base64(bytes[start..end].iter().copied().filter(|b| is_base64(*b)).take(16));
    head.first() == Some(&b'{')
        && head[1..].iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|b| *b == b'"')
}

/// The signature lengths (characters) the header's algorithm gives, smallest first.
fn signature_lengths(bytes: &[u8], start: usize, end: usize) -> &'static [usize] {
    let header = decode_base64(
        bytes[start..end].iter().copied().filter(|b| is_base64(*b)).take(MAX_HEADER_READ),
    );
    let header = String::from_utf8_lossy(&header);
    let Some(at) = header.find("\"alg\"") else { return &[] };
    let value = header[at + 5..].trim_start().trim_start_matches(':').trim_start();
    let alg = value.strip_prefix('"').and_then(|v| v.split('"').next()).unwrap_or("");
    match alg {
        "HS256" => &[43],
        "HS384" | "ES384" => &[64, 128],
        "HS512" | "ES256" | "EdDSA" => &[86],
        "ES512" => &[176],
        // The length follows the key: 2048, 3072 or 4096 bits.
        a if a.starts_with("RS") || a.starts_with("PS") => &[342, 512, 683],
        _ => &[],
    }
}

/// Where one signed token's signature is, in bytes (wraps included), and how many base64
/// characters it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Where the token's header starts.
    pub token_start: usize,
    pub start: usize,
    pub end: usize,
    pub chars: usize,
}

/// Every token signature in `text`, in order. Linear: a candidate header that turns out not
/// to start a token is skipped whole, and so is everything a token spans.
pub fn find_signatures(text: &str) -> Vec<Signature> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = memchr::memchr(b'e', &bytes[from..]) {
        let start = from + offset;
        from = start + 1;
        if !matches!(bytes.get(start + 1), Some(b'y' | b'w')) {
            continue;
        }
        let wrapped = |_: usize, line: usize, _: usize| line >= MIN_WRAPPED_LINE;
        let (header_end, header_chars) = read_run(bytes, start, wrapped);
        // Any later start inside this run ends where this one does: skip the run.
        from = header_end.max(from);
        if header_chars < MIN_HEADER_CHARS || !opens_json_object(bytes, start, header_end) {
            continue;
        }
        let Some(dot) = separator_at(bytes, header_end) else { continue };
        let mut payload_start = header_end + dot;
        if let Some(wrap) = wrap_at(bytes, payload_start) {
            payload_start += wrap;
        }
        let (payload_end, _) = read_run(bytes, payload_start, wrapped);
        let Some(dot) = separator_at(bytes, payload_end) else { continue };
        let mut signature_start = payload_end + dot;
        if let Some(wrap) = wrap_at(bytes, signature_start) {
            signature_start += wrap;
        }
        let lengths = signature_lengths(bytes, start, header_end);
        // A signature goes on across a line break when its algorithm says it is not whole
        // yet and the next line is a full one or makes it whole; of unknown length, after a
        // long line only. A word on the line after a whole token is never taken for its end.
        let (mut end, mut chars) = read_run(bytes, signature_start, |chars, line, next| {
            if lengths.is_empty() {
                return line >= MIN_WRAPPED_SIGNATURE_LINE;
            }
            !lengths.contains(&chars)
                && lengths.iter().any(|&length| length > chars)
                && (next >= MIN_WRAPPED_LINE || lengths.contains(&(chars + next)))
        });
        if chars == 0 {
            // No signature: the payload is read again as the header of a token that may
            // follow it (`H.P..S`), as it would be once a secret before it is redacted.
            continue;
        }
        while end < bytes.len() && bytes[end] == b'=' && chars % 4 != 0 {
            end += 1;
            chars += 1;
        }
        found.push(Signature { token_start: start, start: signature_start, end, chars });
        from = end;
    }
    found
}

/// A token's header and payload as one plain line: line breaks taken out, dots written as
/// entities or escapes written as dots. `token` ends where the signature starts, so a line
/// break at its end has nothing after it: every break the finder crossed is taken out whole
/// (a JSON `\n` left half in would put an `n` before the signature's mark, and a second pass
/// would read that `n` as a signature).
fn push_token(out: &mut String, token: &str) {
    let bytes = token.as_bytes();
    let mut at = 0;
    let mut copied = 0;
    while at < bytes.len() {
        if is_base64(bytes[at]) {
            at += 1;
            continue;
        }
        out.push_str(&token[copied..at]);
        if let Some(dot) = separator_at(bytes, at) {
            out.push('.');
            at += dot;
        } else {
            // A wrap: newlines, their escapes and indentation.
            at += line_break_at(bytes, at).unwrap_or(1);
        }
        copied = at;
    }
    out.push_str(&token[copied..]);
}

/// `text` with every token signature replaced by [`SIGNATURE_MARK`] and its length, or
/// `None` when it holds none. A token wrapped over lines is joined onto one (its header and
/// payload are then read like any other).
pub fn cut_signatures(text: &str) -> Option<String> {
    cut(text, find_signatures(text))
}

/// `text` with `signatures` (found in it, in order) cut; `None` when there are none.
fn cut(text: &str, signatures: Vec<Signature>) -> Option<String> {
    if signatures.is_empty() {
        return None;
    }
    let mut cut = String::with_capacity(text.len());
    let mut copied = 0;
    for signature in signatures {
        cut.push_str(&text[copied..signature.token_start]);
        push_token(&mut cut, &text[signature.token_start..signature.start]);
        cut.push_str(SIGNATURE_MARK);
        cut.push_str(&signature.chars.to_string());
        cut.push_str(" characters>");
        copied = signature.end;
    }
    cut.push_str(&text[copied..]);
    Some(cut)
}

/// Where a secret's value starts: after a key that names one (searched for in the
/// lower-cased text), or a `Basic` credential, or a password in a URL.
static SECRET_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"(?:client[_-]?secret|secret[_-]?value|app[_-]?secret|password|passwd|\bpwd|accountkey|"#,
        r#"sharedaccesskey|refresh[_-]?token|api[_-]?key|subscription-key)"#,
        r#"(?:\\*["'])?[ \t]*(?:[:=]|=>)[ \t]*(?:\\*["'])?"#,
        r#"|-(?:clientsecret|password)[ \t]+(?:\([ \t]*convertto-securestring[ \t]+(?:-string[ \t]+)?)?(?:\\*["'])?"#,
        r#"|withclientsecret\([ \t]*(?:\\*["'])?"#,
        r#"|clientsecret>"#,
        r#"|authorization(?:\\*["'])?[ \t]*[:=][ \t]*(?:\\*["'])?basic[ \t]+"#,
        r#"|://[^\s/:@"'<>]{1,64}:"#,
    ))
    .expect("valid pattern")
});
/// An Entra client secret value, wherever it stands (with whatever is glued after it).
static LIVE_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9_\-.]{3}\dQ~[A-Za-z0-9_\-.~]{31,}").expect("valid pattern")
});
/// An opaque personal-account access token.
static OPAQUE_TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bEw[A-Za-z0-9+/]{100,}={0,2}").expect("valid pattern"));

/// The end of a secret's value that starts at `start`: up to whitespace, a quote, an escape,
/// or what separates parameters.
/// A value is read whole (what is left of one could be taken for something else by a second
/// pass); the keys inside a value are skipped, so keys that run into one another are read
/// once, not once per key.
fn value_end(bytes: &[u8], start: usize, in_url: bool) -> usize {
    let mut end = start;
    while end < bytes.len() {
        let stop = match bytes[end] {
            b if b.is_ascii_whitespace() => true,
            b'"' | b'\'' | b'&' | b',' | b';' | b')' | b'<' | b'>' | b'`' => true,
            // An escape, or a backslash before a mark (where an escape's letter was redacted
            // with what it was glued to).
            b'\\' => {
                matches!(bytes.get(end + 1), Some(b'"' | b'\'' | b'n' | b'r' | b't' | b'\\' | b'<'))
            }
            b'@' | b'/' => in_url,
            _ => false,
        };
        if stop {
            break;
        }
        end += 1;
    }
    end
}

/// The longest word [`is_prose`] reads.
const MAX_WORD: usize = 64;

/// A word of prose: letters (an apostrophe or a hyphen inside), a full stop or comma after.
fn is_word(word: &str) -> bool {
    let word = word.trim_end_matches(['.', ',', ':', ';', '!', '?']);
    word.chars().next().is_some_and(char::is_alphabetic)
        && word.chars().all(|c| c.is_alphabetic() || c == '\'' || c == '-')
}

/// Whether the value after `key` is the start of a sentence rather than a credential: the
/// key is written as in prose (`password: `, `-Password `: no quote, a space before the
/// value) and the value is a word that another word follows on its line (`password: Basic
/// authentication is off`, `a new password: the password passed its expiry age`). A
/// credential written after such a key is one string (`password: Hunter2!x`) or a word that
/// ends its line; written after `=` or in quotes it is always taken for one.
fn is_prose(key: &str, text: &str, start: usize, end: usize) -> bool {
    let written_as_prose = key.ends_with([' ', '\t'])
        && !key.contains(['"', '\'', '=', '(', '\\'])
        && (key.contains(':') || key.starts_with('-'));
    if !written_as_prose || !is_word(&text[start..end]) {
        return false;
    }
    let rest = text[end..].trim_start_matches([',', ';', ')']);
    let after = rest.trim_start_matches([' ', '\t']);
    // A word is short: the next one is looked for in a few characters only.
    let mut cut = after.len().min(MAX_WORD + 1);
    while !after.is_char_boundary(cut) {
        cut -= 1;
    }
    let next = after[..cut].split(char::is_whitespace).next().unwrap_or("");
    after.len() < rest.len() && next.len() <= MAX_WORD && is_word(next)
}

/// A value that stands for a secret rather than being one: `{client_secret}`, `<secret>`,
/// `$SECRET`, `xxxx`, `***`, `your-secret-here`, `true`.
pub fn is_placeholder(value: &str) -> bool {
    if value.contains('=') {
        // `password=client_secret=…`: keys run together, the value is real.
        return false;
    }
    let lower = value.to_ascii_lowercase();
    value.starts_with(['{', '<', '$', '%', '*', '[', '('])
        || lower.chars().all(|c| c == 'x' || c == '*' || c == '.' || c == '-')
        || lower.contains("your")
        || lower.contains("secret")
        || lower.contains("here")
        || lower.contains("password")
        || matches!(lower.as_str(), "true" | "false" | "null" | "none")
}

/// A secret in a text: its value (`start..end`), and where what shows it to be one starts
/// (its key, or the value itself for a shape found without one).
#[derive(Debug, Clone, Copy)]
struct Found {
    from: usize,
    start: usize,
    end: usize,
}

/// The byte ranges of every secret value in `text`, sorted and disjoint.
fn find_secrets(text: &str) -> Vec<(usize, usize)> {
    merge(secrets_in(text).into_iter().map(|found| (found.start, found.end)).collect())
}

/// Every secret in `text`, in no particular order.
///
/// What is found does not change when what is found is replaced by its mark (redacted once
/// is redacted for good): a key or value that holds part of a secret's shape has its value
/// taken whole, whatever else it looks like (a placeholder, words, a URL's port), since
/// cutting the shape out would leave a shorter value, or a key gone and the keys its value
/// hid, for a second reading to judge anew; and a shape runs to the end of its characters,
/// so that a key or a token glued after it starts after the same kind of character, a
/// mark's `>` or the shape's last one.
fn secrets_in(text: &str) -> Vec<Found> {
    let bytes = text.as_bytes();
    let may_hold = |needle: &str| memchr::memmem::find(bytes, needle.as_bytes()).is_some();
    let whole = |m: regex::Match| Found { from: m.start(), start: m.start(), end: m.end() };
    let mut shapes: Vec<Found> = Vec::new();
    if may_hold("Q~") {
        shapes.extend(LIVE_SECRET.find_iter(text).map(whole));
    }
    if may_hold("Ew") {
        shapes.extend(OPAQUE_TOKEN.find_iter(text).map(whole));
    }
    shapes.sort_unstable_by_key(|shape| shape.start);
    // The furthest end of the shapes up to each one: whether a range holds part of a shape
    // is one binary search.
    let reach: Vec<usize> = shapes
        .iter()
        .scan(0, |furthest, shape| {
            *furthest = shape.end.max(*furthest);
            Some(*furthest)
        })
        .collect();
    let holds_shape = |start: usize, end: usize| {
        let before_end = shapes.partition_point(|shape| shape.start < end);
        before_end > 0 && reach[before_end - 1] > start
    };
    let mut spans: Vec<Found> = Vec::new();
    let lower = text.to_ascii_lowercase();
    // Where the last value read ends: a key inside it is part of it.
    let mut read_to = 0;
    for key in SECRET_KEY.find_iter(&lower) {
        if key.start() < read_to {
            continue;
        }
        let in_url = key.as_str().starts_with("://");
        let start = key.end();
        let mut end = value_end(bytes, start, in_url);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if end == start {
            continue;
        }
        // A key cut by a shape is gone once the shape is redacted: its value goes with it.
        let holds_shape = holds_shape(key.start(), end);
        if in_url && bytes.get(end) != Some(&b'@') && !holds_shape {
            // A port or a path, not a password: the keys in it are read.
            continue;
        }
        read_to = end;
        let value = &text[start..end];
        let is_token = value.starts_with("ey") && value.contains(SIGNATURE_MARK);
        let is_secret =
            !is_token && !is_placeholder(value) && !is_prose(key.as_str(), text, start, end);
        if is_secret || holds_shape {
            spans.push(Found { from: key.start(), start, end });
        }
    }
    spans.extend(shapes);
    spans
}

/// Value ranges sorted, the ones that overlap made one.
fn merge(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// Every secret value in `text` (not the placeholders, not the words of a sentence), in
/// order: what a surface that echoes a request scrubs from its answer.
pub fn secret_values(text: &str) -> Vec<&str> {
    find_secrets(text).into_iter().map(|(start, end)| &text[start..end]).collect()
}

/// `text` with every token signature and every secret replaced by a mark that gives only its
/// length. Borrowed when there is nothing to remove (nearly always).
pub fn redact(text: &str) -> Cow<'_, str> {
    static NONE: LazyLock<OwnText> = LazyLock::new(OwnText::default);
    redact_except(text, || &NONE)
}

/// [`redact`], except for what is `own` text (see [`OwnText`]): a signature or secret whose
/// text is the same as one in our own text is left as written. `own` is asked for only when
/// `text` holds something to remove.
pub fn redact_except<'t, 'o>(text: &'t str, own: impl FnOnce() -> &'o OwnText) -> Cow<'t, str> {
    let signatures = find_signatures(text);
    let mut secrets = secrets_in(text);
    if signatures.is_empty() && secrets.is_empty() {
        return Cow::Borrowed(text);
    }
    let own = own();
    let without_signatures = if signatures.is_empty() {
        Cow::Borrowed(text)
    } else {
        let signatures: Vec<Signature> = signatures
            .into_iter()
            .filter(|signature| !own.holds(&text[signature.token_start..signature.end]))
            .collect();
        match cut(text, signatures) {
            Some(cut) => {
                // The secrets are looked for again in what is left: the marks moved them.
                secrets = secrets_in(&cut);
                Cow::Owned(cut)
            }
            None => Cow::Borrowed(text),
        }
    };
    let text = &*without_signatures;
    let secrets = merge(
        secrets
            .into_iter()
            .filter(|found| !own.holds(&text[found.from..found.end]))
            .map(|found| (found.start, found.end))
            .collect(),
    );
    if secrets.is_empty() {
        return without_signatures;
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end) in secrets {
        out.push_str(&text[copied..start]);
        out.push_str(REDACTED_MARK);
        out.push_str(&text[start..end].chars().count().to_string());
        out.push_str(" characters>");
        copied = end;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Our own text (the knowledge base's pages): every signature and secret the redactor would
/// find in it, so that it goes out as written however a surface shows it. Redaction is for
/// what was pasted; a page of ours that quotes `password: Hunter2!x` as an example shows it.
///
/// Each is held by its text from its key (`password: Hunter2!x`), as the texts are written
/// and as a surface shows them: Markdown emphasis and code marks taken out and lines joined
/// (the terminal's summaries), escaping backslashes ignored (JSON). A paste that holds the
/// same text quotes our pages: nothing of its own is left in.
#[derive(Debug, Default)]
pub struct OwnText {
    spans: FxHashSet<String>,
}

impl OwnText {
    pub fn new<'a>(texts: impl IntoIterator<Item = &'a str>) -> OwnText {
        let mut spans = FxHashSet::default();
        let mut add = |text: &str| {
            for found in secrets_in(text) {
                spans.insert(comparable(&text[found.from..found.end]));
            }
            for signature in find_signatures(text) {
                spans.insert(comparable(&text[signature.token_start..signature.end]));
            }
        };
        for text in texts {
            add(text);
            let shown = as_shown(text);
            if shown != text {
                add(&shown);
            }
        }
        OwnText { spans }
    }

    /// How many signatures and secrets the text holds.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    fn holds(&self, span: &str) -> bool {
        !self.spans.is_empty() && self.spans.contains(&comparable(span))
    }
}

/// A span as compared with our own: without the backslashes JSON escaping adds.
fn comparable(span: &str) -> String {
    span.replace('\\', "")
}

/// Markdown as a terminal summary shows it: no emphasis or code marks, lines joined.
fn as_shown(markdown: &str) -> String {
    let plain = markdown.replace("**", "").replace('`', "");
    plain.lines().map(str::trim).filter(|line| !line.is_empty()).collect::<Vec<_>>().join(" ")
}

/// How many token signatures `text` holds.
pub fn count_signatures(text: &str) -> usize {
    find_signatures(text).len()
}

/// A URL path as a log may write it: redacted, every segment that looks like a credential (a
/// long run of base64 or hex) replaced by its length, and cut to `max` characters.
pub fn redact_path(path: &str, max: usize) -> String {
    let mut out = String::with_capacity(path.len().min(max + 16));
    for (index, segment) in path.split('/').enumerate() {
        if index > 0 {
            out.push('/');
        }
        let opaque = segment.len() >= 32
            && segment.bytes().all(|b| is_base64(b) || matches!(b, b'.' | b'=' | b'%' | b'~'));
        if opaque || redact(segment) != segment {
            out.push_str(REDACTED_MARK);
            out.push_str(&segment.len().to_string());
            out.push_str(" characters>");
        } else {
            out.push_str(segment);
        }
        if out.len() > max {
            break;
        }
    }
    if out.len() > max {
        let mut cut = max;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9";
    const PAYLOAD: &str = "eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20ifQ";

    #[test]
    fn cuts_every_shape_of_signature() {
        let signature = "c2lnbmF0dXJl+/c2lnbmF0dXJl_-c2lnbmF0dXJl==";
        let shapes = [
            format!("Bearer {HEADER}.{PAYLOAD}.{signature} end"),
            format!("Bearer%20{HEADER}.{PAYLOAD}.{signature}"),
            format!("x{HEADER}.{PAYLOAD}.{signature}"),
            format!("{HEADER}&#46;{PAYLOAD}&#46;{signature}"),
            format!("{HEADER}%2E{PAYLOAD}%2e{signature}"),
            format!("{HEADER}\\u002e{PAYLOAD}\\u002e{signature}"),
        ];
        for shape in shapes {
            let cut = redact(&shape);
            assert!(!cut.contains("c2lnbmF0dXJl"), "{shape} -> {cut}");
            assert!(cut.contains(SIGNATURE_MARK), "{cut}");
            assert!(cut.contains(PAYLOAD), "the payload stays readable: {cut}");
        }
    }

    #[test]
    fn headers_with_spaces_and_newlines_are_headers() {
        use base64::Engine;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        for header in ["{ \"alg\": \"RS256\", \"typ\": \"JWT\" }", "{\n  \"alg\": \"HS256\"\n}"] {
            let token = format!("{}.{PAYLOAD}.c2lnbmF0dXJlc2lnbmF0dXJl", engine.encode(header));
            assert!(token.starts_with("eyAi") || token.starts_with("ewog"), "{token}");
            assert_eq!(count_signatures(&token), 1, "{token}");
        }
    }

    #[test]
    fn follows_a_token_wrapped_onto_the_next_lines() {
        let signature: String = "AbCd".repeat(86)[..342].to_string();
        let token = format!("{HEADER}.{PAYLOAD}.{signature}");
        let wrapped: String = token
            .as_bytes()
            .chunks(76)
            .map(|line| std::str::from_utf8(line).unwrap())
            .collect::<Vec<_>>()
            .join("\n    ");
        let text = format!("Authorization: Bearer {wrapped}\nAADSTS50012: next line");
        let cut = redact(&text);
        assert!(!cut.contains("AbCdAbCd"), "{cut}");
        assert!(cut.contains("<signature: 342 characters>\nAADSTS50012: next line"), "{cut}");
        let escaped = text.replace('\n', "\\n");
        assert!(!redact(&escaped).contains("AbCdAbCd"));
    }

    #[test]
    fn a_line_break_right_after_a_dot_is_taken_out_whole() {
        // The decode fuzz target: `&#46;` then a JSON `\n` before the signature left `.n`
        // before the mark, which a second pass read as a one-character signature.
        for dot in [".", "&#46;", "&#x2e;", "%2E", "\\u002e"] {
            for wrap in ["\n", "\r\n", "\n    ", "\\n", "\\r\\n", "\\n  "] {
                for text in [
                    format!("{HEADER}{dot}{PAYLOAD}{dot}{wrap}c2lnbmF0dXJl end"),
                    format!("{HEADER}{dot}{wrap}{PAYLOAD}{dot}{wrap}c2lnbmF0dXJl end"),
                ] {
                    let once = redact(&text);
                    assert_eq!(
                        once,
                        format!("{HEADER}.{PAYLOAD}.<signature: 12 characters> end"),
                        "{text:?}"
                    );
                    assert_eq!(count_signatures(&once), 0, "{text:?} -> {once:?}");
                    assert_eq!(redact(&once), once, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn a_token_at_a_line_end_keeps_the_next_line() {
        let text = format!("{HEADER}.{PAYLOAD}.c2lnbmF0dXJl\nAADSTS50012 happened");
        assert_eq!(
            redact(&text),
            format!("{HEADER}.{PAYLOAD}.<signature: 12 characters>\nAADSTS50012 happened")
        );
    }

    #[test]
    fn leaves_text_that_is_not_a_token() {
        for text in [
            "eyes.are.open",
            "eyJ but not a token",
            "already eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOi.<signature: 342 characters>",
            "Azure.Identity.AuthenticationFailedException",
            "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOi. no signature",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn removes_every_secret_format() {
        let live = "abc8Q~aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let shapes = [
            format!("client_secret={live}&scope=x"),
            format!("{{\"client_secret\": \"{live}\"}}"),
            format!("{{\\\"client_secret\\\":\\\"{live}\\\"}}"),
            format!("{{\\\\\\\"client_secret\\\\\\\":\\\\\\\"{live}\\\\\\\"}}"),
            format!("\"ClientSecret\": \"{live}\""),
            format!("-ClientSecret \"{live}\""),
            format!("-ClientSecret (ConvertTo-SecureString \"{live}\" -AsPlainText)"),
            format!(".WithClientSecret(\"{live}\")"),
            format!("AZURE_CLIENT_SECRET={live}"),
            format!("new ClientSecretCredential(tenant, client, \"{live}\")"),
            format!("<ClientSecret>{live}</ClientSecret>"),
            "Server=tcp:x;User ID=u;Password=Hunter2Hunter2;Encrypt=True".to_string(),
            "password=Hunter2Hunter2".to_string(),
            "https://user:Hunter2Hunter2@example.com/x".to_string(),
            "Authorization: Basic dXNlcjpIdW50ZXIySHVudGVyMg==".to_string(),
            "AccountKey=SGVsbG8gd29ybGQgSGVsbG8=;EndpointSuffix".to_string(),
            "refresh_token=0.AAAAHunter2Hunter2&x".to_string(),
        ];
        for shape in shapes {
            let out = redact(&shape);
            assert!(!out.contains("aaaaaaaaaaaaaaa"), "{shape} -> {out}");
            assert!(!out.contains("Hunter2"), "{shape} -> {out}");
            assert!(!out.contains("dXNlcjpI"), "{shape} -> {out}");
            assert!(!out.contains("SGVsbG8g"), "{shape} -> {out}");
            assert!(out.contains(REDACTED_MARK), "{shape} -> {out}");
        }
    }

    #[test]
    fn words_after_a_key_written_in_a_sentence_are_prose() {
        for text in [
            "sign in with username and password: Basic authentication is disabled",
            "made with a username and password: Basic authentication for client submission",
            "Known device or app with an old password: update or remove that credential.",
            "6. Stale password: update it in the saved credential and restart the client.",
            "2. Password: verify it by signing in to Outlook on the web",
            "until the user sets a new password: the password passed its expiry age",
            "the password: Hunter two words",
            "use the -Password parameter with a secure string",
            "Authorization: Basic authentication is turned off for the tenant",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn a_password_as_one_string_is_a_credential() {
        for (text, expected) in [
            ("password: Hunter2!x", "password: <redacted: 9 characters>"),
            ("password: Hunter2!x was rejected", "password: <redacted: 9 characters> was rejected"),
            ("Password: hunter\nnext", "Password: <redacted: 6 characters>\nnext"),
            ("password: hunter\nIt failed", "password: <redacted: 6 characters>\nIt failed"),
            ("password:hunter two", "password:<redacted: 6 characters> two"),
            ("password=Hunter2 is sent", "password=<redacted: 7 characters> is sent"),
            (
                "\"password\": \"hunter\", \"user\": \"a\"",
                "\"password\": \"<redacted: 6 characters>\", \"user\": \"a\"",
            ),
            ("-Password 'Hunter2!x'", "-Password '<redacted: 9 characters>'"),
            ("-Password \"hunter\" -Force", "-Password \"<redacted: 6 characters>\" -Force"),
            ("-Password hunter -Force", "-Password <redacted: 6 characters> -Force"),
            (
                "-Password (ConvertTo-SecureString 'Hunter2!x' -AsPlainText -Force)",
                "-Password (ConvertTo-SecureString '<redacted: 9 characters>' -AsPlainText -Force)",
            ),
        ] {
            assert_eq!(redact(text), expected, "{text:?}");
        }
        for text in
            ["-Password $password", "-Password (Read-Host -AsSecureString)", "-PasswordProfile $p"]
        {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn own_text_goes_out_as_written() {
        let live = "abc8Q~aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let token = format!("{HEADER}.{PAYLOAD}.c2lnbmF0dXJl");
        let gist = "Example: password: Hunter2!x";
        let body = format!(
            "Send `client_secret={live}` as `{{\"password\": \"Wh4t3ver!\"}}`, or:\n\n**pwd**=\n  Sw0rd!x; the header {token}"
        );
        let own = OwnText::new([gist, body.as_str()]);
        assert!(own.len() >= 4, "{own:?}");
        for shown in [
            gist.to_string(),
            format!("{{\"gist\": \"{gist}\"}}"),
            format!("Send client_secret={live} now"),
            r#"{"body": "{\"password\": \"Wh4t3ver!\"}"}"#.to_string(),
            "pwd= Sw0rd!x;".to_string(),
            format!("the header {token}"),
        ] {
            assert_eq!(redact_except(&shown, || &own), shown);
            assert_ne!(redact(&shown), shown, "{shown}");
        }
        // What the paste holds besides is redacted as always.
        let pasted = format!("{gist} but password: Other9!x and {HEADER}.{PAYLOAD}.b3RoZXI");
        assert_eq!(
            redact_except(&pasted, || &own),
            format!("{gist} but password: <redacted: 8 characters> and {HEADER}.{PAYLOAD}.<signature: 7 characters>")
        );
    }

    #[test]
    fn redacted_once_is_redacted_for_good() {
        let live = "abc8Q~aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let opaque = format!("EwA{}", "A".repeat(120));
        for text in [
            // A value taken for a placeholder (it says "secret") that holds a secret's shape:
            // cutting the shape left a short value a second pass took for a secret.
            format!(".WithClientSecret(\"bc8Q~{live}{live}.WithClientSecret(\"x"),
            format!("client_secret={{{live}}}"),
            format!("password: {live} is the secret"),
            // A key or a token glued to the end of a secret's shape: the mark before it made
            // a word boundary a second pass found.
            format!("{live}pwd=hunter2"),
            format!("{live}{opaque}"),
            format!("{live}{live}"),
            // A URL whose port or path holds a secret's shape, a key after it.
            format!("https://u:{live}~!password=hunter2/x"),
            // A key cut by a shape: the key its value hid was found by a second pass.
            "Password: .WithClientSecret(\"abc8Q~aaaaaaaaaaaaaaaa.WithClientSecret(\".WithClientSecret(\"Authorization: Basic password".to_string(),
            // A secret that was a token's header: its payload became the header of a token
            // with an empty payload.
            format!("Password: {HEADER}&#46;{HEADER}..WithClientSecret(\""),
            // A shape that starts on an escape's letter: the backslash left before the mark
            // was read as a value.
            "Password: \\n0a8Q~ewogICJhbGciOiAiUlMyNTYiCn0abc8Q~".to_string(),
        ] {
            let once = redact(&text);
            assert_eq!(count_signatures(&once), 0, "{text} -> {once}");
            assert_eq!(redact(&once), once, "{text}");
            assert!(
                !once.contains("aaaaaaaaaa") && !once.contains("AAAAAAAAAA"),
                "{text} -> {once}"
            );
        }
        // A port or a path is not a password: a key after it is read.
        assert_eq!(
            redact("https://host:8080!password=hunter2/x"),
            "https://host:8080!password=<redacted: 9 characters>"
        );
    }

    #[test]
    fn long_values_are_redacted_whole() {
        for pad in 0..3 {
            let text = format!("password={}{}", "x".repeat(pad), "é".repeat(2000));
            assert_eq!(redact(&text), format!("password=<redacted: {} characters>", 2000 + pad));
        }
    }

    #[test]
    fn leaves_placeholders() {
        for text in [
            "client_secret=<secret>",
            "client_secret={client_secret}",
            "client_secret=SECRET",
            "\"ClientSecret\": \"<secret value>\"",
            "-ClientSecret $secret",
            "ClientSecretCredential authentication failed",
            "https://login.microsoftonline.com/common/oauth2/v2.0/token",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn paths_in_a_log() {
        let token = format!("{HEADER}.{PAYLOAD}.c2lnbmF0dXJl");
        let path = format!("/errors/{token}/");
        let logged = redact_path(&path, 200);
        assert!(!logged.contains("c2lnbmF0dXJl") && !logged.contains(PAYLOAD), "{logged}");
        assert_eq!(redact_path("/errors/aadsts50012/", 200), "/errors/aadsts50012/");
        assert_eq!(redact_path(&"/a".repeat(500), 20).chars().count(), 21);
    }

    #[test]
    fn linear_on_hostile_text() {
        for unit in [
            "eyJAAAA.",
            "eyJhbGciOiJSUzI1NiJ9.",
            "ey",
            "e",
            "eyJhbGciOiJSUzI1NiJ9\n",
            "password=client_secret=",
        ] {
            let text = unit.repeat((256 << 10) / unit.len());
            let _ = redact(&text);
        }
    }
}
