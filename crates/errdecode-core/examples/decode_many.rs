//! Decodes one paste many times, for instruction counts (`perf stat`, callgrind) that do not
//! depend on what else the machine is doing: `decode_many FILE [TIMES]`.
fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: decode_many FILE [TIMES]");
    let times: usize = args.next().and_then(|t| t.parse().ok()).unwrap_or(1000);
    let paste = std::fs::read(path).expect("readable file");
    let decoder =
        errdecode_core::Decoder::new(errdecode_kb::load_embedded().expect("valid knowledge base"));
    let options = errdecode_core::DecodeOptions::default();
    let mut causes = 0;
    for _ in 0..times {
        causes += decoder.decode(&paste, &options).causes.len();
    }
    println!("{causes}");
}
