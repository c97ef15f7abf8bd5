//! The hostile shapes of `errdecode_core::hostile`, timed or written out.
//!
//! `hostile [SHAPE|all] [MAX_KIB]` decodes each shape at 64 KiB, then 4x larger up to
//! `MAX_KIB`, and prints the time, the answer's size and the redactor's time over the paste:
//! the cost of 4x the input should stay near 4x. `hostile --seeds DIR BYTES` writes each
//! shape at `BYTES` into `DIR` (seeds for the fuzz targets).
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--seeds") {
        let dir = std::path::Path::new(args.get(1).expect("usage: hostile --seeds DIR BYTES"));
        let bytes: usize = args.get(2).and_then(|b| b.parse().ok()).unwrap_or(4096);
        std::fs::create_dir_all(dir).expect("a writable folder");
        for (name, paste) in errdecode_core::hostile::shapes() {
            std::fs::write(dir.join(format!("{name}.txt")), paste(bytes)).expect("written");
        }
        return;
    }
    let only = args.first().cloned().unwrap_or_default();
    let max_kib: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1024);
    let decoder =
        errdecode_core::Decoder::new(errdecode_kb::load_embedded().expect("valid knowledge base"));
    let options = errdecode_core::DecodeOptions::default();
    decoder.decode(b"warm up AADSTS50012", &options);
    for (name, paste) in errdecode_core::hostile::shapes() {
        if !only.is_empty() && only != "all" && !name.contains(only.as_str()) {
            continue;
        }
        let mut kib = 64;
        while kib <= max_kib {
            let input = paste(kib * 1024);
            let started = Instant::now();
            let document = decoder.decode(&input, &options);
            let decoded = started.elapsed().as_secs_f64();
            let json = serde_json::to_string(&document).unwrap().len();
            let started = Instant::now();
            let redacted = errdecode_core::redact::redact(&String::from_utf8_lossy(&input)).len();
            println!(
                "{name:22} {kib:5} KiB  decode {decoded:7.3} s  json {json:8} B  redact {:7.3} s ({redacted} B)",
                started.elapsed().as_secs_f64()
            );
            kib *= 4;
        }
    }
}
