//! Loss curves as the charts draw them: the points of a curve over steps, and its smoothing.

/// The loss smoothed by an exponential moving average (weight 0.9 on the past), as TensorBoard
/// does.
pub fn smoothed(values: &[f32]) -> Vec<f32> {
    let mut avg = None;
    values
        .iter()
        .map(|&v| {
            let next = avg.map_or(v, |a: f32| 0.9 * a + 0.1 * v);
            avg = Some(next);
            next
        })
        .collect()
}

/// `(x, y)` points of a curve over steps or epochs numbered from 1.
pub fn numbered(values: &[f32]) -> Vec<(f32, f32)> {
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| ((i + 1) as f32, v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoothing_follows_the_moving_average() {
        // 1, then 0.9·1 + 0.1·3 = 1.2, then 0.9·1.2 + 0.1·0 = 1.08.
        let s = smoothed(&[1.0, 3.0, 0.0]);
        assert!(
            (s[1] - 1.2).abs() < 1e-6 && (s[2] - 1.08).abs() < 1e-6,
            "{s:?}"
        );
        assert_eq!(numbered(&[5.0, 6.0]), vec![(1.0, 5.0), (2.0, 6.0)]);
    }
}
