//! Labelled grayscale image datasets: the 10,000 MNIST digits bundled with ConvLab, and the IDX
//! files of full MNIST or Fashion-MNIST that a user brings.
//!
//! Every parser takes the file's bytes, never a path: in the browser (wasm32) there is no file
//! system, so the page fetches or uploads the file and the CLI reads it, and both hand the bytes
//! here. Every parser returns [`Error::Invalid`] with a message for the user on any malformed input;
//! none panics or allocates what a header claims before checking that the bytes are really there.
//!
//! # The bundled file (`public/data/mnist-10k.bin`, written by `scripts/make-mnist.mjs`)
//!
//! All integers little-endian:
//!
//! | offset         | size      | field                                                       |
//! | -------------- | --------- | ----------------------------------------------------------- |
//! | 0              | 4         | magic `b"CLMN"`                                             |
//! | 4              | 4         | `u32` version = 1                                           |
//! | 8              | 4         | `u32` count N                                               |
//! | 12             | 4         | `u32` rows (28)                                             |
//! | 16             | 4         | `u32` cols (28)                                             |
//! | 20             | 4         | `u32` train_count: the first ones are the training split    |
//! | 24             | N·rows·cols | `u8` pixels, image after image, row-major, 0..=255        |
//! | 24+N·rows·cols | N         | `u8` labels 0..=9                                           |
//!
//! The script stores the digits in one fixed shuffled order, so the training split (the first
//! `train_count`) and the test split (the rest) both mix every class.
//!
//! # IDX files (the format MNIST and Fashion-MNIST are published in)
//!
//! Big-endian: a magic `00 00 08 D` (data type `08` = unsigned byte, `D` dimensions), then `D`
//! `u32` sizes, then the data. Images have `D = 3` (count, rows, cols; magic `0x00000803`),
//! labels `D = 1` (count; magic `0x00000801`). The files are usually distributed gzipped: a file
//! that starts with the gzip magic `1f 8b` is decompressed first.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::io::Read;

use flate2::read::MultiGzDecoder;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::tensor::Tensor;
use crate::text::thousands;

/// The number of classes of MNIST (digits 0-9) and of Fashion-MNIST (ten kinds of clothing).
pub const CLASSES: usize = 10;

/// The most a gzipped file may decompress to. The largest real file, the 60,000 training images
/// of MNIST or Fashion-MNIST, is 47 MB; the cap stops a small crafted file (a "decompression
/// bomb") from expanding until the browser tab runs out of memory.
pub const MAX_DECOMPRESSED_BYTES: usize = 64 << 20;

/// The largest IDX file read, gzipped or not (the largest real one is 47 MB raw): a page holds
/// the file, its pixels and the dataset built from them at once.
pub const MAX_IDX_FILE_BYTES: u64 = 64 << 20;

/// Refuses an IDX file of `len` bytes before it is read, when it is larger than
/// [`MAX_IDX_FILE_BYTES`].
pub fn check_idx_file_size(len: u64) -> Result<()> {
    if len > MAX_IDX_FILE_BYTES {
        return Err(invalid(format!(
            "this file has {} bytes, more than the {} ConvLab reads (64 MiB); the largest \
             MNIST-style file, 60,000 training images, has 47,040,016: pick an IDX file of \
             MNIST or Fashion-MNIST",
            thousands(len),
            thousands(MAX_IDX_FILE_BYTES)
        )));
    }
    Ok(())
}

const BUNDLE_MAGIC: &[u8; 4] = b"CLMN";
const BUNDLE_VERSION: u32 = 1;
const BUNDLE_HEADER_BYTES: usize = 24;
const REBUILD_BUNDLE: &str =
    "load public/data/mnist-10k.bin, or rebuild it with `node scripts/make-mnist.mjs`";

const GZIP_MAGIC: &[u8; 2] = &[0x1f, 0x8b];

/// What distinguishes the two kinds of IDX file, for parsing and for the error messages.
struct IdxKind {
    magic: u32,
    /// "image" or "label", as in "an IDX image file".
    noun: &'static str,
    /// What the user should choose instead of a wrong file.
    pick: &'static str,
}

const IDX_IMAGES: IdxKind = IdxKind {
    magic: 0x0000_0803,
    noun: "image",
    pick: "pick train-images-idx3-ubyte or t10k-images-idx3-ubyte (gzipped or not)",
};

