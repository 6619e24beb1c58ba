//! `sharesafe faces` and `sharesafe clean --redact-faces / --region`: find faces, then clean and
//! redact in one verified step.
//!
//! Why it is its own path and not the batch engine's: the batch engine writes what the metadata
//! cleaner produces, while a redacted file comes out of `redact::redact_with`, which cleans,
//! re-parses and checks the redacted areas itself. Every file here is refused as a whole when any
//! step fails (no model, unreadable photo, a `--keep-face` index that does not exist, a format
//! that cannot be redacted): nothing is written for it, the rest of the batch goes on, and the
//! exit code is 1. A photo is never written unredacted when redaction was asked.

use std::collections::BTreeSet;
use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::json;
use sharesafe_core::atomic::AtomicFile;
use sharesafe_core::batch::{self, BatchItem, CollectOptions};
use sharesafe_core::faces::{DetectOptions, FaceDetector, PhotoFaces};
use sharesafe_core::redact::{
    redact_with, FaceFinder, Margins, RedactMethod, RedactOptions, RedactionStyle, Region,
};
use sharesafe_core::{clean_bytes, inspect_structure, CleanOptions, Limits};

use crate::{CleanArgs, FacesArgs, StyleArg};

/// The model's file name, wherever it is looked for.
pub const MODEL_FILE: &str = "centerface.onnx";

/// Environment variable naming the model file.
pub const MODEL_ENV: &str = "SHARESAFE_FACE_MODEL";

/// Where the model is looked for, in order: the explicit path, `$SHARESAFE_FACE_MODEL`,
/// `centerface.onnx` next to the binary, then the source tree's `core/assets/` (a developer
/// build). The first candidate that is given is the only one tried for the explicit path and the
/// variable: a wrong path there is an error, not a reason to fall back silently to another model.
pub fn find_model(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(p) = explicit {
        return if p.is_file() {
            Ok(p.to_path_buf())
        } else {
            Err("the face model given with --face-model is not a readable file".to_string())
        };
    }
    if let Some(p) = std::env::var_os(MODEL_ENV).filter(|v| !v.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!(
                "the face model named by ${MODEL_ENV} is not a readable file"
            ))
        };
    }
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join(MODEL_FILE)));
    let in_repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../core/assets")
        .join(MODEL_FILE);
    beside_binary
        .into_iter()
        .chain(std::iter::once(in_repo))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            format!(
                "face model {MODEL_FILE} not found: pass --face-model PATH, set ${MODEL_ENV}, \
                 or put it next to the sharesafe binary (scripts/fetch-face-model.sh fetches it)"
            )
        })
}

fn load_detector(explicit: Option<&Path>) -> Result<FaceDetector, String> {
    let path = find_model(explicit)?;
    FaceDetector::from_path(&path).map_err(|e| e.to_string())
}

/// Reads a photo, at most `limits.max_input_bytes`.
fn read_bounded(path: &Path, limits: &Limits) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|_| "cannot be opened".to_string())?;
    sharesafe_core::decode::read_bounded(file, limits).map_err(|e| e.to_string())
}

/// One face as the CLI prints it: the box rounded outwards to whole pixels.
fn face_json(index: usize, f: &sharesafe_core::faces::Face) -> serde_json::Value {
    let r = f.region();
    json!({
        "index": index,
        "x": r.x, "y": r.y, "width": r.width, "height": r.height,
        "box": [f.x, f.y, f.width, f.height],
        "confidence": f.confidence,
        "landmarks": f.landmarks,
    })
}

/// `sharesafe faces`: lists the faces of each photo, best first; the index is what
/// `clean --keep-face` takes.
pub fn run_faces(args: FacesArgs) -> u8 {
    let det = match load_detector(args.model.face_model.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("sharesafe faces: {e}");
            return 1;
        }
    };
    let opts = DetectOptions::default();
    let mut failed = 0usize;
    let mut files = Vec::new();
    for input in &args.inputs {
        let result = read_bounded(input, &opts.limits)
            .and_then(|bytes| det.detect_photo(&bytes, &opts).map_err(|e| e.to_string()));
        match result {
            Ok(found) => {
                if args.json {
                    files.push(json!({
                        "input": input, "status": "ok",
                        "width": found.width, "height": found.height,
                        "faces": found.faces.iter().enumerate()
                            .map(|(i, f)| face_json(i, f)).collect::<Vec<_>>(),
                    }));
                } else {
                    print_faces(input, &found);
                }
            }
            Err(reason) => {
                failed += 1;
                if args.json {
                    files.push(json!({"input": input, "status": "refused", "reason": reason}));
                } else {
                    println!("REFUSED  {}: {reason}", input.display());
                }
            }
        }
    }
    if args.json {
        let doc = json!({"schema": "sharesafe.faces/1", "files": files});
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    u8::from(failed > 0)
}

