//! Prints the lines (and cells, separated by " | ") the text layer reads from a PDF.
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        match dossier_pdf::read_text_layer(&bytes, &dossier_pdf::Limits::default()) {
            Ok(text) => {
                for p in text.pages {
                    println!(
                        "--- page {} ({} images, coverage {:.2})",
                        p.page.number, p.image_count, p.image_coverage
                    );
                    for l in p.page.lines {
                        let cells: Vec<_> = l.cells.iter().map(|c| c.text.as_str()).collect();
                        println!(
                            "[{:5.1} {:5.1} s{:4.1}] {}",
                            l.bbox.x0,
                            l.bbox.y0,
                            l.size,
                            cells.join(" | ")
                        );
                    }
                }
            }
            Err(e) => println!("{path}: {e}"),
        }
    }
}
