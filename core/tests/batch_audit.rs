//! The audit over a folder of real camera files: it changes nothing, counts the photos that reveal
//! a location, clusters repeated places, names devices, finds the hidden video of a motion photo,
//! and gives every unreadable file its count.

mod common;

use std::path::Path;

use sharesafe_core::audit::audit_items;
use sharesafe_core::batch::collect_items;
use sharesafe_core::Limits;

#[test]
fn audit_reports_places_devices_and_hidden_videos_without_writing() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("audit-roll");
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("2024")).expect("mkdir");
    let copy = |from: &str, to: &str| {
        std::fs::write(d.join(to), std::fs::read(corpus.join(from)).expect("read")).expect("write")
    };
    for i in 0..5 {
        copy("jpeg/exiftool/GPS.jpg", &format!("2024/home_{i}.jpg")); // one place, 5 photos
    }
    copy("jpeg/mei/Apple_iPhone_4.jpg", "rome.jpg");
    copy("webp/mei/HTC_Desire.webp", "milan.webp");
    copy("jpeg/motion/PXL_20200710_061629144.MP.jpg", "motion.jpg");
    std::fs::write(d.join("notes.txt"), b"not a photo").expect("write");
    let before: Vec<_> = std::fs::read_dir(d.join("2024"))
        .expect("ls")
        .flatten()
        .map(|e| std::fs::read(e.path()).expect("read"))
        .collect();

    let (items, _) = collect_items(std::slice::from_ref(&d), true);
    let r = audit_items(&items, &Limits::default());
    assert_eq!(r.files, 9);
    assert_eq!(r.unreadable, 1);
    assert_eq!(r.with_location, 7, "{r:?}");
    assert_eq!(r.places.len(), 1, "{:?}", r.places);
    let home = &r.places[0];
    assert_eq!(home.photos, 5);
    assert!((home.at.lat - 54.9897).abs() < 1e-3 && (home.at.lon + 1.9142).abs() < 1e-3);
    assert_eq!(home.likely, Some("likely your home"));
    let devices: Vec<&str> = r.devices.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(devices[0], "FUJIFILM FinePixS1Pro");
    assert!(devices.contains(&"Apple iPhone 4") && devices.contains(&"HTC Desire"));
    assert!(devices.contains(&"Google Pixel 3a XL"), "{devices:?}");
    assert_eq!(r.hidden_videos, 1, "the motion photo's video");
    let summary = r.human_summary().join("\n");
    assert!(
        summary.contains("7 of 8 photos reveal where they were taken"),
        "{summary}"
    );
    assert!(
        summary.contains("5 photos were taken within 150 m of one place"),
        "{summary}"
    );
    assert!(summary.contains("likely your home"));
    let json = serde_json::to_value(&r).expect("json");
    assert_eq!(json["places"][0]["photos"], 5);
    // Nothing was changed.
    let after: Vec<_> = std::fs::read_dir(d.join("2024"))
        .expect("ls")
        .flatten()
        .map(|e| std::fs::read(e.path()).expect("read"))
        .collect();
    assert_eq!(before, after);
}
