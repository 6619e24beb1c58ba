//! `sharesafe inspect`: what each file contains, part by part, and what `clean` would do with it.

use std::io::BufReader;

use serde_json::json;
use sharesafe_core::{inspect_structure, Action, Limits};

use crate::InspectArgs;

pub fn run(args: InspectArgs) -> u8 {
    let mut code = 0;
    let mut docs = Vec::new();
    for path in &args.inputs {
        let result = std::fs::File::open(path)
            .map_err(|e| sharesafe_core::Error::Io {
                op: "open input",
                source: e,
            })
            .and_then(|f| inspect_structure(BufReader::new(f), &Limits::default()));
        match result {
            Ok(report) => {
                if args.json {
                    docs.push(json!({"input": path, "structure": report}));
                    continue;
                }
                println!(
                    "{} ({}, {} bytes)",
                    path.display(),
                    report.format,
                    report.input_bytes
                );
                for p in &report.parts {
                    let action = match p.action {
                        Action::Kept => "keep",
                        Action::Removed => "REMOVE",
                        Action::Rewritten => "rewrite",
                    };
                    println!(
                        "  {action:<8} {:>10} {:>9}  {:<26} {} — {}",
                        p.offset,
                        p.length,
                        p.part.to_string(),
                        p.label,
                        p.kind.describe()
                    );
                }
                println!(
                    "  clean would remove {} of {} bytes",
                    report.bytes_removed(),
                    report.input_bytes
                );
            }
            Err(e) => {
                code = 1;
                if args.json {
                    docs.push(json!({"input": path, "error": e.to_string()}));
                } else {
                    println!("{}: cannot inspect: {e}", path.display());
                }
            }
        }
    }
    if args.json {
        let doc = json!({"schema": "sharesafe.inspect-structure/1", "files": docs});
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    code
}
