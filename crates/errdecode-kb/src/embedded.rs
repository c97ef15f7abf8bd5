//! The knowledge base shipped inside the binary.

use include_dir::{include_dir, Dir};

use crate::SourceFile;

static KB_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../kb");

/// Every text file of the embedded knowledge base, sorted by path for deterministic loading.
pub fn embedded_files() -> Vec<SourceFile> {
    let mut files = Vec::new();
    collect(&KB_DIR, &mut files);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn collect(dir: &Dir<'static>, out: &mut Vec<SourceFile>) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            out.push(SourceFile {
                path: file.path().to_string_lossy().replace('\\', "/"),
                text: text.to_string(),
            });
        }
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}
