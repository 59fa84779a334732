//! A hand-drawn digit turned into an MNIST image, the way MNIST's digits were made (LeCun et al.):
//! the ink's bounding box is scaled to fit a 20×20 box keeping its aspect ratio (with
//! anti-aliasing: each output pixel is the area-weighted mean of the input pixels it covers), then
//! placed in a 28×28 field so that its centre of mass sits at the field's centre.

use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// The side of an MNIST image.
pub const SIDE: usize = 28;
/// The side of the box the digit is scaled to fit.
pub const BOX: usize = 20;
/// Ink below this (of 1.0) is background: the faint edge of an anti-aliased stroke does not
/// widen the bounding box.
pub const INK_THRESHOLD: f32 = 0.05;

/// What an empty canvas gives: the message to show instead of a prediction.
pub const EMPTY_CANVAS: &str = "the canvas is empty: draw a digit first";

/// The outcome of [`mnist_digit`].
#[derive(Debug, Clone, PartialEq)]
pub enum Digit {
    /// Nothing was drawn (no pixel reaches [`INK_THRESHOLD`]): draw a digit first.
    Empty,
    /// The digit as a `[1, 1, 28, 28]` tensor of ink from 0.0 (background) to 1.0, ready for a
    /// model trained on MNIST.
    Image(Tensor),
}

