//! What Graph endpoints need beyond a permission (`requirements/*.toml`): a Teams application
//! access policy, approval for a protected API, a site grant for `Sites.Selected`, a licence,
//! an administrator role. Each rule names the paths and methods it applies to, the kind of
//! token it concerns, the signal it raises and the sentence shown as evidence.

use serde::Deserialize;

use crate::model::{EndpointRequirement, Origin, RequirementFlow};
use crate::{Problem, SourceFile};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    requirement: Vec<RawRequirement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    signal: String,
    paths: Vec<String>,
    #[serde(default)]
    methods: Vec<String>,
    #[serde(default)]
    flow: RequirementFlow,
    #[serde(default)]
    token_holds: Vec<String>,
    says: String,
    sources: Vec<String>,
}

pub fn parse_requirements(
    file: &SourceFile,
    problems: &mut Vec<Problem>,
) -> Vec<EndpointRequirement> {
    let Some(raw) = crate::frontmatter::parse_toml_file::<RawFile>(file, problems, "") else {
        return Vec::new();
    };
    let lines = crate::frontmatter::array_table_lines(&file.text, "[[requirement]]");
    let mut rules = Vec::new();
    for (index, rule) in raw.requirement.into_iter().enumerate() {
        let line = lines.get(index).copied().unwrap_or(1);
        if rule.paths.is_empty() || rule.sources.is_empty() || rule.says.trim().is_empty() {
            problems.push(Problem::new(
                &file.path,
                Some(line),
                "a requirement needs paths, says and sources",
            ));
            continue;
        }
        if let Some(bad) = rule.paths.iter().find(|p| !p.starts_with('/') || p.contains('?')) {
            problems.push(
                Problem::new(&file.path, Some(line), format!("the path `{bad}` is not a path template"))
                    .with_hint("lower-case, starting with `/`, `{id}` for ids, `*` at the end for everything below"),
            );
            continue;
        }
        rules.push(EndpointRequirement {
            signal: rule.signal,
            paths: rule.paths.iter().map(|p| p.to_ascii_lowercase()).collect(),
            methods: rule.methods.iter().map(|m| m.to_ascii_uppercase()).collect(),
            flow: rule.flow,
            token_holds: rule.token_holds,
            says: rule.says,
            sources: rule.sources,
            origin: Origin { path: file.path.clone(), line },
        });
    }
    rules
}