const IDX_LABELS: IdxKind = IdxKind {
    magic: 0x0000_0801,
    noun: "label",
    pick: "pick train-labels-idx1-ubyte or t10k-labels-idx1-ubyte (gzipped or not)",
};

/// Images of `rows × cols` pixels (0 = background, 255 = full ink) with one class label each.
///
/// [`Dataset::new`] checks the invariants the methods rely on: `images.len() == len() * rows *
/// cols` and every label `< classes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    /// `len() * rows * cols` pixels, image after image, each row-major.
    pub images: Vec<u8>,
    pub labels: Vec<u8>,
    pub rows: usize,
    pub cols: usize,
    pub classes: usize,
}

/// The bundled digits, split as the file says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Split {
    pub train: Dataset,
    pub test: Dataset,
}

impl Dataset {
    /// A dataset of `labels.len()` images, after checking the pixel count and the labels.
    pub fn new(
        images: Vec<u8>,
        labels: Vec<u8>,
        rows: usize,
        cols: usize,
        classes: usize,
    ) -> Result<Self> {
        if rows == 0 || cols == 0 {
            return Err(invalid(format!(
                "images must be at least 1x1 pixel, not {rows}x{cols}"
            )));
        }
        let expected = checked_product(&[labels.len(), rows, cols]);
        if expected != Some(images.len()) {
            return Err(invalid(format!(
                "{} labelled images of {rows}x{cols} pixels need {} pixels, but {} were given",
                labels.len(),
                expected.map_or_else(|| "more".to_string(), |n| n.to_string()),
                images.len()
            )));
        }
        if let Some(message) = bad_label(&labels, classes) {
            return Err(invalid(message));
        }
        Ok(Dataset {
            images,
            labels,
            rows,
            cols,
            classes,
        })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The pixels of image `i`, row-major. Panics when `i >= len()`, as slice indexing does: the
    /// indices come from the program's own sampler, not from a file.
    pub fn image(&self, i: usize) -> &[u8] {
        let size = self.rows * self.cols;
        &self.images[i * size..(i + 1) * size]
    }

    /// The images at `indices` as a `[B, 1, rows, cols]` tensor of `pixel / 255` (so 0.0..=1.0,
    /// the scale the course's models are trained on) and their labels. Panics on an index
    /// `>= len()`, like [`Dataset::image`].
    pub fn batch(&self, indices: &[usize]) -> (Tensor, Vec<usize>) {
        let mut data = Vec::with_capacity(indices.len() * self.rows * self.cols);
        let mut labels = Vec::with_capacity(indices.len());
        for &i in indices {
            data.extend(self.image(i).iter().map(|&p| f32::from(p) / 255.0));
            labels.push(usize::from(self.labels[i]));
        }
        let shape = vec![indices.len(), 1, self.rows, self.cols];
        (Tensor { shape, data }, labels)
    }
}

/// Parses the bundled MNIST file (format in the module docs) into its training and test splits.
pub fn parse_bundled(bytes: &[u8]) -> Result<Split> {
    if !bytes.starts_with(BUNDLE_MAGIC) {
        return Err(invalid(format!(
            "this is not ConvLab's bundled MNIST file (it does not start with \"CLMN\"): \
             {REBUILD_BUNDLE}"
        )));
    }
    let word = |at: usize| le_u32(bytes, at);
    let (Some(version), Some(count), Some(rows), Some(cols), Some(train_count)) =
        (word(4), word(8), word(12), word(16), word(20))
    else {
        return Err(invalid(format!(
            "the bundled MNIST file is truncated: it has {} bytes, less than its \
             {BUNDLE_HEADER_BYTES}-byte header: {REBUILD_BUNDLE}",
            bytes.len()
        )));
    };
    if version != BUNDLE_VERSION {
        return Err(invalid(format!(
            "the bundled MNIST file is version {version}, but this ConvLab reads version \
             {BUNDLE_VERSION}: {REBUILD_BUNDLE}"
        )));
    }
    let [count, rows, cols, train_count] = [count, rows, cols, train_count].map(to_usize);
    if rows == 0 || cols == 0 || train_count > count {
        return Err(invalid(format!(
            "the bundled MNIST file's header is corrupt ({count} images of {rows}x{cols} \
             pixels, {train_count} of them for training): {REBUILD_BUNDLE}"
        )));
    }
    let pixels = checked_product(&[count, rows, cols]);
    let expected = pixels
        .and_then(|p| p.checked_add(BUNDLE_HEADER_BYTES))
        .and_then(|n| n.checked_add(count));
    let (Some(pixels), Some(expected)) = (pixels, expected) else {
        return Err(invalid(format!(
            "the bundled MNIST file's header claims {count} images of {rows}x{cols} pixels, \
             more than this computer can address: the file is corrupt: {REBUILD_BUNDLE}"
        )));
    };
    check_length(bytes.len(), expected).map_err(|problem| {
        invalid(format!(
            "the bundled MNIST file {problem} ({count} images of \
             {rows}x{cols} pixels): {REBUILD_BUNDLE}"
        ))
    })?;

    // The length is now exactly header + pixels + count, so these slices are in range, and
    // `train_count <= count` keeps the split points inside them.
    let (images, labels) = bytes[BUNDLE_HEADER_BYTES..].split_at(pixels);
    let (train_images, test_images) = images.split_at(train_count * rows * cols);
    let (train_labels, test_labels) = labels.split_at(train_count);
    // Checked over the whole file, so the message numbers the image as the file does.
    if let Some(message) = bad_label(labels, CLASSES) {
        return Err(invalid(format!(
            "the bundled MNIST file is corrupt ({message}): {REBUILD_BUNDLE}"
        )));
    }
    let dataset = |images: &[u8], labels: &[u8]| {
        Dataset::new(images.to_vec(), labels.to_vec(), rows, cols, CLASSES).map_err(|e| {
            invalid(format!(
                "the bundled MNIST file is corrupt ({e}): {REBUILD_BUNDLE}"
            ))
        })
    };
    Ok(Split {
        train: dataset(train_images, train_labels)?,
        test: dataset(test_images, test_labels)?,
    })
}

/// Parses an IDX image file, gzipped or not, into `(count, rows, cols, pixels)`.
pub fn parse_idx_images(bytes: &[u8]) -> Result<(usize, usize, usize, Vec<u8>)> {
    let ([count, rows, cols], pixels) = parse_idx(bytes, &IDX_IMAGES, MAX_DECOMPRESSED_BYTES)?;
    Ok((count, rows, cols, pixels))
}

/// Parses an IDX label file, gzipped or not, into its labels.
pub fn parse_idx_labels(bytes: &[u8]) -> Result<Vec<u8>> {
    let ([_count], labels) = parse_idx(bytes, &IDX_LABELS, MAX_DECOMPRESSED_BYTES)?;
    Ok(labels)
}

/// A dataset from an IDX image file and the IDX label file of the same split (MNIST or
/// Fashion-MNIST: ten classes).
pub fn idx_pair(images: &[u8], labels: &[u8]) -> Result<Dataset> {
    let (count, rows, cols, pixels) = parse_idx_images(images)?;
    let labels = parse_idx_labels(labels)?;
    if labels.len() != count {
        return Err(invalid(format!(
            "the image file holds {count} images but the label file holds {} labels: pick the \
             two files of one split (train-images-idx3-ubyte with train-labels-idx1-ubyte, or \
             t10k-images-idx3-ubyte with t10k-labels-idx1-ubyte)",
            labels.len()
        )));
    }
    if let Some(message) = bad_label(&labels, CLASSES) {
        return Err(invalid(format!(
            "the label file does not hold MNIST or Fashion-MNIST classes ({message}): {}",
            IDX_LABELS.pick
        )));
    }
    Dataset::new(pixels, labels, rows, cols, CLASSES)
}

/// The dimensions and the data of an IDX file of `kind` with `D` dimensions, decompressing it
/// first (to at most `cap` bytes) when it is gzipped.
fn parse_idx<const D: usize>(
    bytes: &[u8],
    kind: &IdxKind,
    cap: usize,
) -> Result<([usize; D], Vec<u8>)> {
    let data = gunzip_if_gzipped(bytes, cap)?;
    let header = 4 + 4 * D;
    let IdxKind { noun, pick, .. } = kind;
    let Some(magic) = be_u32(&data, 0) else {
        return Err(invalid(format!(
            "this file has {} bytes, too few for an IDX {noun} file: {pick}",
            data.len()
        )));
    };
    if magic != kind.magic {
        return Err(invalid(wrong_magic(magic, kind)));
    }
    let mut dims = [0usize; D];
    for (i, dim) in dims.iter_mut().enumerate() {
        *dim = be_u32(&data, 4 + 4 * i).map(to_usize).ok_or_else(|| {
            invalid(format!(
                "this IDX {noun} file is truncated: it has {} bytes, less than its \
                 {header}-byte header: download it again",
                data.len()
            ))
        })?;
    }
    // Only the count may be 0: items of no bytes (images of 0x28 pixels) would make a count
    // that no data backs.
    if dims.iter().skip(1).any(|&d| d == 0) {
        return Err(invalid(format!(
            "this IDX {noun} file's header claims sizes {dims:?}, items with no data: {pick}"
        )));
    }
    let expected = checked_product(&dims).and_then(|body| body.checked_add(header));
    let Some(expected) = expected else {
        return Err(invalid(format!(
            "this IDX {noun} file's header claims sizes {dims:?}, more bytes than this \
             computer can address: the file is corrupt: {pick}"
        )));
    };
    check_length(data.len(), expected).map_err(|problem| {
        invalid(format!(
            "this IDX {noun} file {problem} (sizes {dims:?}): download it \
             again, or {pick}"
        ))
    })?;
    let body = match data {
        Cow::Owned(mut whole) => {
            // Reuses the decompressed buffer: the training images are 47 MB.
            whole.drain(..header);
            whole
        }
        Cow::Borrowed(whole) => whole[header..].to_vec(),
    };
    Ok((dims, body))
}

/// The message for an IDX file whose magic is not `kind`'s, naming what the file is instead.
fn wrong_magic(magic: u32, kind: &IdxKind) -> String {
    let IdxKind { noun, pick, .. } = kind;
    let [zero0, zero1, data_type, dims] = magic.to_be_bytes();
    for other in [&IDX_IMAGES, &IDX_LABELS] {
        if magic == other.magic {
            return format!(
                "this is not an IDX {noun} file (magic 0x{magic:08x} is an IDX {} file): {pick}",
                other.noun
            );
        }
    }
    if zero0 == 0 && zero1 == 0 {
        format!(
            "this IDX file holds data of type 0x{data_type:02x} in {dims} dimensions, but an IDX \
             {noun} file holds unsigned bytes (magic 0x{:08x}): {pick}",
            kind.magic
        )
    } else {
        format!(
            "this is not an IDX file (it starts with 0x{magic:08x}; an IDX {noun} file starts \
             with 0x{:08x}): {pick}",
            kind.magic
        )
    }
}

/// `bytes` itself, or its decompression when it starts with the gzip magic. Decompression stops
/// with an error past `cap` bytes (see [`MAX_DECOMPRESSED_BYTES`]).
fn gunzip_if_gzipped(bytes: &[u8], cap: usize) -> Result<Cow<'_, [u8]>> {
    check_idx_file_size(bytes.len() as u64)?;
    if !bytes.starts_with(GZIP_MAGIC) {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut out = Vec::new();
    // One byte past the cap tells "exactly the cap" from "more than the cap".
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    // MultiGzDecoder rather than GzDecoder: a gzip file may hold several concatenated members.
    MultiGzDecoder::new(bytes)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| {
            invalid(format!(
                "this file starts like a gzip file (1f 8b) but does not decompress ({e}): it is \
                 truncated or damaged: download it again"
            ))
        })?;
    if out.len() > cap {
        return Err(invalid(format!(
            "this gzip file decompresses to more than {} MiB, the most ConvLab accepts (the \
             largest MNIST-style file, 60,000 training images, is 47 MB): it is not a dataset \
             file, so ConvLab stopped decompressing it",
            cap >> 20
        )));
    }
    Ok(Cow::Owned(out))
}

