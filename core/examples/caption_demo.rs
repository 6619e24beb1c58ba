//! Shows what the caption checker reports for a few captions (or for the captions given as
//! arguments): findings with their spans marked, severities, combinations, the safer caption and
//! the tips. `cargo run -p sharesafe-core --example caption_demo -- "Emma Schmit wird 7 in Mamer"`

use sharesafe_core::caption::analyze_caption;
use sharesafe_core::tips::{tips_for, PhotoSignal};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let samples = if args.is_empty() {
        vec![
            "Emma Schmit's first day at Grundschule am Park in Mamer! #firstdayofschool"
                .to_string(),
            "Every Saturday at the pool in Bertrange with Léo (5) #bathtime".to_string(),
            "Chloé fête ses 6 ans à Esch-sur-Alzette, appelez le 621 123 456 ou +352 621 123 456"
                .to_string(),
            "Nice weather, reading a book at home".to_string(),
        ]
    } else {
        args
    };
    for text in samples {
        let r = analyze_caption(&text, None);
        println!("{}", r.mark_spans(&text, "[", "]"));
        for f in &r.findings {
            println!(
                "  {:>6?} {:<18} {:>3}..{:<3} {:?} — {}",
                f.severity,
                f.kind.as_str(),
                f.start,
                f.end,
                f.text,
                f.reason
            );
        }
        for c in &r.combined {
            println!("  combined {}: {}", c.id, c.reason);
        }
        println!("  safer: {}", r.safer_caption);
        for t in tips_for(
            &[PhotoSignal::GpsLocation, PhotoSignal::FacesVisible],
            Some(&r),
            "en",
        ) {
            println!("  tip {}: {}", t.id.as_str(), t.title);
        }
        println!();
    }
}
