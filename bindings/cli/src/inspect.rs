//! `sharesafe inspect`: what each photo gives away, in plain words, most severe first, and then
//! part by part what `clean` would do with it. `--json` prints the versioned privacy report
//! (schema: `core/src/report/schema.json`) with the structure beside it.
//!
//! The values shown (coordinates, names, captions) are the user's own data printed to their own
//! terminal; they never go to the log (`--verbose` logs only counts).

use std::io::{BufReader, Write};
use std::path::Path;

use serde_json::json;
use sharesafe_core::report::SCHEMA_VERSION;
use sharesafe_core::{
    inspect, inspect_structure, Action, CleanReport, Finding, FindingKind, InspectOptions,
    PrivacyReport, Severity,
};

use crate::InspectArgs;

fn kind_name(k: FindingKind) -> &'static str {
    match k {
        FindingKind::Location => "Location",
        FindingKind::People => "People",
        FindingKind::TrackingId => "Tracking ID",
        FindingKind::Device => "Device",
        FindingKind::Time => "Time",
        FindingKind::HiddenContent => "Hidden content",
        FindingKind::FreeText => "Text",
        FindingKind::Unreadable => "Unreadable",
    }
}

fn severity_heading(s: Severity) -> &'static str {
    match s {
        Severity::High => "HIGH — locates or identifies, or hides another picture or a video",
        Severity::Medium => "MEDIUM — links copies together or tells about your life",
        Severity::Info => "INFO — worth knowing",
    }
}

fn open_and_inspect(path: &Path) -> sharesafe_core::Result<(PrivacyReport, CleanReport)> {
    let open = || {
        std::fs::File::open(path).map_err(|e| sharesafe_core::Error::Io {
            op: "open input",
            source: e,
        })
    };
    let report = inspect(BufReader::new(open()?), &InspectOptions::default())?;
    let limits = InspectOptions::default().limits;
    let structure = inspect_structure(BufReader::new(open()?), &limits)?;
    Ok((report, structure))
}

fn print_finding(out: &mut dyn Write, f: &Finding) -> std::io::Result<()> {
    let value = f.value.reveal();
    if value.is_empty() {
        writeln!(out, "  {} · {}", kind_name(f.kind), f.title)?;
    } else {
        writeln!(out, "  {} · {}: {value}", kind_name(f.kind), f.title)?;
    }
    if let Some(c) = f.coordinates {
        writeln!(out, "      map: {}", c.map_link())?;
    }
    writeln!(out, "      {}", f.explanation)?;
    let places: Vec<String> = f
        .found_in
        .iter()
        .map(|w| format!("{} {} @ {} ({})", w.part, w.label, w.offset, w.field))
        .collect();
    writeln!(out, "      found in: {}", places.join("; "))?;
    if !f.removed_by_clean {
        writeln!(out, "      NOT removed by clean")?;
    }
    Ok(())
}

fn print_human(
    out: &mut dyn Write,
    path: &Path,
    report: &PrivacyReport,
    structure: &CleanReport,
) -> std::io::Result<()> {
    let n = report.findings.len();
    writeln!(
        out,
        "{} ({}, {} bytes): {}",
        path.display(),
        report.format,
        report.input_bytes,
        match n {
            0 => "nothing found that gives you away".to_owned(),
            1 => "1 finding".to_owned(),
            n => format!("{n} findings"),
        }
    )?;
    for sev in [Severity::High, Severity::Medium, Severity::Info] {
        let group: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == sev)
            .collect();
        if group.is_empty() {
            continue;
        }
        writeln!(out, "\n {}", severity_heading(sev))?;
        for f in group {
            print_finding(out, f)?;
        }
    }
    if n > 0 && report.findings.iter().all(|f| f.removed_by_clean) {
        writeln!(out, "\n All of this is removed by `sharesafe clean`.")?;
    }
    writeln!(out, "\n Parts of the file and what clean does with them:")?;
    for p in &structure.parts {
        let action = match p.action {
            Action::Kept => "keep",
            Action::Removed => "REMOVE",
            Action::Rewritten => "rewrite",
        };
        writeln!(
            out,
            "  {action:<8} {:>10} {:>9}  {:<26} {} — {}",
            p.offset,
            p.length,
            p.part.to_string(),
            p.label,
            p.kind.describe()
        )?;
    }
    writeln!(
        out,
        "  clean would remove {} of {} bytes\n",
        structure.bytes_removed(),
        structure.input_bytes
    )?;
    Ok(())
}

pub fn run(args: InspectArgs) -> u8 {
    let mut code = 0;
    let mut docs = Vec::new();
    let mut signals: Vec<sharesafe_core::PhotoSignal> = Vec::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &args.inputs {
        match open_and_inspect(path) {
            Ok((report, structure)) => {
                log::debug!("inspected a file: {} findings", report.findings.len());
                for sig in report.photo_signals() {
                    if !signals.contains(&sig) {
                        signals.push(sig);
                    }
                }
                if args.json {
                    docs.push(json!({"input": path, "report": report, "structure": structure}));
                } else if print_human(&mut out, path, &report, &structure).is_err() {
                    // Closed stdout (a pager quit): nothing more to say.
                    return code;
                }
            }
            Err(e) => {
                code = 1;
                if args.json {
                    docs.push(json!({"input": path, "error": e.to_string()}));
                } else {
                    let _ = writeln!(out, "{}: cannot inspect: {e}", path.display());
                }
            }
        }
    }
    let locale = args.locale.as_deref().unwrap_or("en");
    let caption = args.caption.as_deref().map(|t| {
        (
            t,
            sharesafe_core::analyze_caption(t, args.locale.as_deref()),
        )
    });
    let tips = sharesafe_core::tips_for(&signals, caption.as_ref().map(|c| &c.1), locale);
    if !args.json {
        if let Some((text, report)) = &caption {
            crate::caption::print_report(text, report);
        }
        for t in &tips {
            let _ = writeln!(out, "Tip: {} — {}", t.title, t.text);
        }
    }
    if args.json {
        let doc = json!({
            "schema": "sharesafe.inspect",
            "schema_version": SCHEMA_VERSION,
            "files": docs,
            "caption": caption.as_ref().map(|c| &c.1),
            "tips": tips,
        });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        );
    }
    code
}
