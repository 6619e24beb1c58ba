//! Cleans one file to a new path (developer helper; the CLI's `clean` is the user-facing one).

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(output)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: clean_one INPUT OUTPUT");
        std::process::exit(2);
    };
    let opts = sharesafe_core::CleanOptions::default();
    match sharesafe_core::clean_file(input.as_ref(), output.as_ref(), &opts) {
        Ok(r) => println!(
            "{} -> {} bytes, {} parts removed",
            r.input_bytes,
            r.output_bytes,
            r.removed().count()
        ),
        Err(e) => {
            eprintln!("refused: {e}");
            std::process::exit(1);
        }
    }
}
