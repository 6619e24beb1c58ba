fn main() {
    for a in std::env::args().skip(1) {
        let r = sharesafe_core::caption::analyze_caption(&a, None);
        println!("{:?} {:?}", r.detected_language, r.findings.iter().map(|f| (f.kind, f.text.as_str(), f.reason_id)).collect::<Vec<_>>());
    }
}
