//! Parses the knowledge base in `kb/` once, at build time, and writes the result for the binary to
//! embed: a start-up then deserializes a compact encoding instead of parsing Markdown and TOML
//! and validating every pattern. The parser is this crate's own (its modules are included below
//! by path), so the embedded copy is exactly what `load_dir` would read from the same folder.
#![allow(dead_code, unused_imports)]

#[path = "src/check.rs"]
mod check;
#[path = "src/frontmatter.rs"]
mod frontmatter;
#[path = "src/mentions.rs"]
mod mentions;
#[path = "src/model.rs"]
mod model;
#[path = "src/parse.rs"]
mod parse;
#[path = "src/permissions.rs"]
mod permissions;
#[path = "src/problem.rs"]
mod problem;
#[path = "src/requirements.rs"]
mod requirements;
#[path = "src/sections.rs"]
mod sections;
#[path = "src/tables.rs"]
mod tables;

// The crate-root names the modules above refer to (`crate::Problem`, `crate::SourceFile`, ...).
use model::*;
use parse::SourceFile;
use problem::Problem;

fn main() {
    println!("cargo:rerun-if-changed=../../kb");
    println!("cargo:rerun-if-changed=src");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb");
    let embedded = match parse::read_dir(&root) {
        Ok(mut files) => {
            // The order `embedded_files` gives: sorted by the whole path.
            files.sort_by(|a, b| a.path.cmp(&b.path));
            let (kb, problems) = parse::parse(&files);
            parse::Parsed { kb, problems }
        }
        Err(problem) => parse::Parsed { kb: KnowledgeBase::default(), problems: vec![problem] },
    };
    let bytes = postcard::to_stdvec(&embedded).expect("the knowledge base serializes");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("kb.postcard");
    std::fs::write(&out, bytes).expect("OUT_DIR is writable");
}
