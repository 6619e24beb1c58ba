//! `sharesafe fingerprint` and `sharesafe ledger`: private PDQ fingerprints of photos, and the
//! on-device ledger of what was shared, so a parent can later ask "did I share this?" and hand a
//! hash (never the photo) to StopNCII or Take It Down.

use std::path::{Path, PathBuf};

use serde_json::json;
use sharesafe_core::fingerprint::ledger::{Ledger, LedgerEntry};
use sharesafe_core::fingerprint::{fingerprint_photo, PhotoFingerprint};
use sharesafe_core::Limits;

use crate::{FingerprintArgs, LedgerArgs, LedgerCommand};

fn fingerprint_file(path: &Path) -> Result<PhotoFingerprint, String> {
    let limits = Limits::default();
    // Bounded before allocating: a multi-gigabyte file is refused, not read.
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let bytes = sharesafe_core::decode::read_bounded(file, &limits).map_err(|e| e.to_string())?;
    fingerprint_photo(&bytes, &limits).map_err(|e| e.to_string())
}

pub fn run_fingerprint(args: FingerprintArgs) -> u8 {
    let mut code = 0;
    let mut docs = Vec::new();
    for path in &args.inputs {
        match fingerprint_file(path) {
            Ok(fp) => {
                if args.json {
                    docs.push(json!({"input": path, "fingerprint": fp}));
                    continue;
                }
                let low = if fp.is_low_quality() {
                    "  LOW QUALITY: do not rely on matches"
                } else {
                    ""
                };
                println!(
                    "{}: pdq {} quality {}{low}",
                    path.display(),
                    fp.stored.hash,
                    fp.stored.quality
                );
                if fp.oriented.hash != fp.stored.hash {
                    println!(
                        "  as displayed (orientation {}): pdq {}",
                        fp.orientation, fp.oriented.hash
                    );
                }
            }
            Err(e) => {
                code = 1;
                if args.json {
                    docs.push(json!({"input": path, "error": e}));
                } else {
                    println!("{}: cannot fingerprint: {e}", path.display());
                }
            }
        }
    }
    if args.json {
        let doc = json!({"schema": "sharesafe.fingerprint/1", "files": docs});
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    code
}

/// The ledger file: `--ledger`, else `$SHARESAFE_LEDGER`, else the user's data directory.
fn ledger_path(args: &LedgerArgs) -> Option<PathBuf> {
    if let Some(p) = &args.ledger {
        return Some(p.clone());
    }
    if let Some(p) = std::env::var_os("SHARESAFE_LEDGER") {
        return Some(PathBuf::from(p));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(data.join("sharesafe").join("shared-photos.ledger"))
}

fn date(secs: i64) -> String {
    // Civil date from days since 1970 (proleptic Gregorian), UTC.
    let days = secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

pub fn run_ledger(args: LedgerArgs) -> u8 {
    let Some(path) = ledger_path(&args) else {
        eprintln!("sharesafe ledger: no ledger location: pass --ledger FILE");
        return 2;
    };
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() && std::fs::create_dir_all(dir).is_err() {
            eprintln!("sharesafe ledger: cannot create the ledger's folder");
            return 1;
        }
    }
    let mut ledger = match Ledger::open(&path) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("sharesafe ledger: {e}");
            return 1;
        }
    };
    match args.command {
        LedgerCommand::Add { app, inputs } => {
            let mut code = 0;
            for input in &inputs {
                let result = fingerprint_file(input).and_then(|fp| {
                    ledger
                        .append(LedgerEntry::now(
                            fp.stored.hash,
                            fp.stored.quality,
                            app.clone(),
                        ))
                        .map(|()| fp)
                        .map_err(|e| e.to_string())
                });
                match result {
                    Ok(fp) => println!(
                        "added {}: pdq {} (entry {})",
                        input.display(),
                        fp.stored.hash,
                        ledger.len() - 1
                    ),
                    Err(e) => {
                        code = 1;
                        println!("not added {}: {e}", input.display());
                    }
                }
            }
            code
        }
        LedgerCommand::Find {
            max_distance,
            json,
            inputs,
        } => {
            let mut code = 0;
            let mut docs = Vec::new();
            for input in &inputs {
                let fp = match fingerprint_file(input) {
                    Ok(fp) => fp,
                    Err(e) => {
                        code = 1;
                        println!("{}: cannot fingerprint: {e}", input.display());
                        continue;
                    }
                };
                let matches = ledger.find_any_orientation(&fp.dihedral, max_distance);
                if json {
                    let found: Vec<_> = matches
                        .iter()
                        .filter_map(|m| ledger.entries().get(m.index).map(|e| (m, e)))
                        .map(|(m, e)| json!({"entry": m.index, "distance": m.distance, "transform": format!("{:?}", m.transform), "shared_at": e.shared_at, "app": e.target_app}))
                        .collect();
                    docs.push(json!({"input": input, "low_quality": fp.is_low_quality(), "matches": found}));
                    continue;
                }
                if matches.is_empty() {
                    println!(
                        "{}: not in the ledger (no shared photo within {max_distance} bits)",
                        input.display()
                    );
                }
                for m in &matches {
                    if let Some(e) = ledger.entries().get(m.index) {
                        println!(
                            "{}: like entry {} (distance {}), shared {} to {}",
                            input.display(),
                            m.index,
                            m.distance,
                            date(e.shared_at),
                            if e.target_app.is_empty() {
                                "an app"
                            } else {
                                &e.target_app
                            }
                        );
                    }
                }
            }
            if json {
                let doc = json!({"schema": "sharesafe.ledger-find/1", "files": docs});
                println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
            }
            code
        }
        LedgerCommand::Export { entries } => {
            let all: Vec<usize> = (0..ledger.len()).collect();
            let pick = if entries.is_empty() { &all } else { &entries };
            match ledger.export_text(pick) {
                Ok(text) => {
                    print!("{text}");
                    0
                }
                Err(e) => {
                    eprintln!("sharesafe ledger: {e}");
                    1
                }
            }
        }
        LedgerCommand::List => {
            for (i, e) in ledger.entries().iter().enumerate() {
                println!(
                    "{i:>5}  {}  quality {:>3}  {}  {}",
                    e.hash,
                    e.quality,
                    date(e.shared_at),
                    e.target_app
                );
            }
            println!("{} entries", ledger.len());
            0
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::date(0), "1970-01-01");
        assert_eq!(super::date(951_782_400), "2000-02-29");
        assert_eq!(super::date(1_764_547_200), "2025-12-01");
    }
}