fn print_faces(input: &Path, found: &PhotoFaces) {
    let n = found.faces.len();
    println!(
        "{}: {n} face{} ({}x{} as displayed)",
        input.display(),
        if n == 1 { "" } else { "s" },
        found.width,
        found.height
    );
    for (i, f) in found.faces.iter().enumerate() {
        let r = f.region();
        println!(
            "  {i:>3}  x={} y={} width={} height={}  confidence {:.2}",
            r.x, r.y, r.width, r.height, f.confidence
        );
    }
}

/// Parses `x,y,w,h` (whole pixels, displayed coordinates) for `--region`.
pub fn parse_region(s: &str) -> Result<Region, String> {
    let v: Vec<u32> = s
        .split(',')
        .map(|p| p.trim().parse::<u32>())
        .collect::<Result<_, _>>()
        .map_err(|_| "a region is x,y,width,height in whole pixels".to_string())?;
    match v[..] {
        [x, y, width, height] if width > 0 && height > 0 => Ok(Region {
            x,
            y,
            width,
            height,
        }),
        [_, _, _, _] => Err("a region needs a width and height above 0".to_string()),
        _ => Err("a region is x,y,width,height in whole pixels".to_string()),
    }
}

/// What was done to one file.
struct Done {
    output: PathBuf,
    faces_found: usize,
    faces_hidden: usize,
    regions_drawn: usize,
    method: Option<RedactMethod>,
    checks: Vec<&'static str>,
    removed: String,
}

/// The settings shared by every file of a redacting clean.
struct Plan<'a> {
    detector: Option<&'a FaceDetector>,
    keep: BTreeSet<usize>,
    drawn: Vec<Region>,
    redact: RedactOptions,
    detect: DetectOptions,
    output: Output,
}

enum Output {
    Directory(PathBuf),
    InPlace,
}