/// `Err` with what is wrong ("is truncated: ...", "has N bytes too many ...") unless a file of
/// `len` bytes has exactly the `expected` length.
fn check_length(len: usize, expected: usize) -> std::result::Result<(), String> {
    match len.cmp(&expected) {
        Ordering::Equal => Ok(()),
        Ordering::Less => Err(format!(
            "is truncated: it has {} bytes of the {} its header announces",
            thousands(len),
            thousands(expected)
        )),
        Ordering::Greater => Err(format!(
            "has {} bytes after the {} its header announces",
            thousands(len - expected),
            thousands(expected)
        )),
    }
}

/// A description of the first label that is not a class `0..classes`, if any.
fn bad_label(labels: &[u8], classes: usize) -> Option<String> {
    let (i, label) = labels
        .iter()
        .enumerate()
        .find(|&(_, &label)| usize::from(label) >= classes)?;
    Some(format!(
        "image {i} has label {label}, but the classes are 0 to {}",
        classes.saturating_sub(1)
    ))
}

/// The product of `factors`, or `None` when it overflows `usize` (a corrupt header's claim).
fn checked_product(factors: &[usize]) -> Option<usize> {
    factors
        .iter()
        .try_fold(1usize, |acc, &f| acc.checked_mul(f))
}

/// A header field as a size. Lossless: ConvLab builds only for 32- and 64-bit targets (native and
/// wasm32), where `usize` holds every `u32`.
fn to_usize(value: u32) -> usize {
    value as usize
}

fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(word_at(bytes, at)?))
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(word_at(bytes, at)?))
}

fn word_at(bytes: &[u8], at: usize) -> Option<[u8; 4]> {
    bytes.get(at..at.checked_add(4)?)?.try_into().ok()
}

fn invalid(message: String) -> Error {
    Error::Invalid(message)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::GzEncoder;
    use flate2::Compression;
    use proptest::prelude::*;

    use super::*;

    fn bundle(
        count: u32,
        rows: u32,
        cols: u32,
        train: u32,
        pixels: &[u8],
        labels: &[u8],
    ) -> Vec<u8> {
        let mut out = BUNDLE_MAGIC.to_vec();
        for word in [BUNDLE_VERSION, count, rows, cols, train] {
            out.extend(word.to_le_bytes());
        }
        out.extend(pixels);
        out.extend(labels);
        out
    }

    /// Five 2x3 images whose pixels count up from 0, so each image is recognisable.
    fn small_bundle() -> Vec<u8> {
        let pixels: Vec<u8> = (0..30).collect();
        bundle(5, 2, 3, 3, &pixels, &[3, 1, 4, 1, 5])
    }

    fn idx(magic: u32, dims: &[u32], body: &[u8]) -> Vec<u8> {
        let mut out = magic.to_be_bytes().to_vec();
        for dim in dims {
            out.extend(dim.to_be_bytes());
        }
        out.extend(body);
        out
    }

    /// Three 2x2 images (pixels 0..12) and their labels 7, 0, 9.
    fn small_idx() -> (Vec<u8>, Vec<u8>) {
        let pixels: Vec<u8> = (0..12).collect();
        (
            idx(IDX_IMAGES.magic, &[3, 2, 2], &pixels),
            idx(IDX_LABELS.magic, &[3], &[7, 0, 9]),
        )
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn message(result: Result<impl std::fmt::Debug>) -> String {
        match result {
            Err(Error::Invalid(message)) => message,
            other => panic!("expected Error::Invalid, got {other:?}"),
        }
    }

    #[test]
    fn bundled_round_trip() {
        let split = parse_bundled(&small_bundle()).unwrap();
        assert_eq!(split.train.len(), 3);
        assert_eq!(split.test.len(), 2);
        assert_eq!(
            (split.train.rows, split.train.cols, split.train.classes),
            (2, 3, 10)
        );
        assert_eq!(split.train.labels, [3, 1, 4]);
        assert_eq!(split.test.labels, [1, 5]);
        assert_eq!(split.train.image(2), &[12, 13, 14, 15, 16, 17]);
        assert_eq!(split.test.image(0), &[18, 19, 20, 21, 22, 23]);
    }

    #[test]
    fn batch_is_nchw_and_scaled_to_unit_range() {
        let data = Dataset::new(vec![0, 255, 51, 102], vec![2, 9], 1, 2, 10).unwrap();
        let (x, y) = data.batch(&[1, 0, 1]);
        assert_eq!(x.shape, [3, 1, 1, 2]);
        assert_eq!(x.data, [0.2, 0.4, 0.0, 1.0, 0.2, 0.4]);
        assert_eq!(y, [9, 2, 9]);
        let (empty, labels) = data.batch(&[]);
        assert_eq!((empty.shape, labels.len()), (vec![0, 1, 1, 2], 0));
    }

    #[test]
    fn dataset_new_checks_its_invariants() {
        assert!(message(Dataset::new(vec![0; 4], vec![1], 0, 4, 10)).contains("at least 1x1"));
        assert!(message(Dataset::new(vec![0; 3], vec![1], 2, 2, 10)).contains("need 4 pixels"));
        let m = message(Dataset::new(vec![0; 8], vec![1, 10], 2, 2, 10));
        assert!(m.contains("image 1 has label 10"), "{m}");
        assert!(Dataset::new(vec![], vec![], 28, 28, 10).unwrap().is_empty());
    }

    #[test]
    fn bundled_errors() {
        let good = small_bundle();
        let m = message(parse_bundled(b"P5\n28 28\n255\n"));
        assert!(m.contains("not ConvLab's bundled MNIST file"), "{m}");
        assert!(message(parse_bundled(&good[..10])).contains("less than its 24-byte header"));

        let mut version = good.clone();
        version[4] = 2;
        assert!(message(parse_bundled(&version)).contains("version 2"));

        let m = message(parse_bundled(&good[..good.len() - 1]));
        assert!(m.contains("is truncated: it has 58 bytes of the 59"), "{m}");
        let mut long = good.clone();
        long.push(0);
        assert!(message(parse_bundled(&long)).contains("has 1 bytes after the 59"));

        let pixels: Vec<u8> = (0..30).collect();
        let m = message(parse_bundled(&bundle(5, 2, 3, 6, &pixels, &[0; 5])));
        assert!(m.contains("header is corrupt"), "{m}");
        let m = message(parse_bundled(&bundle(5, 0, 3, 3, &[], &[0; 5])));
        assert!(m.contains("header is corrupt"), "{m}");

        let m = message(parse_bundled(&bundle(
            5,
            2,
            3,
            3,
            &pixels,
            &[0, 1, 2, 3, 10],
        )));
        assert!(m.contains("image 4 has label 10"), "{m}");
        assert!(m.contains("make-mnist.mjs"), "{m}");

        let m = message(parse_bundled(&bundle(
            u32::MAX,
            u32::MAX,
            u32::MAX,
            0,
            &[],
            &[],
        )));
        assert!(m.contains("more than this computer can address"), "{m}");
        let m = message(parse_bundled(&bundle(u32::MAX, 28, 28, 0, &[], &[])));
        assert!(m.contains("is truncated"), "{m}");
    }

    #[test]
    fn idx_raw_and_gzipped() {
        let (images, labels) = small_idx();
        let (count, rows, cols, pixels) = parse_idx_images(&images).unwrap();
        assert_eq!((count, rows, cols), (3, 2, 2));
        assert_eq!(pixels, (0..12).collect::<Vec<u8>>());
        assert_eq!(parse_idx_labels(&labels).unwrap(), [7, 0, 9]);

        let raw = idx_pair(&images, &labels).unwrap();
        assert_eq!(raw.image(1), &[4, 5, 6, 7]);
        assert_eq!(raw.labels, [7, 0, 9]);
        assert_eq!(idx_pair(&gzip(&images), &gzip(&labels)).unwrap(), raw);
        assert_eq!(idx_pair(&gzip(&images), &labels).unwrap(), raw);

        // Two concatenated gzip members are one file, as gunzip reads them.
        let mut members = gzip(&images[..10]);
        members.extend(gzip(&images[10..]));
        assert_eq!(parse_idx_images(&members).unwrap().3, pixels);
    }

    #[test]
    fn idx_wrong_files_name_the_file_to_pick() {
        let (images, labels) = small_idx();
        let m = message(parse_idx_images(&labels));
        assert!(m.contains("magic 0x00000801 is an IDX label file"), "{m}");
        assert!(m.contains("pick train-images-idx3-ubyte"), "{m}");
        let m = message(parse_idx_labels(&gzip(&images)));
        assert!(m.contains("magic 0x00000803 is an IDX image file"), "{m}");
        assert!(m.contains("pick train-labels-idx1-ubyte"), "{m}");
        let m = message(idx_pair(&labels, &images));
        assert!(m.contains("not an IDX image file"), "{m}");

        let m = message(parse_idx_images(&small_bundle()));
        assert!(
            m.contains("not an IDX file (it starts with 0x434c4d4e"),
            "{m}"
        );
        let floats = idx(0x0000_0d03, &[1, 1, 1], &[0; 4]);
        let m = message(parse_idx_images(&floats));
        assert!(m.contains("data of type 0x0d in 3 dimensions"), "{m}");
        assert!(message(parse_idx_labels(&[])).contains("0 bytes, too few"));
    }

    #[test]
    fn idx_truncated_or_padded() {
        let (images, labels) = small_idx();
        let m = message(parse_idx_images(&images[..10]));
        assert!(m.contains("less than its 16-byte header"), "{m}");
        let m = message(parse_idx_images(&images[..images.len() - 1]));
        assert!(m.contains("is truncated: it has 27 bytes of the 28"), "{m}");
        assert!(m.contains("[3, 2, 2]"), "{m}");
        let m = message(parse_idx_labels(&gzip(&labels[..labels.len() - 2])));
        assert!(m.contains("IDX label file is truncated"), "{m}");
        let mut long = labels.clone();
        long.push(1);
        assert!(message(parse_idx_labels(&long)).contains("has 1 bytes after the 11"));
    }

    #[test]
    fn idx_pair_checks_counts_and_classes() {
        let (images, _) = small_idx();
        let m = message(idx_pair(&images, &idx(IDX_LABELS.magic, &[2], &[1, 2])));
        assert!(
            m.contains("3 images but the label file holds 2 labels"),
            "{m}"
        );
        let m = message(idx_pair(&images, &idx(IDX_LABELS.magic, &[3], &[1, 2, 25])));
        assert!(
            m.contains("image 2 has label 25, but the classes are 0 to 9"),
            "{m}"
        );
    }

    #[test]
    fn idx_absurd_dimensions() {
        let max = u32::MAX;
        let m = message(parse_idx_images(&idx(
            IDX_IMAGES.magic,
            &[max, max, max],
            &[],
        )));
        assert!(
            m.contains("more bytes than this computer can address"),
            "{m}"
        );
        let m = message(parse_idx_images(&idx(
            IDX_IMAGES.magic,
            &[max, 28, 28],
            &[0; 4],
        )));
        assert!(m.contains("is truncated"), "{m}");
        let m = message(parse_idx_labels(&idx(IDX_LABELS.magic, &[max], &[])));
        assert!(m.contains("is truncated"), "{m}");
        let m = message(parse_idx_images(&idx(IDX_IMAGES.magic, &[5, 0, 28], &[])));
        assert!(m.contains("sizes [5, 0, 28], items with no data"), "{m}");
    }

    #[test]
    fn damaged_gzip() {
        let (images, _) = small_idx();
        let gz = gzip(&images);
        let m = message(parse_idx_images(&gz[..gz.len() / 2]));
        assert!(m.contains("does not decompress"), "{m}");
        assert!(message(parse_idx_images(&[0x1f, 0x8b, 0, 0])).contains("does not decompress"));
    }

    #[test]
    fn gzip_bomb_stops_at_the_cap() {
        const MIB: usize = 1 << 20;
        let mut bomb = idx(IDX_LABELS.magic, &[2 * MIB as u32], &[]);
        bomb.resize(8 + 2 * MIB, 0);
        let gz = gzip(&bomb);
        assert!(gz.len() < 10_000, "a bomb: {} bytes of gzip", gz.len());
        let m = message(parse_idx::<1>(&gz, &IDX_LABELS, MIB));
        assert!(m.contains("more than 1 MiB"), "{m}");
        // Exactly at the cap is still accepted; the real cap is far above any real file.
        assert_eq!(
            parse_idx::<1>(&gz, &IDX_LABELS, bomb.len())
                .unwrap()
                .1
                .len(),
            2 * MIB
        );
        assert_eq!(parse_idx_labels(&gz).unwrap().len(), 2 * MIB);
    }

    #[test]
    fn bundled_mnist_file() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../public/data/mnist-10k.bin"
        );
        let bytes = std::fs::read(path)
            .unwrap_or_else(|e| panic!("{path}: {e}; build it with `node scripts/make-mnist.mjs`"));
        let Split { train, test } = parse_bundled(&bytes).unwrap();
        assert_eq!((train.len(), test.len()), (8000, 2000));
        for data in [&train, &test] {
            assert_eq!((data.rows, data.cols, data.classes), (28, 28, 10));
            let mut per_class = [0usize; 10];
            for &label in &data.labels {
                per_class[usize::from(label)] += 1;
            }
            assert!(per_class.iter().all(|&n| n > 0), "{per_class:?}");
            // Every digit has ink, reaching full intensity, on a background of zeros.
            for i in 0..data.len() {
                let image = data.image(i);
                assert!(
                    image.iter().any(|&p| p >= 200) && image.contains(&0),
                    "image {i}"
                );
            }
        }
        // The fixed order of scripts/make-mnist.mjs (mulberry32, seed 42): class counts of the
        // test split, and the first training digit, an 8.
        let mut test_classes = [0usize; 10];
        test.labels
            .iter()
            .for_each(|&l| test_classes[usize::from(l)] += 1);
        assert_eq!(
            test_classes,
            [194, 247, 180, 198, 205, 189, 212, 197, 193, 185]
        );
        assert_eq!(train.labels[0], 8);

        // MNIST's mean pixel is 0.1307 (the constant of the usual normalisation), and nearly all
        // ink is inside the 24x24 centre, as the digits are centred in the 28x28 field.
        let all: Vec<usize> = (0..train.len()).collect();
        let (x, _) = train.batch(&all);
        let mean = x.data.iter().sum::<f32>() / x.data.len() as f32;
        assert!((0.11..0.15).contains(&mean), "mean pixel {mean}");
        let in_frame = |p: usize| !(2..26).contains(&(p / 28)) || !(2..26).contains(&(p % 28));
        let frame_ink: f32 = x
            .data
            .iter()
            .enumerate()
            .filter(|&(p, _)| in_frame(p % 784))
            .map(|(_, v)| v)
            .sum();
        let share = frame_ink / x.data.iter().sum::<f32>();
        assert!(share < 0.01, "{share} of the ink is in the 2-pixel frame");
    }

    /// A valid bundle, raw IDX pair and gzipped IDX pair, for the truncation property.
    fn valid_files() -> Vec<Vec<u8>> {
        let (images, labels) = small_idx();
        vec![
            small_bundle(),
            images.clone(),
            labels.clone(),
            gzip(&images),
            gzip(&labels),
        ]
    }

    fn parse_everything(bytes: &[u8]) -> bool {
        let (_, labels) = small_idx();
        let results = [
            parse_bundled(bytes).is_ok(),
            parse_idx_images(bytes).is_ok(),
            parse_idx_labels(bytes).is_ok(),
            idx_pair(bytes, &labels).is_ok(),
            idx_pair(bytes, bytes).is_ok(),
        ];
        results.iter().any(|&ok| ok)
    }

    proptest! {
        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            parse_everything(&bytes);
        }

        #[test]
        fn garbage_after_a_valid_magic_never_panics(
            magic in prop::sample::select(vec![
                b"CLMN".to_vec(), vec![0, 0, 8, 3], vec![0, 0, 8, 1], vec![0x1f, 0x8b, 8, 0],
            ]),
            tail in proptest::collection::vec(any::<u8>(), 0..200),
        ) {
            let mut bytes = magic;
            bytes.extend(tail);
            parse_everything(&bytes);
        }

        #[test]
        fn truncations_fail_cleanly(file in 0usize..5, cut in any::<prop::sample::Index>()) {
            let bytes = &valid_files()[file];
            let short = &bytes[..cut.index(bytes.len())];
            prop_assert!(!parse_everything(short));
        }

        #[test]
        fn corrupted_bytes_never_panic(
            file in 0usize..5,
            at in any::<prop::sample::Index>(),
            value in any::<u8>(),
        ) {
            let mut bytes = valid_files()[file].clone();
            let i = at.index(bytes.len());
            bytes[i] = value;
            parse_everything(&bytes);
        }
    }
}
