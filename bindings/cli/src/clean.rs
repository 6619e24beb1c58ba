//! `sharesafe clean`: expands files and folders, runs the core's batch engine with a progress bar
//! on a terminal, prints one line per file (or JSON), and maps the outcome to the exit code.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use sharesafe_core::batch::{self, BatchOptions, BatchOutput, ItemOutcome};
use sharesafe_core::{CancelToken, CleanOptions, CleanReport};

use crate::CleanArgs;

/// Words for what a clean removed, for one line of output.
pub fn removed_summary(report: &CleanReport) -> String {
    let kinds = report.removed_kinds();
    if kinds.is_empty() {
        return "nothing to remove".to_string();
    }
    let words: Vec<&str> = kinds.iter().map(|k| k.describe()).collect();
    format!("removed {}", words.join("; "))
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / f64::from(1u32 << 20)),
        n if n >= 1 << 10 => format!("{:.1} kB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

pub fn run(args: CleanArgs) -> u8 {
    let output = match (&args.out, args.in_place) {
        (Some(dir), false) => BatchOutput::Directory(dir.clone()),
        (None, true) => BatchOutput::InPlace,
        _ => {
            eprintln!("sharesafe clean: choose where cleaned files go: --out DIR, or --in-place to replace the originals");
            return 2;
        }
    };
    let (items, unreadable) = batch::collect_items(&args.inputs, args.recursive);
    for dir in &unreadable {
        eprintln!("cannot read folder {}", dir.display());
    }
    if items.is_empty() {
        eprintln!("sharesafe clean: no files to clean");
        return if unreadable.is_empty() { 2 } else { 1 };
    }
    let stop = CancelToken::new();
    {
        let stop = stop.clone();
        // Ctrl-C: finish the files in progress, start no new one, print the summary.
        let _ = ctrlc::set_handler(move || stop.cancel());
    }
    let opts = BatchOptions {
        clean: CleanOptions::default(),
        output,
        jobs: args.jobs,
        stop: Some(stop),
    };
    let total_bytes: u64 = items
        .iter()
        .map(|i| std::fs::metadata(&i.path).map(|m| m.len()).unwrap_or(0))
        .sum();
    let bar = if std::io::stderr().is_terminal() && !args.json {
        let b = ProgressBar::new(total_bytes);
        b.set_style(
            ProgressStyle::with_template(
                "{bar:30} {msg} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b.enable_steady_tick(Duration::from_millis(200));
        b
    } else {
        ProgressBar::hidden()
    };
    let json_mode = args.json;
    let summary = batch::clean_batch(&items, &opts, &mut |p| {
        bar.set_position(p.bytes_done);
        bar.set_message(format!("{}/{} files", p.done, p.total));
        if json_mode {
            return;
        }
        let input = p.item.input.display();
        let line = match &p.item.outcome {
            ItemOutcome::Cleaned { output, report } => format!(
                "cleaned  {input} -> {}: {} ({} -> {})",
                output.display(),
                removed_summary(report),
                human_bytes(report.input_bytes),
                human_bytes(report.output_bytes)
            ),
            ItemOutcome::Refused(e) => format!("REFUSED  {input}: {e}"),
            ItemOutcome::Skipped(why) => format!("skipped  {input}: {why}"),
        };
        bar.suspend(|| println!("{line}"));
    });
    bar.finish_and_clear();
    if args.json {
        let files: Vec<_> = summary
            .items
            .iter()
            .map(|r| match &r.outcome {
                ItemOutcome::Cleaned { output, report } => json!({
                    "input": r.input, "status": "cleaned", "output": output, "report": report,
                }),
                ItemOutcome::Refused(e) => {
                    json!({"input": r.input, "status": "refused", "reason": e.to_string()})
                }
                ItemOutcome::Skipped(why) => {
                    json!({"input": r.input, "status": "skipped", "reason": why})
                }
            })
            .collect();
        let doc = json!({
            "schema": "sharesafe.clean/1",
            "files": files,
            "summary": {
                "cleaned": summary.cleaned, "refused": summary.refused, "skipped": summary.skipped,
                "cancelled": summary.cancelled, "bytes_in": summary.bytes_in, "bytes_out": summary.bytes_out,
            },
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        println!(
            "{} cleaned, {} refused, {} skipped{}; {} removed",
            summary.cleaned,
            summary.refused,
            summary.skipped,
            if summary.cancelled {
                " (stopped early)"
            } else {
                ""
            },
            human_bytes(summary.bytes_in.saturating_sub(summary.bytes_out))
        );
    }
    if summary.refused > 0 || summary.cancelled || !unreadable.is_empty() {
        1
    } else {
        0
    }
}
