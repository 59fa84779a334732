//! The four IDX files of MNIST or Fashion-MNIST (`train-images-idx3-ubyte`,
//! `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, gzipped or not),
//! picked in any order, as a training and a test split: which file is which is read from its
//! name, else from its content (the larger of two image or label files is the training one), and
//! each pair is checked with [`idx_pair`]. Errors say which file is wrong and what to pick.

use serde::{Deserialize, Serialize};

use crate::dataset::{idx_pair, parse_idx_images, parse_idx_labels, Dataset, Split};

/// The student's data set, and the names of its files in the order train images, train labels,
/// test images, test labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdxSet {
    pub split: Split,
    pub files: [String; 4],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Images,
    Labels,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Train,
    Test,
}

/// What a standard file name says: `train-images-idx3-ubyte.gz` is the training images.
fn by_name(name: &str) -> (Option<Kind>, Option<Part>) {
    let n = name.to_ascii_lowercase();
    let kind = if n.contains("images") || n.contains("idx3") {
        Some(Kind::Images)
    } else if n.contains("labels") || n.contains("idx1") {
        Some(Kind::Labels)
    } else {
        None
    };
    let part = if n.contains("t10k") || n.contains("test") {
        Some(Part::Test)
    } else if n.contains("train") {
        Some(Part::Train)
    } else {
        None
    };
    (kind, part)
}

/// What the content says: an IDX image or label file, and how many items it holds.
fn by_content(name: &str, bytes: &[u8]) -> Result<(Kind, usize), String> {
    match parse_idx_images(bytes) {
        Ok((count, ..)) => Ok((Kind::Images, count)),
        Err(images) => match parse_idx_labels(bytes) {
            Ok(labels) => Ok((Kind::Labels, labels.len())),
            Err(_) => Err(format!("{name}: {images}")),
        },
    }
}

fn role(kind: Kind, part: Part) -> (usize, &'static str) {
    match (part, kind) {
        (Part::Train, Kind::Images) => (0, "the training images (train-images-idx3-ubyte)"),
        (Part::Train, Kind::Labels) => (1, "the training labels (train-labels-idx1-ubyte)"),
        (Part::Test, Kind::Images) => (2, "the test images (t10k-images-idx3-ubyte)"),
        (Part::Test, Kind::Labels) => (3, "the test labels (t10k-labels-idx1-ubyte)"),
    }
}

