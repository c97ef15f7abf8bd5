//! Decodes one paste many times, for instruction counts that do not depend on what else the
//! machine is doing: `decode_many FILE [TIMES]`.
//!
//! The first decode (which compiles the extractors' lazily built patterns) runs outside
//! `measured_decodes`, so `valgrind --tool=callgrind '--toggle-collect=*measured_decodes*'`
//! counts the steady state only.
fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: decode_many FILE [TIMES]");
    let times: usize = args.next().and_then(|t| t.parse().ok()).unwrap_or(1000);
    let paste = std::fs::read(path).expect("readable file");
    let decoder =
        errdecode_core::Decoder::new(errdecode_kb::load_embedded().expect("valid knowledge base"));
    let options = errdecode_core::DecodeOptions::default();
    let warm = decoder.decode(&paste, &options).causes.len();
    println!("{}", warm + measured_decodes(&decoder, &paste, &options, times));
}

#[inline(never)]
fn measured_decodes(
    decoder: &errdecode_core::Decoder,
    paste: &[u8],
    options: &errdecode_core::DecodeOptions,
    times: usize,
) -> usize {
    (0..times).map(|_| decoder.decode(paste, options).causes.len()).sum()
}
