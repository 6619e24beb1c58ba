//! Prints what a clean would keep and remove in each file given on the command line (a
//! developer's view of `inspect_structure`; the CLI's `inspect` is the user-facing one).

fn main() {
    for arg in std::env::args().skip(1) {
        let Ok(f) = std::fs::File::open(&arg) else {
            eprintln!("cannot open {arg}");
            continue;
        };
        match sharesafe_core::inspect_structure(std::io::BufReader::new(f), &Default::default()) {
            Ok(r) => {
                println!("{arg}: {} orientation={:?}", r.format, r.orientation);
                for p in &r.parts {
                    println!(
                        "  {:>9} {:>8} {:<10} {:<28} {:?}",
                        p.offset,
                        p.length,
                        p.part.to_string(),
                        p.label,
                        p.action
                    );
                }
            }
            Err(e) => println!("{arg}: {e}"),
        }
    }
}
