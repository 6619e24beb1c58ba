//! `sharesafe audit DIR`: shows a parent what a folder of photos gives away — places (with
//! coordinates and counts, no addresses: nothing leaves the machine), school-day-morning
//! patterns, devices, people named, tracking IDs, hidden videos — without changing any file.

use std::path::PathBuf;

use clap::Args;
use sharesafe_core::audit;
use sharesafe_core::batch::{self, CollectOptions};
use sharesafe_core::Limits;

/// Arguments of `sharesafe audit`.
#[derive(Args)]
pub struct AuditArgs {
    /// Print a JSON document instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// Only the top of each folder, not its subfolders.
    #[arg(long)]
    pub no_recursive: bool,
    /// Also list what each photo gives away.
    #[arg(long)]
    pub per_photo: bool,
    /// Photos or folders.
    #[arg(required = true, value_name = "FILE|DIR")]
    pub inputs: Vec<PathBuf>,
}

pub fn run(args: AuditArgs) -> u8 {
    let collected = batch::collect_items_with(
        &args.inputs,
        &CollectOptions {
            recursive: !args.no_recursive,
            follow_symlinks: false,
        },
    );
    for dir in &collected.unreadable {
        eprintln!("cannot read folder {}", dir.display());
    }
    if collected.items.is_empty() {
        eprintln!("sharesafe audit: no files to audit");
        return 2;
    }
    let report = audit::audit_items(&collected.items, &Limits::default());
    if args.json {
        let mut doc = serde_json::json!({ "schema": "sharesafe.audit/1", "report": report });
        if !args.per_photo {
            if let Some(r) = doc.get_mut("report").and_then(|r| r.as_object_mut()) {
                r.remove("per_photo");
            }
        }
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        for line in report.human_summary() {
            println!("{line}");
        }
        if args.per_photo {
            for (path, f) in &report.per_photo {
                let mut what = Vec::new();
                if let Some(p) = f.location {
                    what.push(format!("location {:.5}, {:.5}", p.lat, p.lon));
                }
                if let Some(d) = &f.device {
                    what.push(format!("device {d}"));
                }
                if !f.people.is_empty() {
                    what.push(format!("people {}", f.people.join(", ")));
                }
                if !f.tracking_ids.is_empty() {
                    what.push(format!("{} tracking IDs", f.tracking_ids.len()));
                }
                if f.hidden_video {
                    what.push("hidden video".to_string());
                }
                if !what.is_empty() {
                    println!("{}: {}", path.display(), what.join("; "));
                }
            }
        }
        if report.with_location + report.with_tracking_ids + report.hidden_videos > 0 {
            println!(
                "Run `sharesafe clean` before sharing: it removes all of this without re-encoding."
            );
        }
    }
    if collected.unreadable.is_empty() {
        0
    } else {
        1
    }
}
