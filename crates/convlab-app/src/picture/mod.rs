//! Pictures from outside the app, made grey and small in the browser: the student's file
//! (`decode.rs`, checked before it is decoded, decoded off the page's thread), the shipped photo,
//! and the camera's frames (`camera.rs`); why a file was refused, in the page's language
//! (`refusal.rs`, `ko.rs`). The Image kernels lesson applies a kernel to them; Inside the network
//! reads a digit in them. Nothing is sent anywhere.

pub mod camera;
pub mod decode;
pub mod ko;
pub mod refusal;

/// `[width, height]` scaled so that the long side is at most `max_side` (each side at least 1).
pub fn fit([w, h]: [u32; 2], max_side: usize) -> [u32; 2] {
    let long = w.max(h).max(1) as f64;
    let scale = (max_side as f64 / long).min(1.0);
    [w, h].map(|v| ((v as f64 * scale).round() as u32).max(1))
}

/// RGBA pixels as grey levels in 0..1: ITU-R BT.601 luma, as most image tools compute
/// "grayscale".
pub fn grey(rgba: &[u8]) -> Vec<f32> {
    rgba.chunks_exact(4)
        .map(|p| (0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32) / 255.0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_fit_the_side_and_turn_grey() {
        assert_eq!(fit([4000, 3000], 256), [256, 192]);
        assert_eq!(fit([1000, 600], 256), [256, 154]);
        assert_eq!(fit([28, 28], 256), [28, 28]);
        assert_eq!(fit([60_000, 1], 256), [256, 1]);
        // Pure red, green, blue and white: the luma weights themselves, and 1.
        let g = grey(&[
            255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255,
        ]);
        let want = [0.299, 0.587, 0.114, 1.0];
        for (g, w) in g.iter().zip(want) {
            assert!((g - w).abs() < 1e-6, "{g} vs {w}");
        }
    }
}
