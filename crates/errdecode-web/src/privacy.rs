//! Keeping JWT signatures out of everything the site sends back.
//!
//! A signature is what makes a token usable by anyone who holds it. The browser removes it
//! before a paste leaves the page (`static/app.js` uses the same pattern as here); with
//! JavaScript off it reaches the server, which decodes the paste (the decoder keeps only the
//! signature's length) and must then never show it again. Every HTML page and every API
//! answer passes through [`strip_signatures`] on the way out, so a signature quoted anywhere
//! in the paste (an error message, a log line) cannot come back in a response.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// A compact JWS: a base64url header that starts a JSON object (`eyJ`), a payload, and a
/// non-empty third segment. No word boundary in front: a token glued to other text is still a
/// token, and stripping too much is harmless where stripping too little is not.
static SIGNED_JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+").expect("valid pattern")
});

/// `text` with the third segment of every signed JWT removed (`header.payload.`).
pub fn strip_signatures(text: &str) -> Cow<'_, str> {
    // Nearly nothing the site sends holds a token; skip the regex for all of that.
    if !text.contains("eyJ") {
        return Cow::Borrowed(text);
    }
    SIGNED_JWT.replace_all(text, |caps: &regex::Captures<'_>| {
        let token = &caps[0];
        let last_dot = token.rfind('.').expect("the pattern has two dots");
        token[..=last_dot].to_string()
    })
}

/// How many signed JWTs `text` holds.
pub fn count_signatures(text: &str) -> usize {
    if !text.contains("eyJ") {
        return 0;
    }
    SIGNED_JWT.find_iter(text).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_only_the_signature() {
        let cases = [
            ("Bearer eyJhbGciOi.eyJhdWQiOi.c2lnbmF0dXJl", "Bearer eyJhbGciOi.eyJhdWQiOi."),
            ("x=eyJhbGciOi.eyJhdWQiOi.sig-_0 y", "x=eyJhbGciOi.eyJhdWQiOi. y"),
            (
                "\"eyJhbGciOi.eyJhdWQiOi.abc\",\"eyJhbGciOi.eyJhdWQiOi.def\"",
                "\"eyJhbGciOi.eyJhdWQiOi.\",\"eyJhbGciOi.eyJhdWQiOi.\"",
            ),
            ("already eyJhbGciOi.eyJhdWQiOi. stripped", "already eyJhbGciOi.eyJhdWQiOi. stripped"),
            ("no token here", "no token here"),
            ("eyJ but not a token", "eyJ but not a token"),
            ("gluedeyJhbGciOi.eyJhdWQiOi.sig", "gluedeyJhbGciOi.eyJhdWQiOi."),
        ];
        for (input, expected) in cases {
            assert_eq!(strip_signatures(input), expected, "input: {input}");
        }
    }

    #[test]
    fn counts_signed_tokens() {
        assert_eq!(count_signatures("eyJhbGciOi.eyJhdWQiOi.sig and eyJhbGciOi.eyJhdWQiOi."), 1);
        assert_eq!(count_signatures("nothing"), 0);
    }
}
