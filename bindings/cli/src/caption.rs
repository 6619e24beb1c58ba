//! `sharesafe caption`: checks a caption before it is posted — names, places, schools, ages,
//! contacts, routines and searchable hashtags — prints each finding with its span marked, why it
//! matters, a safer caption to copy, and the tips that matter most.

use std::io::{IsTerminal, Read};

use serde_json::json;
use sharesafe_core::caption::{analyze_caption, CaptionReport, Severity};
use sharesafe_core::tips::tips_for;

use crate::CaptionArgs;

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::High => "HIGH",
        Severity::Medium => "medium",
        Severity::Low => "low",
    }
}

/// The caption from the argument, or from standard input when no argument is given.
fn caption_text(args: &CaptionArgs) -> Result<String, String> {
    if let Some(t) = &args.text {
        return Ok(t.clone());
    }
    if std::io::stdin().is_terminal() {
        return Err("give the caption as an argument, or pipe it on standard input".into());
    }
    let mut s = String::new();
    std::io::stdin()
        .take(1 << 20)
        .read_to_string(&mut s)
        .map_err(|_| "standard input is not UTF-8 text".to_string())?;
    Ok(s.trim_end_matches(['\n', '\r']).to_string())
}

/// Prints a caption report for a person; shared with `inspect --caption`.
pub fn print_report(text: &str, report: &CaptionReport) {
    if report.findings.is_empty() {
        println!("Caption: nothing found that makes the child findable.");
        return;
    }
    let worst = report.overall.map(severity_word).unwrap_or("low");
    println!(
        "Caption ({worst} risk): {}",
        report.mark_spans(text, "[", "]")
    );
    for f in &report.findings {
        println!(
            "  {:<6} {:<18} \"{}\" — {}",
            severity_word(f.severity),
            f.kind.as_str(),
            f.text,
            f.reason
        );
    }
    for c in &report.combined {
        println!("  together: {}", c.reason);
    }
    if report.safer_caption != text {
        println!("Safer caption: {}", report.safer_caption);
    }
}

pub fn run(args: CaptionArgs) -> u8 {
    let text = match caption_text(&args) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("sharesafe caption: {e}");
            return 2;
        }
    };
    let report = analyze_caption(&text, args.locale.as_deref());
    let locale = args.locale.as_deref().unwrap_or("en");
    let tips = tips_for(&[], Some(&report), locale);
    if args.json {
        let doc = json!({"schema": "sharesafe.caption/1", "caption": report, "tips": tips});
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return 0;
    }
    print_report(&text, &report);
    for t in &tips {
        println!("Tip: {} — {}", t.title, t.text);
    }
    0
}
