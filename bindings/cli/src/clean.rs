//! `sharesafe clean`: expands files and folders, runs the core's batch engine with a progress bar
//! on a terminal, prints one line per file (or JSON), and maps the outcome to the exit code.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use sharesafe_core::batch::{
    self, BatchOptions, BatchOutput, CollectOptions, ItemOutcome, OutputNames,
};
use sharesafe_core::journal::DEFAULT_JOURNAL_NAME;
use sharesafe_core::{CancelToken, CleanOptions, CleanReport};

use crate::CleanArgs;

/// Words for what a clean removed, for one line of output.
pub fn removed_summary(report: &CleanReport) -> String {
    let kinds = report.removed_kinds();
    let date_kept = report.capture_date.is_some();
    if kinds.is_empty() && !date_kept {
        return "nothing to remove".to_string();
    }
    let mut words: Vec<&str> = kinds.iter().map(|k| k.describe()).collect();
    if date_kept {
        // The EXIF block was rewritten, not removed: everything in it went but the date.
        words.push("camera and location data (EXIF), keeping only the capture date");
    }
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
    if args.redact_faces || !args.region.is_empty() {
        return crate::faces::run_redacting_clean(args);
    }
    let output = match (&args.out, args.in_place) {
        (Some(dir), false) => BatchOutput::Directory(dir.clone()),
        (None, true) => BatchOutput::InPlace,
        _ => {
            eprintln!("sharesafe clean: choose where cleaned files go: --out DIR, or --in-place to replace the originals");
            return 2;
        }
    };
    let collected = batch::collect_items_with(
        &args.inputs,
        &CollectOptions {
            recursive: args.recursive,
            follow_symlinks: args.follow_symlinks,
        },
    );
    let (items, unreadable) = (collected.items, collected.unreadable);
    for dir in &unreadable {
        eprintln!("cannot read folder {}", dir.display());
    }
    if !args.json {
        for link in &collected.links_not_followed {
            println!(
                "skipped  {}: symbolic link not followed (use --follow-symlinks)",
                link.display()
            );
        }
    }
    let journal = args
        .journal
        .clone()
        .or_else(|| default_journal(&output, &args.inputs));
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
        clean: CleanOptions {
            keep_capture_date: args.keep_capture_date,
            ..CleanOptions::default()
        },
        output,
        jobs: args.jobs,
        stop: Some(stop),
        names: if args.random_names {
            OutputNames::Random
        } else {
            OutputNames::Keep
        },
        journal,
    };
    let bar = if std::io::stderr().is_terminal() && !args.json {
        let b = ProgressBar::new(0);
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
        bar.set_length(p.bytes_total);
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
        if matches!(p.item.outcome, ItemOutcome::Skipped(batch::ALREADY_CLEANED)) {
            return; // a resumed batch: one summary line says how many, not one line each
        }
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
                "resumed": summary.resumed, "cancelled": summary.cancelled, "disk_full": summary.disk_full,
                "bytes_in": summary.bytes_in, "bytes_out": summary.bytes_out,
                "found": summary.found.iter().map(|(k, n)| json!({"kind": k, "files": n})).collect::<Vec<_>>(),
            },
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        if summary.resumed > 0 {
            println!(
                "resumed: {} files were cleaned in an earlier run",
                summary.resumed
            );
        }
        if !summary.found.is_empty() {
            let found: Vec<String> = summary
                .found
                .iter()
                .map(|(k, n)| format!("{} ({n})", k.describe()))
                .collect();
            println!("found and removed: {}", found.join("; "));
        }
        if summary.disk_full {
            eprintln!(
                "sharesafe clean: the disk is full. The batch stopped; every original is intact and \
                 nothing partial was left. Free some space and run the same command again to resume."
            );
        } else if summary.cancelled {
            eprintln!("sharesafe clean: stopped. Run the same command again to resume.");
        }
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
    if summary.refused > 0 || !summary.complete() || !unreadable.is_empty() {
        1
    } else {
        0
    }
}

/// Where the journal goes when `--journal` is not given: a hidden file in the output folder, or,
/// in place, in the (first) folder being cleaned. `collect_items` never lists it, and a batch
/// that completes removes it.
fn default_journal(
    output: &BatchOutput,
    inputs: &[std::path::PathBuf],
) -> Option<std::path::PathBuf> {
    let dir = match output {
        BatchOutput::Directory(d) => {
            std::fs::create_dir_all(d).ok()?;
            d.clone()
        }
        BatchOutput::InPlace => {
            let first = inputs.first()?;
            if first.is_dir() {
                first.clone()
            } else {
                first
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| std::path::PathBuf::from("."), |p| p.to_path_buf())
            }
        }
    };
    Some(dir.join(DEFAULT_JOURNAL_NAME))
}
