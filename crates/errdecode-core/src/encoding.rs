//! Pastes saved in another Unicode encoding than UTF-8: what Windows PowerShell 5.1's `>` and
//! `Out-File` write (UTF-16LE with a byte-order mark), what some editors save (UTF-16BE), and
//! the same without a mark. Read as UTF-8 they look like binary data.

/// Which UTF-16 the bytes are, with or without a byte-order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Utf16 {
    Le,
    Be,
}

/// Detects UTF-16: a byte-order mark, or (without one) text whose every other byte is zero
/// on one side only, as Latin text in UTF-16 is. Returns the encoding and where the text starts.
pub fn detect_utf16(bytes: &[u8]) -> Option<(Utf16, usize)> {
    // UTF-16 comes in whole code units: an odd length is something else that starts alike.
    match bytes {
        [0xFF, 0xFE, ..] if bytes.len().is_multiple_of(2) => return Some((Utf16::Le, 2)),
        [0xFE, 0xFF, ..] if bytes.len().is_multiple_of(2) => return Some((Utf16::Be, 2)),
        _ => {}
    }
    if bytes.len() < 4 {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    let zero_even = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let zero_odd = sample.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    // Mostly zero on one side, almost never on the other.
    if zero_odd * 10 >= pairs * 7 && zero_even * 20 <= pairs {
        Some((Utf16::Le, 0))
    } else if zero_even * 10 >= pairs * 7 && zero_odd * 20 <= pairs {
        Some((Utf16::Be, 0))
    } else {
        None
    }
}

/// The text of UTF-16 bytes; unpaired surrogates become U+FFFD, an odd last byte is dropped.
pub fn decode_utf16(bytes: &[u8], encoding: Utf16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| match encoding {
        Utf16::Le => u16::from_le_bytes([pair[0], pair[1]]),
        Utf16::Be => u16::from_be_bytes([pair[0], pair[1]]),
    });
    char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
}

/// Spaces that clipboards and web pages carry (no-break, narrow no-break, figure, thin,
/// ideographic) as plain spaces; zero-width characters removed. `None` when there are none.
pub fn plain_spaces(text: &str) -> Option<String> {
    const SPACES: [char; 6] =
        ['\u{00A0}', '\u{2007}', '\u{202F}', '\u{2009}', '\u{3000}', '\u{2002}'];
    const ZERO_WIDTH: [char; 4] = ['\u{200B}', '\u{200C}', '\u{2060}', '\u{FEFF}'];
    if !text.contains(SPACES) && !text.contains(ZERO_WIDTH) {
        return None;
    }
    Some(
        text.chars()
            .filter(|c| !ZERO_WIDTH.contains(c))
            .map(|c| if SPACES.contains(&c) { ' ' } else { c })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut bytes = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }

    #[test]
    fn reads_utf16_with_and_without_a_mark() {
        let text =
            "Get-MgUser : Response status code does not indicate success: 401 (Unauthorized).\r\n";
        for bom in [true, false] {
            let le = utf16le(text, bom);
            let (encoding, start) = detect_utf16(&le).unwrap();
            assert_eq!(encoding, Utf16::Le);
            assert_eq!(decode_utf16(&le[start..], encoding), text);
            let mut be = if bom { vec![0xFE, 0xFF] } else { Vec::new() };
            be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            let (encoding, start) = detect_utf16(&be).unwrap();
            assert_eq!(encoding, Utf16::Be);
            assert_eq!(decode_utf16(&be[start..], encoding), text);
        }
        assert_eq!(detect_utf16(b"plain ASCII text, nothing else"), None);
        assert_eq!(detect_utf16(&[0u8; 64]), None);
    }

    #[test]
    fn clipboard_spaces_become_spaces() {
        assert_eq!(
            plain_spaces("401\u{a0}(Unauthorized)\u{200b}").as_deref(),
            Some("401 (Unauthorized)")
        );
        assert_eq!(plain_spaces("plain"), None);
    }
}
