//! A photo of a handwritten digit (an uploaded picture, a camera frame) turned into an MNIST
//! image. MNIST's digits are light ink on a black field; a photo is usually dark ink on light
//! paper, unevenly lit, with grey paper and sensor noise. So, before the MNIST steps of
//! [`crate::preprocess::mnist_digit`]:
//! 1. Otsu's threshold splits the grey levels into two classes (the split that makes them most
//!    different); the smaller class is the ink, whichever its brightness, so dark ink on paper
//!    and chalk on a board both work.
//! 2. The ink is stretched from the paper's level (its median) to the ink's (its 95th
//!    percentile, so a few glints do not set the scale) and everything on the paper's side of
//!    the threshold becomes background: a grey page is black, as MNIST's field is.

use crate::error::{Error, Result};
use crate::preprocess::{mnist_digit, Digit};

/// Grey levels are counted in this many bins for the threshold.
const BINS: usize = 256;
/// Below this difference between ink and paper (of 1.0) there is nothing to read: a blank page,
/// a covered lens.
pub const MIN_CONTRAST: f32 = 0.15;

/// `grey` (`width × height` values, row-major, 0.0 black to 1.0 white) as an MNIST image;
/// [`Digit::Empty`] when the picture has no contrast to find ink in. Values outside 0..1 are
/// clamped; non-finite ones count as paper. Fails only when `grey` does not hold `width × height`
/// values.
pub fn mnist_from_photo(grey: &[f32], width: usize, height: usize) -> Result<Digit> {
    if width.checked_mul(height) != Some(grey.len()) || grey.is_empty() {
        return Err(Error::Invalid(format!(
            "a picture of {width}×{height} pixels needs {} values, but {} were given",
            width.saturating_mul(height),
            grey.len()
        )));
    }
    match ink(grey) {
        Some(ink) => mnist_digit(&ink, width, height),
        None => Ok(Digit::Empty),
    }
}

/// The ink of a photo, 0.0 (paper) to 1.0 (full ink); `None` without contrast.
fn ink(grey: &[f32]) -> Option<Vec<f32>> {
    let bin = |v: f32| ((v * BINS as f32) as usize).min(BINS - 1);
    let levels: Vec<f32> = grey
        .iter()
        .map(|&v| {
            if v.is_finite() {
                v.clamp(0.0, 1.0)
            } else {
                f32::NAN
            }
        })
        .collect();
    let mut histogram = [0usize; BINS];
    for &v in levels.iter().filter(|v| !v.is_nan()) {
        histogram[bin(v)] += 1;
    }
    let threshold = otsu(&histogram)?;
    let dark: usize = histogram[..threshold].iter().sum();
    let light: usize = histogram[threshold..].iter().sum();
    // The ink is the smaller class: measured as "inkiness", brighter is more ink.
    let dark_ink = dark <= light;
    let inkiness = |v: f32| if dark_ink { 1.0 - v } else { v };
    let mut ink_levels: Vec<f32> = Vec::new();
    let mut paper_levels: Vec<f32> = Vec::new();
    for &v in levels.iter().filter(|v| !v.is_nan()) {
        if (bin(v) < threshold) == dark_ink {
            ink_levels.push(inkiness(v));
        } else {
            paper_levels.push(inkiness(v));
        }
    }
    let paper = quantile(&mut paper_levels, 0.5)?;
    let full = quantile(&mut ink_levels, 0.95)?;
    if full - paper < MIN_CONTRAST {
        return None;
    }
    Some(
        levels
            .iter()
            .map(|&v| {
                if v.is_nan() || (bin(v) < threshold) != dark_ink {
                    0.0
                } else {
                    ((inkiness(v) - paper) / (full - paper)).clamp(0.0, 1.0)
                }
            })
            .collect(),
    )
}

/// Otsu's threshold: the first bin of the upper class, chosen so the two classes' means are
/// furthest apart for their sizes (the between-class variance is largest). `None` when every
/// level falls in one bin.
fn otsu(histogram: &[usize; BINS]) -> Option<usize> {
    let total: f64 = histogram.iter().sum::<usize>() as f64;
    let sum: f64 = histogram
        .iter()
        .enumerate()
        .map(|(i, &n)| i as f64 * n as f64)
        .sum();
    let (mut below, mut below_sum) = (0.0f64, 0.0f64);
    let mut best: Option<(f64, usize)> = None;
    for t in 1..BINS {
        below += histogram[t - 1] as f64;
        below_sum += (t - 1) as f64 * histogram[t - 1] as f64;
        let above = total - below;
        if below == 0.0 || above == 0.0 {
            continue;
        }
        let gap = below_sum / below - (sum - below_sum) / above;
        let between = below * above * gap * gap;
        if best.is_none_or(|(b, _)| between > b) {
            best = Some((between, t));
        }
    }
    best.map(|(_, t)| t)
}

