//! Images the lessons make themselves rather than download: the synthetic RGB picture that the
//! channels lesson takes apart by channel and the residual lesson feeds to its block.

/// The synthetic RGB image, `(3, h, w)` row-major, values in 0..1: a red square (top left), a
/// green disc (right) and a blue bar (bottom), drawn in relative coordinates so any size works
/// (where they overlap the colours mix: yellow, cyan).
pub fn synthetic_rgb(h: usize, w: usize) -> Vec<f32> {
    let mut out = vec![0.0; 3 * h * w];
    for y in 0..h {
        for x in 0..w {
            let (u, v) = ((x as f32 + 0.5) / w as f32, (y as f32 + 0.5) / h as f32);
            let red = (0.08..0.5).contains(&u) && (0.08..0.55).contains(&v);
            let green = (u - 0.64).powi(2) + (v - 0.42).powi(2) < 0.29f32.powi(2);
            let blue = (0.15..0.92).contains(&u) && (0.66..0.9).contains(&v);
            for (c, on) in [red, green, blue].into_iter().enumerate() {
                out[(c * h + y) * w + x] = if on { 1.0 } else { 0.0 };
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pixels of the 12 × 12 image checked against the shapes' definitions by hand: (1, 1) is the
    /// red square's corner, (5, 7) the green disc's centre (u = 0.625, v = 0.458), (9, 2) the blue
    /// bar, (4, 6) red and green (yellow), (0, 11) nothing.
    #[test]
    fn the_shapes_are_where_they_are_drawn() {
        let img = synthetic_rgb(12, 12);
        let px = |y: usize, x: usize| [0, 1, 2].map(|c| img[(c * 12 + y) * 12 + x]);
        assert_eq!(px(1, 1), [1.0, 0.0, 0.0]);
        assert_eq!(px(5, 7), [0.0, 1.0, 0.0]);
        assert_eq!(px(9, 2), [0.0, 0.0, 1.0]);
        assert_eq!(px(4, 5), [1.0, 1.0, 0.0]);
        assert_eq!(px(0, 11), [0.0, 0.0, 0.0]);
    }
}
