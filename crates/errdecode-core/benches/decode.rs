//! Decoding speed: the seed forum post (a typical paste), a 1 MB paste (linearity), and
//! preparing the embedded knowledge base (start-up cost of every CLI run).
//!
//! `cargo bench -p errdecode-core --bench decode`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use errdecode_core::{DecodeOptions, Decoder};

const EXAMPLE: &str = include_str!("../../../examples/graph-calendar-401.txt");

/// The vendored seed forum post (a Graph 401 with pasted app-only claims, `fixtures/`), else
/// the shipped example of the same kind.
fn seed_paste() -> (String, Vec<u8>) {
    let seed =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/seeds/000_ee8fd830ad4052b7.txt");
    match std::fs::read(seed) {
        Ok(bytes) => ("seed-000-forum-post".to_string(), bytes),
        Err(_) => ("example-graph-calendar-401".to_string(), EXAMPLE.as_bytes().to_vec()),
    }
}

fn one_megabyte_paste() -> Vec<u8> {
    // Realistic filler: log lines around one real error, repeated to 1 MB.
    let block = "2026-11-20T10:00:00Z INFO request GET https://graph.microsoft.com/v1.0/users?$top=10 200 OK in 120 ms\n\
                 2026-11-20T10:00:01Z WARN retrying call to https://contoso.example/api/items after timeout\n";
    let mut paste = String::with_capacity(1 << 20);
    while paste.len() < (1 << 20) - 400 {
        paste.push_str(block);
    }
    paste.push_str(r#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}"#);
    paste.into_bytes()
}

fn benches(c: &mut Criterion) {
    let decoder = Decoder::new(errdecode_kb::load_embedded().expect("embedded knowledge base"));
    let options = DecodeOptions::default();

    let mut group = c.benchmark_group("decode");
    let (name, seed) = seed_paste();
    group.throughput(Throughput::Bytes(seed.len() as u64));
    group.bench_function(name.as_str(), |b| b.iter(|| decoder.decode(black_box(&seed), &options)));
    let big = one_megabyte_paste();
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.sample_size(20);
    group.bench_function("paste-1mb", |b| b.iter(|| decoder.decode(black_box(&big), &options)));
    group.finish();

    let mut group = c.benchmark_group("startup");
    group.sample_size(20);
    group.bench_function("load-embedded-kb", |b| {
        b.iter(|| errdecode_kb::load_embedded().expect("valid"))
    });
    group.bench_function("load-and-index-kb", |b| {
        b.iter(|| Decoder::new(errdecode_kb::load_embedded().expect("valid")))
    });
    group.finish();
}

criterion_group!(decode, benches);
criterion_main!(decode);
