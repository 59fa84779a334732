//! The IDX loader on real files: Fashion-MNIST as Debian's package `dataset-fashion-mnist`
//! installs it (gzipped, under /usr/share/datasets/fashion-mnist). The synthetic files of the
//! unit tests cannot show that the loader reads the files users actually download.

use std::path::PathBuf;

use convlab_core::dataset::{idx_pair, Dataset};

const DIR: &str = "/usr/share/datasets/fashion-mnist";

/// The bytes of `name` in [`DIR`], gzipped (as Debian installs it) or not. A missing file fails
/// the test with how to install it: skipping would let CI pass without ever reading a real file.
fn read(name: &str) -> Vec<u8> {
    let candidates = [format!("{DIR}/{name}.gz"), format!("{DIR}/{name}")].map(PathBuf::from);
    candidates
        .iter()
        .find_map(|path| std::fs::read(path).ok())
        .unwrap_or_else(|| {
            panic!(
                "Fashion-MNIST file {name} not found as {} or {}: install it with \
                 `apt-get install -y dataset-fashion-mnist`",
                candidates[0].display(),
                candidates[1].display()
            )
        })
}

fn load(split: &str) -> Dataset {
    let images = read(&format!("{split}-images-idx3-ubyte"));
    let labels = read(&format!("{split}-labels-idx1-ubyte"));
    idx_pair(&images, &labels).unwrap_or_else(|e| panic!("Fashion-MNIST {split}: {e}"))
}

fn check(data: &Dataset, count: usize) {
    assert_eq!(data.len(), count);
    assert_eq!((data.rows, data.cols, data.classes), (28, 28, 10));
    assert_eq!(data.images.len(), count * 28 * 28);
    // Fashion-MNIST is exactly balanced: a tenth of each split per class.
    let mut per_class = [0usize; 10];
    for &label in &data.labels {
        assert!(label < 10, "label {label}");
        per_class[usize::from(label)] += 1;
    }
    assert_eq!(per_class, [count / 10; 10]);
}

#[test]
fn fashion_mnist_train() {
    let train = load("train");
    check(&train, 60_000);
    // The first training image is an ankle boot (class 9), as in every Fashion-MNIST preview.
    assert_eq!(train.labels[0], 9);
}

#[test]
fn fashion_mnist_test() {
    let test = load("t10k");
    check(&test, 10_000);
    let (x, y) = test.batch(&[0, 1]);
    assert_eq!(x.shape, [2, 1, 28, 28]);
    assert_eq!(y, [9, 2]);
    assert!(x.data.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[test]
fn fashion_mnist_mixed_up_files_are_refused() {
    let train_images = read("train-images-idx3-ubyte");
    let test_labels = read("t10k-labels-idx1-ubyte");
    let message = idx_pair(&train_images, &test_labels)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("60000 images but the label file holds 10000"),
        "{message}"
    );
    let message = idx_pair(&test_labels, &train_images)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("pick train-images-idx3-ubyte"),
        "{message}"
    );
}