/// `sharesafe clean` when `--redact-faces` or `--region` was given.
pub fn run_redacting_clean(args: CleanArgs) -> u8 {
    let output = match (&args.out, args.in_place) {
        (Some(dir), false) => Output::Directory(dir.clone()),
        (None, true) => Output::InPlace,
        _ => {
            eprintln!("sharesafe clean: choose where cleaned files go: --out DIR, or --in-place to replace the originals");
            return 2;
        }
    };
    if args.keep_capture_date || args.journal.is_some() {
        eprintln!(
            "sharesafe clean: --keep-capture-date and --journal do not apply to redaction; \
             run without them (a redacting clean keeps no date and cannot be resumed)"
        );
        return 2;
    }
    // The model first: a missing model stops the whole run before any file is touched.
    let detector = if args.redact_faces {
        match load_detector(args.model.face_model.as_deref()) {
            Ok(d) => Some(d),
            Err(e) => {
                eprintln!("sharesafe clean: {e}; nothing was written");
                return 1;
            }
        }
    } else {
        None
    };
    let collected = batch::collect_items_with(
        &args.inputs,
        &CollectOptions {
            recursive: args.recursive,
            follow_symlinks: args.follow_symlinks,
        },
    );
    for dir in &collected.unreadable {
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
    if collected.items.is_empty() {
        eprintln!("sharesafe clean: no files to clean");
        return if collected.unreadable.is_empty() {
            2
        } else {
            1
        };
    }
    let plan = Plan {
        detector: detector.as_ref(),
        keep: args.keep_face.iter().copied().collect(),
        drawn: args.region.clone(),
        redact: RedactOptions {
            style: match args.style {
                StyleArg::Fill => RedactionStyle::SolidFill,
                StyleArg::Sticker => RedactionStyle::Sticker,
            },
            ..RedactOptions::default()
        },
        detect: DetectOptions::default(),
        output,
    };
    let (mut cleaned, mut refused) = (0usize, 0usize);
    let mut files = Vec::new();
    for item in &collected.items {
        let input = item.path.display();
        match redact_one(item, &plan, args.random_names) {
            Ok(done) => {
                cleaned += 1;
                if args.json {
                    files.push(json!({
                        "input": item.path, "status": "cleaned", "output": done.output,
                        "redaction": {
                            "faces_found": done.faces_found, "faces_hidden": done.faces_hidden,
                            "regions_drawn": done.regions_drawn, "method": done.method,
                            "checks": done.checks,
                        },
                        "removed": done.removed,
                    }));
                } else {
                    let how = match done.method {
                        Some(RedactMethod::DctDomain) => "blocks replaced in place",
                        Some(RedactMethod::Reencoded) => "re-encoded",
                        None => "nothing to redact",
                    };
                    println!(
                        "cleaned  {input} -> {}: {} of {} faces hidden, {} drawn regions ({how}); {}",
                        done.output.display(),
                        done.faces_hidden,
                        done.faces_found,
                        done.regions_drawn,
                        done.removed
                    );
                }
            }
            Err(reason) => {
                refused += 1;
                if args.json {
                    files.push(json!({"input": item.path, "status": "refused", "reason": reason}));
                } else {
                    println!("REFUSED  {input}: {reason}; nothing written");
                }
            }
        }
    }
    if args.json {
        let doc = json!({
            "schema": "sharesafe.clean/1",
            "files": files,
            "summary": {"cleaned": cleaned, "refused": refused, "skipped": 0},
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        println!("{cleaned} cleaned, {refused} refused");
    }
    u8::from(refused > 0 || !collected.unreadable.is_empty())
}

/// Detects, selects, redacts, cleans, verifies and writes one file, or says why not.
fn redact_one(item: &BatchItem, plan: &Plan<'_>, random_names: bool) -> Result<Done, String> {
    let limits = &plan.redact.limits;
    let bytes = read_bounded(&item.path, limits)?;
    let mut regions = Vec::new();
    let mut faces_found = 0;
    if let Some(det) = plan.detector {
        let found = det
            .detect_photo(&bytes, &plan.detect)
            .map_err(|e| e.to_string())?;
        faces_found = found.faces.len();
        if let Some(&bad) = plan.keep.iter().find(|&&i| i >= faces_found) {
            return Err(format!(
                "--keep-face {bad} does not exist: {faces_found} faces found (see `sharesafe faces`)"
            ));
        }
        regions.extend(
            found
                .faces
                .iter()
                .enumerate()
                .filter(|(i, _)| !plan.keep.contains(i))
                .map(|(_, f)| f.region().with_margins(&Margins::default())),
        );
    }
    let faces_hidden = regions.len();
    regions.extend(plan.drawn.iter().map(|r| r.with_margins(&Margins::NONE)));
    let removed = inspect_structure(std::io::Cursor::new(&bytes), limits)
        .map(|r| crate::clean::removed_summary(&r))
        .map_err(|e| e.to_string())?;
    let (out_bytes, method, checks) = if regions.is_empty() {
        // Nothing to hide (no face found, or every face kept): an ordinary verified clean.
        let cleaned = clean_bytes(
            &bytes,
            &CleanOptions {
                limits: limits.clone(),
                ..CleanOptions::default()
            },
        )
        .map_err(|e| e.to_string())?;
        (
            cleaned.bytes,
            None,
            vec!["cleaned and verified by the allowlist cleaner"],
        )
    } else {
        let finder = plan.detector.map(|d| d as &dyn FaceFinder);
        let out = redact_with(&bytes, &regions, &plan.redact, finder).map_err(|e| e.to_string())?;
        (out.bytes, Some(out.report.method), out.report.checks)
    };
    drop(bytes);
    let output = write_output(item, &plan.output, &out_bytes, random_names)?;
    Ok(Done {
        output,
        faces_found,
        faces_hidden,
        regions_drawn: plan.drawn.len(),
        method,
        checks,
        removed,
    })
}

fn random_hex() -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    format!("{:016x}", h.finish())
}

/// Writes atomically: a new file in the output folder (never over an existing one), or the
/// original replaced in place.
fn write_output(
    item: &BatchItem,
    output: &Output,
    bytes: &[u8],
    random_names: bool,
) -> Result<PathBuf, String> {
    let target = match output {
        Output::InPlace => item.path.clone(),
        Output::Directory(dir) if random_names => {
            let ext = sharesafe_core::sniff(bytes).map_or("bin", |f| f.extension());
            dir.join(format!("{}.{ext}", random_hex()))
        }
        Output::Directory(dir) => batch::output_path(dir, item, bytes),
    };
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    std::fs::create_dir_all(&parent).map_err(|_| "the output folder cannot be created")?;
    let mut tmp = AtomicFile::new_in(&parent).map_err(|e| e.to_string())?;
    tmp.file()
        .write_all(bytes)
        .map_err(|_| "the output cannot be written".to_string())?;
    let committed = match output {
        Output::InPlace => tmp.commit_replace(&target),
        Output::Directory(_) => tmp.commit_new(&target),
    };
    committed.map_err(|e| e.to_string())?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_parse_and_refuse_nonsense() {
        assert_eq!(
            parse_region("10, 20,30,40"),
            Ok(Region {
                x: 10,
                y: 20,
                width: 30,
                height: 40
            })
        );
        assert!(parse_region("10,20,0,40").is_err());
        assert!(parse_region("10,20,30").is_err());
        assert!(parse_region("-1,20,30,40").is_err());
        assert!(parse_region("a,b,c,d").is_err());
    }

    #[test]
    fn an_explicit_model_path_that_is_missing_is_an_error() {
        let e = find_model(Some(Path::new("/nonexistent/centerface.onnx"))).expect_err("missing");
        assert!(e.contains("--face-model"), "{e}");
        assert!(
            !e.contains("/nonexistent"),
            "the error must not echo the path: {e}"
        );
    }
}
