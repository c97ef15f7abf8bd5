//! The stylesheet, the script and the icon, embedded in the binary and named after a hash of
//! their content (`app.3f9c2b1a7e.css`): a name never serves two contents, so the server and
//! any static host can let browsers keep them for a year.

/// One static file.
#[derive(Debug, Clone)]
pub struct Asset {
    /// The name under `/static/`, with the content hash.
    pub name: String,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

impl Asset {
    fn new(stem: &str, extension: &str, content_type: &'static str, bytes: &'static [u8]) -> Asset {
        Asset { name: format!("{stem}.{}.{extension}", content_hash(bytes)), content_type, bytes }
    }

    /// The URL path, `/static/<name>`.
    pub fn url(&self) -> String {
        format!("/static/{}", self.name)
    }
}

/// Every static file the pages link to.
#[derive(Debug, Clone)]
pub struct Assets {
    pub css: Asset,
    pub js: Asset,
    pub icon: Asset,
    /// The browser's decoder (`crates/errdecode-wasm`) and its JavaScript glue, when they were
    /// built before this crate (`scripts/build-wasm.sh`; see `build.rs`).
    pub wasm: Option<WasmAssets>,
}

/// The WebAssembly decoder: the module and the glue that loads it.
#[derive(Debug, Clone)]
pub struct WasmAssets {
    pub module: Asset,
    pub glue: Asset,
}

include!(concat!(env!("OUT_DIR"), "/wasm_module.rs"));

impl Assets {
    pub fn embedded() -> Assets {
        Assets {
            css: Asset::new(
                "app",
                "css",
                "text/css; charset=utf-8",
                include_bytes!("../static/app.css"),
            ),
            js: Asset::new(
                "app",
                "js",
                "text/javascript; charset=utf-8",
                include_bytes!("../static/app.js"),
            ),
            icon: Asset::new("icon", "svg", "image/svg+xml", include_bytes!("../static/icon.svg")),
            wasm: WASM_MODULE.map(|(module, glue)| WasmAssets {
                module: Asset::new("errdecode", "wasm", "application/wasm", module),
                glue: Asset::new("errdecode-wasm", "js", "text/javascript; charset=utf-8", glue),
            }),
        }
    }

    pub fn all(&self) -> Vec<&Asset> {
        let mut all = vec![&self.css, &self.js, &self.icon];
        if let Some(wasm) = &self.wasm {
            all.extend([&wasm.module, &wasm.glue]);
        }
        all
    }

    pub fn find(&self, name: &str) -> Option<&Asset> {
        self.all().into_iter().find(|asset| asset.name == name)
    }
}

/// FNV-1a, 40 bits in hex: stable across builds and platforms, plenty to tell versions apart.
fn content_hash(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:010x}", hash >> 24)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_content() {
        let assets = Assets::embedded();
        assert!(assets.css.name.starts_with("app.") && assets.css.name.ends_with(".css"));
        assert_eq!(assets.css.name.len(), "app..css".len() + 10);
        assert_ne!(content_hash(b"a"), content_hash(b"b"));
        assert_eq!(
            assets.find(&assets.js.name).map(|a| a.content_type),
            Some(assets.js.content_type)
        );
        assert!(assets.find("app.js").is_none());
    }
}