/// The `q` quantile of `values` (reordered); `None` when there are none.
fn quantile(values: &mut [f32], q: f32) -> Option<f32> {
    if values.is_empty() {
        return None;
    }
    let k = ((values.len() - 1) as f32 * q).round() as usize;
    let (_, v, _) = values.select_nth_unstable_by(k, f32::total_cmp);
    Some(*v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: usize = 120;
    const H: usize = 90;

    /// A "7": a bar across the top and a slanted stroke down, `true` where the pen went.
    fn seven(x: usize, y: usize) -> bool {
        let (x, y) = (x as f32, y as f32);
        let bar = (20.0..32.0).contains(&y) && (35.0..85.0).contains(&x);
        // The down stroke from (80, 26) to (50, 80), 10 pixels wide.
        let t = ((y - 26.0) / 54.0).clamp(0.0, 1.0);
        let down = (20.0..=80.0).contains(&y) && (x - (80.0 - 30.0 * t)).abs() < 5.0;
        bar || down
    }

    /// A repeatable pseudo-random number in -1..1 for pixel `i` (sensor noise).
    fn noise(i: usize) -> f32 {
        let h = (i as u32).wrapping_mul(2_654_435_761).rotate_left(13) ^ 0x9e37_79b9;
        (h % 2001) as f32 / 1000.0 - 1.0
    }

    fn digit(d: Digit) -> Vec<f32> {
        match d {
            Digit::Image(t) => t.data,
            Digit::Empty => panic!("expected a digit"),
        }
    }

    /// The same "7" drawn as ideal ink (white on black), the way the pad gives it.
    fn ideal() -> Vec<f32> {
        let ink: Vec<f32> = (0..W * H)
            .map(|i| if seven(i % W, i / W) { 1.0 } else { 0.0 })
            .collect();
        digit(mnist_digit(&ink, W, H).unwrap())
    }

    fn max_difference(a: &[f32], b: &[f32]) -> f32 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max)
    }

    #[test]
    fn dark_ink_on_grey_unevenly_lit_paper_becomes_the_ideal_digit() {
        // Paper from 0.62 (left) to 0.86 (right), ink at 0.18, noise of ±0.04 on both.
        let photo: Vec<f32> = (0..W * H)
            .map(|i| {
                let (x, y) = (i % W, i / W);
                let base = if seven(x, y) {
                    0.18
                } else {
                    0.62 + 0.24 * x as f32 / W as f32
                };
                base + 0.04 * noise(i)
            })
            .collect();
        let got = digit(mnist_from_photo(&photo, W, H).unwrap());
        // Noise inside the stroke varies its ink a little; the paper is all background.
        assert!(
            max_difference(&got, &ideal()) < 0.12,
            "{}",
            max_difference(&got, &ideal())
        );
    }

    #[test]
    fn chalk_on_a_board_is_read_the_same_way() {
        let photo: Vec<f32> = (0..W * H)
            .map(|i| if seven(i % W, i / W) { 0.9 } else { 0.25 })
            .collect();
        let got = digit(mnist_from_photo(&photo, W, H).unwrap());
        assert!(max_difference(&got, &ideal()) < 1e-6);
        // And its negative, dark on light, gives the same digit.
        let negative: Vec<f32> = photo.iter().map(|v| 1.0 - v).collect();
        let got = digit(mnist_from_photo(&negative, W, H).unwrap());
        assert!(max_difference(&got, &ideal()) < 1e-6);
    }

    #[test]
    fn a_blank_page_or_a_dark_lens_has_no_digit() {
        let page: Vec<f32> = (0..W * H).map(|i| 0.8 + 0.03 * noise(i)).collect();
        assert_eq!(mnist_from_photo(&page, W, H).unwrap(), Digit::Empty);
        assert_eq!(
            mnist_from_photo(&vec![0.0; W * H], W, H).unwrap(),
            Digit::Empty
        );
    }

    #[test]
    fn odd_values_and_sizes_are_handled() {
        let mut photo: Vec<f32> = (0..W * H)
            .map(|i| if seven(i % W, i / W) { -3.0 } else { 7.0 })
            .collect();
        photo[0] = f32::NAN;
        photo[1] = f32::INFINITY;
        let got = digit(mnist_from_photo(&photo, W, H).unwrap());
        assert!(max_difference(&got, &ideal()) < 1e-6);
        assert!(mnist_from_photo(&photo, W, H + 1).is_err());
        assert!(mnist_from_photo(&[], 0, 0).is_err());
    }
}