/// Turns `ink` (`width × height` values, row-major, 0.0 = background, 1.0 = full ink) into an
/// MNIST image. Values outside 0..1 are clamped and non-finite ones count as background. Fails
/// only when `ink` does not hold `width × height` values.
pub fn mnist_digit(ink: &[f32], width: usize, height: usize) -> Result<Digit> {
    if width.checked_mul(height) != Some(ink.len()) {
        return Err(Error::Invalid(format!(
            "a drawing of {width}×{height} pixels needs {} values, but {} were given",
            width.saturating_mul(height),
            ink.len()
        )));
    }
    let clean = |v: f32| {
        if v.is_finite() {
            v.clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    // The bounding box of the ink.
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for (i, &v) in ink.iter().enumerate() {
        if clean(v) >= INK_THRESHOLD {
            let (x, y) = (i % width, i / width);
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x + 1);
            y1 = y1.max(y + 1);
        }
    }
    if x0 == usize::MAX {
        return Ok(Digit::Empty);
    }
    let (bw, bh) = (x1 - x0, y1 - y0);
    // One scale for both axes keeps the aspect ratio; the longer side becomes 20 pixels.
    let scale = BOX as f64 / bw.max(bh) as f64;
    let out_w = ((bw as f64 * scale).round() as usize).clamp(1, BOX);
    let out_h = ((bh as f64 * scale).round() as usize).clamp(1, BOX);
    let boxed = resample(
        |x, y| clean(ink[(y0 + y) * width + x0 + x]),
        (bw, bh),
        (out_w, out_h),
    );

    // Centre of mass of the scaled digit, in pixel-centre coordinates.
    let (mut mass, mut mx, mut my) = (0.0f64, 0.0f64, 0.0f64);
    for (i, &v) in boxed.iter().enumerate() {
        let v = f64::from(v);
        mass += v;
        mx += v * ((i % out_w) as f64 + 0.5);
        my += v * ((i / out_w) as f64 + 0.5);
    }
    let (cx, cy) = if mass > 0.0 {
        (mx / mass, my / mass)
    } else {
        (out_w as f64 / 2.0, out_h as f64 / 2.0)
    };
    // Shift by whole pixels (no blur) so the centre of mass lands on the field's centre, keeping
    // the whole digit inside the field.
    let place = |centre: f64, size: usize| {
        let offset = (SIDE as f64 / 2.0 - centre).round();
        offset.clamp(0.0, (SIDE - size) as f64) as usize
    };
    let (ox, oy) = (place(cx, out_w), place(cy, out_h));
    let mut field = vec![0.0f32; SIDE * SIDE];
    for y in 0..out_h {
        for x in 0..out_w {
            field[(oy + y) * SIDE + ox + x] = boxed[y * out_w + x];
        }
    }
    Ok(Digit::Image(Tensor {
        shape: vec![1, 1, SIDE, SIDE],
        data: field,
    }))
}

/// Resamples an `input` image (read through `at(x, y)`) to `output` size by area averaging:
/// each output pixel is the mean of the input over its footprint, partial pixels weighted by
/// the fraction covered. Works for shrinking and enlarging.
fn resample(
    at: impl Fn(usize, usize) -> f32,
    input: (usize, usize),
    output: (usize, usize),
) -> Vec<f32> {
    let ((iw, ih), (ow, oh)) = (input, output);
    let (sx, sy) = (iw as f64 / ow as f64, ih as f64 / oh as f64);
    // For each output column (row): the input columns it covers, with their weights.
    let spans = |n_out: usize, step: f64, n_in: usize| -> Vec<Vec<(usize, f64)>> {
        (0..n_out)
            .map(|o| {
                let (lo, hi) = (o as f64 * step, (o + 1) as f64 * step);
                let first = lo.floor() as usize;
                let last = (hi.ceil() as usize).min(n_in);
                (first..last)
                    .filter_map(|i| {
                        let w = (hi.min(i as f64 + 1.0) - lo.max(i as f64)) / step;
                        (w > 0.0).then_some((i, w))
                    })
                    .collect()
            })
            .collect()
    };
    let (cols, rows) = (spans(ow, sx, iw), spans(oh, sy, ih));
    let mut out = Vec::with_capacity(ow * oh);
    for row in &rows {
        for col in &cols {
            let mut v = 0.0f64;
            for &(y, wy) in row {
                for &(x, wx) in col {
                    v += f64::from(at(x, y)) * wx * wy;
                }
            }
            out.push(v.clamp(0.0, 1.0) as f32);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(d: Digit) -> Vec<f32> {
        match d {
            Digit::Image(t) => {
                assert_eq!(t.shape, [1, 1, 28, 28]);
                t.data
            }
            Digit::Empty => panic!("expected an image"),
        }
    }

    /// `(x, y)` centre of mass in pixel-centre coordinates, and the ink's bounding box.
    fn stats(v: &[f32]) -> ((f64, f64), (usize, usize, usize, usize)) {
        let (mut m, mut mx, mut my) = (0.0, 0.0, 0.0);
        let (mut x0, mut y0, mut x1, mut y1) = (99, 99, 0, 0);
        for (i, &p) in v.iter().enumerate() {
            let (x, y) = (i % 28, i / 28);
            let p = f64::from(p);
            m += p;
            mx += p * (x as f64 + 0.5);
            my += p * (y as f64 + 0.5);
            if p > 0.0 {
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x + 1);
                y1 = y1.max(y + 1);
            }
        }
        ((mx / m, my / m), (x0, y0, x1, y1))
    }

    fn canvas(w: usize, h: usize, ink: impl Fn(usize, usize) -> bool) -> Vec<f32> {
        (0..w * h)
            .map(|i| if ink(i % w, i / w) { 1.0 } else { 0.0 })
            .collect()
    }

    #[test]
    fn a_centred_square_stays_centred_and_fills_the_20_box() {
        let ink = canvas(280, 280, |x, y| {
            (90..190).contains(&x) && (90..190).contains(&y)
        });
        let v = image(mnist_digit(&ink, 280, 280).unwrap());
        let ((cx, cy), bbox) = stats(&v);
        assert_eq!(bbox, (4, 4, 24, 24));
        assert!(
            (cx - 14.0).abs() < 1e-6 && (cy - 14.0).abs() < 1e-6,
            "{cx} {cy}"
        );
        assert!(v.iter().all(|&p| p == 0.0 || (p - 1.0).abs() < 1e-6));
    }

    #[test]
    fn an_off_centre_blob_gets_centred() {
        // A small disc in the top-left corner of a 200×120 canvas.
        let ink = canvas(200, 120, |x, y| {
            let (dx, dy) = (x as f64 - 20.0, y as f64 - 15.0);
            dx * dx + dy * dy <= 64.0
        });
        let v = image(mnist_digit(&ink, 200, 120).unwrap());
        let ((cx, cy), (x0, y0, x1, y1)) = stats(&v);
        assert!(
            (cx - 14.0).abs() <= 0.5 && (cy - 14.0).abs() <= 0.5,
            "{cx} {cy}"
        );
        assert_eq!((x1 - x0).max(y1 - y0), 20, "scaled to fit 20 pixels");
    }

    #[test]
    fn aspect_ratio_is_kept() {
        // A vertical bar 10 wide and 100 tall (a "1") becomes 2×20, not 20×20.
        let ink = canvas(100, 150, |x, y| {
            (45..55).contains(&x) && (20..120).contains(&y)
        });
        let v = image(mnist_digit(&ink, 100, 150).unwrap());
        let (_, (x0, y0, x1, y1)) = stats(&v);
        assert_eq!((x1 - x0, y1 - y0), (2, 20));
    }

    #[test]
    fn a_tiny_drawing_is_enlarged() {
        let ink = canvas(10, 10, |x, y| (4..6).contains(&x) && (3..7).contains(&y));
        let v = image(mnist_digit(&ink, 10, 10).unwrap());
        let (_, (x0, y0, x1, y1)) = stats(&v);
        assert_eq!((x1 - x0, y1 - y0), (10, 20));
    }

    #[test]
    fn mass_is_kept_by_area_averaging() {
        // A 40×40 square of half ink shrinks to 20×20 of half ink.
        let ink: Vec<f32> = (0..100 * 100)
            .map(|i| {
                let (x, y) = (i % 100, i / 100);
                if (30..70).contains(&x) && (30..70).contains(&y) {
                    0.5
                } else {
                    0.0
                }
            })
            .collect();
        let v = image(mnist_digit(&ink, 100, 100).unwrap());
        let total: f32 = v.iter().sum();
        assert!((total - 200.0).abs() < 1e-3, "{total}");
    }

    #[test]
    fn an_empty_canvas_asks_for_a_digit() {
        assert_eq!(
            mnist_digit(&vec![0.0; 280 * 280], 280, 280).unwrap(),
            Digit::Empty
        );
        // Faint noise below the threshold, NaN and negative values are background too.
        let mut ink = vec![0.01; 64];
        ink[3] = f32::NAN;
        ink[5] = -3.0;
        assert_eq!(mnist_digit(&ink, 8, 8).unwrap(), Digit::Empty);
        assert_eq!(mnist_digit(&[], 0, 0).unwrap(), Digit::Empty);
        assert!(EMPTY_CANVAS.contains("draw a digit first"));
    }

    #[test]
    fn a_wrong_size_is_an_error_not_a_panic() {
        let e = mnist_digit(&[1.0; 10], 4, 4).unwrap_err();
        assert!(e.to_string().contains("needs 16 values"), "{e}");
        assert!(mnist_digit(&[1.0], usize::MAX, 2).is_err());
    }

    #[test]
    fn single_pixels_anywhere_never_panic() {
        for (w, h) in [(1, 1), (1, 50), (50, 1), (3, 7)] {
            for i in 0..w * h {
                let mut ink = vec![0.0; w * h];
                ink[i] = 1.0;
                let v = image(mnist_digit(&ink, w, h).unwrap());
                assert!(v.iter().all(|p| (0.0..=1.0).contains(p)));
            }
        }
    }
}
