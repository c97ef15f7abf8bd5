//! The browser's decoder (`crates/errdecode-wasm`, built by `scripts/build-wasm.sh` into
//! `wasm/`) is embedded in the server and the export when it has been built: the module and
//! its JavaScript glue become two more assets. Without them the site works as before (the
//! paste box posts to `/decode`). The pages alone (no `server` feature, as `errdecode-wasm`
//! builds them) never embed the module, which would otherwise embed itself.
use std::path::PathBuf;
use std::{env, fs};

const MODULE: &str = "errdecode_wasm_bg.wasm";
const GLUE: &str = "errdecode_wasm.js";

fn main() {
    println!("cargo:rerun-if-env-changed=ERRDECODE_WASM_DIR");
    println!("cargo:rerun-if-changed=build.rs");
    let server = env::var_os("CARGO_FEATURE_SERVER").is_some();
    let dir = match env::var_os("ERRDECODE_WASM_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo")).join("wasm")
        }
    };
    // A folder is watched whole: building the module again rebuilds this crate.
    if server && dir.is_dir() {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    let module = dir.join(MODULE);
    let glue = dir.join(GLUE);
    let embed = server && module.is_file() && glue.is_file();
    let code = if embed {
        format!(
            "Some((include_bytes!({:?}).as_slice(), include_bytes!({:?}).as_slice()))",
            module.display().to_string(),
            glue.display().to_string()
        )
    } else {
        "None".to_string()
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo")).join("wasm_module.rs");
    let source = format!(
        "/// The browser's decoder and its glue, when built (`scripts/build-wasm.sh`).\n\
         pub(crate) const WASM_MODULE: Option<(&[u8], &[u8])> = {code};\n"
    );
    fs::write(out, source).expect("OUT_DIR is writable");
}
