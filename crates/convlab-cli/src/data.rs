//! The training data of `convlab train` and `convlab bench`: the 10,000 MNIST digits bundled in
//! `public/data` (built into the binary, so the command works from any directory), or a
//! directory of standard IDX files (full MNIST, Fashion-MNIST).

use std::path::Path;

use convlab_core::dataset::{self, Split};

const BUNDLED: &[u8] = include_bytes!("../../../public/data/mnist-10k.bin");

pub fn bundled() -> Result<Split, String> {
    dataset::parse_bundled(BUNDLED).map_err(|e| e.to_string())
}

/// Reads `NAME` or `NAME.gz` from `dir`.
fn read_either(dir: &Path, name: &str) -> Result<Vec<u8>, String> {
    for candidate in [dir.join(name), dir.join(format!("{name}.gz"))] {
        if candidate.is_file() {
            return std::fs::read(&candidate)
                .map_err(|e| format!("cannot read {}: {e}", candidate.display()));
        }
    }
    Err(format!(
        "{} has no {name} (or {name}.gz): point --idx at the folder with the four IDX files",
        dir.display()
    ))
}

/// The train and test splits from the four standard IDX files in `dir`.
pub fn idx_dir(dir: &Path) -> Result<Split, String> {
    let load = |images: &str, labels: &str| -> Result<_, String> {
        let (img, lab) = (read_either(dir, images)?, read_either(dir, labels)?);
        dataset::idx_pair(&img, &lab).map_err(|e| format!("{images} / {labels}: {e}"))
    };
    Ok(Split {
        train: load("train-images-idx3-ubyte", "train-labels-idx1-ubyte")?,
        test: load("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")?,
    })
}
