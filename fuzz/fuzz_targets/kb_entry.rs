//! Any text as a knowledge-base error page, cause page or table: problems, never a panic.
#![no_main]

use errdecode_kb::{parse, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    for path in ["errors/fuzz/entry.md", "causes/entry.md", "products/entry.md", "tables/entry.toml", "permissions/entry.tsv"] {
        let _ = parse(&[SourceFile { path: path.to_string(), text: text.clone() }]);
    }
});