/// Finds which file is which (by name, else by content: the larger of two image or label files
/// is the training one), checks each pair with the core's `idx_pair`, and builds the split.
pub fn assemble(files: Vec<(String, Vec<u8>)>) -> Result<IdxSet, String> {
    struct Picked {
        name: String,
        bytes: Vec<u8>,
        kind: Kind,
        part: Option<Part>,
        count: Option<usize>,
    }
    let mut picked = Vec::new();
    for (name, bytes) in files {
        let (kind, part) = by_name(&name);
        let (kind, count) = match kind {
            Some(k) if part.is_some() => (k, None),
            _ => {
                let (k, c) = by_content(&name, &bytes)?;
                (k, Some(c))
            }
        };
        picked.push(Picked {
            name,
            bytes,
            kind,
            part,
            count,
        });
    }
    // Files whose name does not tell the split: the other file of their kind decides.
    for kind in [Kind::Images, Kind::Labels] {
        let same: Vec<usize> = (0..picked.len())
            .filter(|&i| picked[i].kind == kind)
            .collect();
        if !same.iter().any(|&i| picked[i].part.is_none()) {
            continue;
        }
        if let [a, b] = same[..] {
            let count = |i: usize| picked[i].count.unwrap_or(0);
            let (pa, pb) = match (picked[a].part, picked[b].part) {
                (Some(p), None) => (p, other(p)),
                (None, Some(p)) => (other(p), p),
                _ if count(a) >= count(b) => (Part::Train, Part::Test),
                _ => (Part::Test, Part::Train),
            };
            picked[a].part = Some(pa);
            picked[b].part = Some(pb);
        } else if let Some(&i) = same.iter().find(|&&i| picked[i].part.is_none()) {
            return Err(format!(
                "{}: cannot tell whether it is the training or the test file; rename it as the standard \
                 files are named (train-… or t10k-…)",
                picked[i].name
            ));
        }
    }
    let mut slots: [Option<Picked>; 4] = [None, None, None, None];
    for p in picked {
        let (i, what) = role(p.kind, p.part.unwrap_or(Part::Train));
        if let Some(first) = &slots[i] {
            return Err(format!(
                "{} and {} both look like {what}: pick each of the four files once",
                first.name, p.name
            ));
        }
        slots[i] = Some(p);
    }
    let missing: Vec<&str> = (0..4)
        .filter(|&i| slots[i].is_none())
        .map(|i| {
            let (kind, part) = [
                (Kind::Images, Part::Train),
                (Kind::Labels, Part::Train),
                (Kind::Images, Part::Test),
                (Kind::Labels, Part::Test),
            ][i];
            role(kind, part).1
        })
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "missing {}: pick all four files of MNIST or Fashion-MNIST at once",
            missing.join(", ")
        ));
    }
    let [Some(ti), Some(tl), Some(vi), Some(vl)] = slots else {
        return Err("internal error: a file is missing".into());
    };
    let pair = |images: &Picked, labels: &Picked| -> Result<Dataset, String> {
        let d = idx_pair(&images.bytes, &labels.bytes)
            .map_err(|e| format!("{} with {}: {e}", images.name, labels.name))?;
        if (d.rows, d.cols) != (28, 28) {
            return Err(format!(
                "{}: the images are {}×{} pixels, but the models of this page take 28×28 (MNIST, Fashion-MNIST)",
                images.name, d.rows, d.cols
            ));
        }
        if d.is_empty() {
            return Err(format!("{}: the file holds no images", images.name));
        }
        Ok(d)
    };
    let train = pair(&ti, &tl)?;
    let test = pair(&vi, &vl)?;
    Ok(IdxSet {
        split: Split { train, test },
        files: [ti.name, tl.name, vi.name, vl.name],
    })
}

fn other(p: Part) -> Part {
    match p {
        Part::Train => Part::Test,
        Part::Test => Part::Train,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An IDX image file of `count` images of 28×28 (all zero) and its label file.
    fn files(count: usize) -> (Vec<u8>, Vec<u8>) {
        let mut images = vec![0, 0, 8, 3];
        images.extend((count as u32).to_be_bytes());
        images.extend(28u32.to_be_bytes());
        images.extend(28u32.to_be_bytes());
        images.extend(vec![0; count * 784]);
        let mut labels = vec![0, 0, 8, 1];
        labels.extend((count as u32).to_be_bytes());
        labels.extend((0..count).map(|i| (i % 10) as u8));
        (images, labels)
    }

    #[test]
    fn files_are_told_apart_by_name_or_size() {
        let (ti, tl) = files(5);
        let (vi, vl) = files(2);
        let set = assemble(vec![
            ("a".into(), vi.clone()),
            ("train-labels-idx1-ubyte".into(), tl),
            ("b".into(), ti),
            ("t10k-labels-idx1-ubyte.gz".into(), vl),
        ])
        .unwrap();
        assert_eq!((set.split.train.len(), set.split.test.len()), (5, 2));
        assert_eq!(set.files[0], "b");
        assert_eq!(set.files[2], "a");
    }

    #[test]
    fn a_missing_file_is_named() {
        let (ti, tl) = files(3);
        let e = assemble(vec![
            ("train-images-idx3-ubyte".into(), ti),
            ("train-labels-idx1-ubyte".into(), tl),
        ])
        .unwrap_err();
        assert!(
            e.starts_with("missing the test images (t10k-images-idx3-ubyte), the test labels"),
            "{e}"
        );
    }
}
