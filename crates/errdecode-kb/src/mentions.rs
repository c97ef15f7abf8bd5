//! Operations named in words (`mentions/*.toml`): "add a member to a group" is
//! `POST /groups/{id}/members/$ref`. A paste that names the operation but shows no URL gets the
//! same endpoint checks as one with the URL.

use serde::Deserialize;

use crate::model::{EndpointMention, Origin};
use crate::{Problem, SourceFile};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    mention: Vec<RawMention>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMention {
    pattern: String,
    method: String,
    path: String,
}

pub fn parse_mentions(file: &SourceFile, problems: &mut Vec<Problem>) -> Vec<EndpointMention> {
    let Some(raw) = crate::frontmatter::parse_toml_file::<RawFile>(file, problems, "") else {
        return Vec::new();
    };
    let mut mentions = Vec::new();
    let lines = crate::frontmatter::array_table_lines(&file.text, "[[mention]]");
    for (index, mention) in raw.mention.into_iter().enumerate() {
        let line = lines.get(index).copied().unwrap_or(1);
        let method = mention.method.to_ascii_uppercase();
        if !matches!(method.as_str(), "GET" | "POST" | "PATCH" | "PUT" | "DELETE") {
            problems.push(Problem::new(
                &file.path,
                Some(line),
                format!("unknown method `{}`", mention.method),
            ));
            continue;
        }
        if !mention.path.starts_with('/') {
            problems.push(Problem::new(
                &file.path,
                Some(line),
                format!("the path `{}` must start with `/`", mention.path),
            ));
            continue;
        }
        if let Err(error) = regex_syntax::Parser::new().parse(&mention.pattern) {
            problems.push(Problem::new(
                &file.path,
                Some(line),
                format!("the pattern does not parse: {error}"),
            ));
            continue;
        }
        mentions.push(EndpointMention {
            pattern: mention.pattern,
            method,
            path: mention.path.to_ascii_lowercase(),
            origin: Origin { path: file.path.clone(), line },
        });
    }
    mentions
}
