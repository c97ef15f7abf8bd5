//! Splits a `+++`-fenced TOML front matter from a Markdown body.

#[derive(Debug)]
pub struct Split<'a> {
    pub front_matter: &'a str,
    /// 1-based line of the front matter's first line.
    pub front_matter_line: usize,
    pub body: &'a str,
    /// 1-based line of the body's first line.
    pub body_line: usize,
}

/// Returns the front matter and body, or a message saying what is missing.
pub fn split(text: &str) -> Result<Split<'_>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text.strip_prefix("+++").and_then(strip_line_end) else {
        return Err("the file does not start with a `+++` line; did you forget the front matter?"
            .to_string());
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let front_matter = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let front_lines = front_matter.matches('\n').count();
            return Ok(Split {
                front_matter,
                front_matter_line: 2,
                body,
                body_line: 2 + front_lines + 1,
            });
        }
        offset += line.len();
    }
    Err("the front matter is not closed; add a `+++` line after it".to_string())
}

fn strip_line_end(rest: &str) -> Option<&str> {
    rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n'))
}

/// 1-based line, within `text` starting at `first_line`, of the first line containing `needle`.
pub fn line_of(text: &str, first_line: usize, needle: &str) -> Option<usize> {
    text.lines().position(|line| line.contains(needle)).map(|index| first_line + index)
}

/// Converts a byte offset in `text` to a 1-based line number.
pub fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Parses a whole TOML data file (tables, requirements, mentions), reporting a syntax or shape
/// error with its line; `prefix` opens the message (`"table: "`, or empty).
pub fn parse_toml_file<T: serde::de::DeserializeOwned>(
    file: &crate::SourceFile,
    problems: &mut Vec<crate::Problem>,
    prefix: &str,
) -> Option<T> {
    match toml::from_str(&file.text) {
        Ok(parsed) => Some(parsed),
        Err(error) => {
            let line = error.span().map(|span| line_at(&file.text, span.start));
            problems.push(crate::Problem::new(
                &file.path,
                line,
                format!("{prefix}{}", error.message()),
            ));
            None
        }
    }
}

/// The 1-based lines of every `header` line (`[[entry]]`), in order: the lines of a TOML
/// file's array-of-tables items.
pub fn array_table_lines(text: &str, header: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim() == header)
        .map(|(at, _)| at + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let split = split("+++\nid = \"a\"\n+++\n# Body\n").unwrap();
        assert_eq!(split.front_matter, "id = \"a\"\n");
        assert_eq!(split.body, "# Body\n");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn names_what_is_missing() {
        assert!(split("id = 1").unwrap_err().contains("does not start"));
        assert!(split("+++\nid = 1\n").unwrap_err().contains("not closed"));
    }
}
