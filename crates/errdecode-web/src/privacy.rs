//! Keeping token signatures and secrets out of everything the site sends back.
//!
//! A signature is what makes a token usable by anyone who holds it, and a client secret or a
//! password is the credential itself. The browser removes signatures before a paste leaves the
//! page (`static/app.js`); with JavaScript off they reach the server, which decodes the paste
//! (the decoder keeps only a signature's length) and must then never show them again. Every
//! HTML page (the paste box's echo included) and every API answer passes through the
//! decoder's redactor on the way out (`Decoder::redact`: [`redact`], except for the
//! knowledge base's own text, which goes out as written), and the request log writes paths
//! through [`redact_path`]: the one redactor of `errdecode-core`, so the site, the API and
//! the command line remove the same shapes.

pub use errdecode_core::redact::{count_signatures, redact, redact_path};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_only_the_signature() {
        let header = "eyJhbGciOiJSUzI1NiJ9";
        let cases = [
            (
                format!("Bearer {header}.eyJhdWQiOi.c2lnbmF0dXJl"),
                format!("Bearer {header}.eyJhdWQiOi.<signature: 12 characters>"),
            ),
            (
                format!("x={header}.eyJhdWQiOi.sig-_0 y"),
                format!("x={header}.eyJhdWQiOi.<signature: 6 characters> y"),
            ),
            (
                format!("gluedeyJ{}.eyJhdWQiOi.sig", &header[3..]),
                format!("gluedeyJ{}.eyJhdWQiOi.<signature: 3 characters>", &header[3..]),
            ),
            ("no token here".to_string(), "no token here".to_string()),
            ("eyJ but not a token".to_string(), "eyJ but not a token".to_string()),
        ];
        for (input, expected) in cases {
            assert_eq!(redact(&input), expected, "input: {input}");
        }
    }

    #[test]
    fn counts_signed_tokens() {
        assert_eq!(
            count_signatures(
                "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOi.sig and eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOi."
            ),
            1
        );
        assert_eq!(count_signatures("nothing"), 0);
    }
}
