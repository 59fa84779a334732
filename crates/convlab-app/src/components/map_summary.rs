//! A map in words, for those who cannot see its colours (a screen reader reads it as the map's
//! text alternative): a small map's values row by row; a large one's size, where its smallest and
//! largest values are, its mean and, for a signed map, how much of it is positive and negative.
//! Colour is never the only carrier: the words name the sign that red and blue show.

use crate::components::heatmap::Plane;
use crate::format;

/// Maps with at most this many values (a 5 × 5 kernel) are read out whole.
pub const READ_OUT: usize = 25;

/// The summary's formats in Korean (see `messages.rs`: `{name}` stands for a number).
pub const KO_MESSAGES: &[(&str, &str)] = &[
    (
        "{rows} × {cols} values, row by row: {values}",
        "{rows} × {cols} 값, 행 순서대로: {values}",
    ),
    (
        "{rows} × {cols} values from {min} (row {r1}, column {c1}) to {max} (row {r2}, column {c2}), mean {mean}: {pos}% positive (red), {neg}% negative (blue)",
        "{rows} × {cols} 값, 최솟값 {min}({r1}행 {c1}열)부터 최댓값 {max}({r2}행 {c2}열)까지, 평균 {mean}: 양수(빨강) {pos}%, 음수(파랑) {neg}%",
    ),
    (
        "{rows} × {cols} values from {min} (row {r1}, column {c1}, black) to {max} (row {r2}, column {c2}, white), mean {mean}",
        "{rows} × {cols} 값, 최솟값 {min}({r1}행 {c1}열, 검정)부터 최댓값 {max}({r2}행 {c2}열, 흰색)까지, 평균 {mean}",
    ),
];

/// The map in words (English; `I18n::message` reads it in Korean). Rows and columns count from 1,
/// as the grids' cells say them. Nothing for a map with no values or a malformed one.
pub fn summary(plane: &Plane, signed: bool) -> String {
    let Plane { rows, cols, values } = plane;
    if values.is_empty() || values.len() != rows * cols {
        return String::new();
    }
    if values.len() <= READ_OUT {
        let lines: Vec<String> = values
            .chunks(*cols)
            .map(|row| {
                let row: Vec<String> = row.iter().map(|&v| format::value(v)).collect();
                row.join(", ")
            })
            .collect();
        return format!("{rows} × {cols} values, row by row: {}", lines.join("; "));
    }
    // The first smallest and the first largest, in reading order.
    let (mut low, mut high) = (0, 0);
    for (i, &v) in values.iter().enumerate() {
        if v < values[low] {
            low = i;
        }
        if v > values[high] {
            high = i;
        }
    }
    let at = |i: usize| (i / cols + 1, i % cols + 1);
    let ((r1, c1), (r2, c2)) = (at(low), at(high));
    let (min, max) = (format::value(values[low]), format::value(values[high]));
    let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len() as f64;
    let mean = format::value(mean as f32);
    if signed {
        let share = |count: usize| (100.0 * count as f64 / values.len() as f64).round();
        let positive = share(values.iter().filter(|&&v| v > 0.0).count());
        let negative = share(values.iter().filter(|&&v| v < 0.0).count());
        format!(
            "{rows} × {cols} values from {min} (row {r1}, column {c1}) to {max} (row {r2}, column {c2}), mean {mean}: {positive}% positive (red), {negative}% negative (blue)"
        )
    } else {
        format!(
            "{rows} × {cols} values from {min} (row {r1}, column {c1}, black) to {max} (row {r2}, column {c2}, white), mean {mean}"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::korean;

    fn plane(rows: usize, cols: usize, values: Vec<f32>) -> Plane {
        Plane { rows, cols, values }
    }

    #[test]
    fn a_small_map_is_read_out_row_by_row() {
        // The notes' 3 × 3 example input.
        let p = plane(3, 3, (0..9).map(|v| v as f32).collect());
        assert_eq!(
            summary(&p, false),
            "3 × 3 values, row by row: 0, 1, 2; 3, 4, 5; 6, 7, 8"
        );
        assert_eq!(
            korean(&summary(&p, false), &[KO_MESSAGES]).unwrap(),
            "3 × 3 값, 행 순서대로: 0, 1, 2; 3, 4, 5; 6, 7, 8"
        );
    }

    #[test]
    fn a_large_map_is_summed_up() {
        // 6 × 6: -3 at row 2, column 4; 5 at row 6, column 1 (and again later: the first counts);
        // 9 positive values of 36, 1 negative.
        let mut values = vec![0.0; 36];
        values[9] = -3.0;
        values[30] = 5.0;
        values[35] = 5.0;
        for v in values.iter_mut().take(7) {
            *v = 1.0;
        }
        let p = plane(6, 6, values);
        let total: f32 = p.values.iter().sum();
        assert_eq!(total, 14.0);
        assert_eq!(
            summary(&p, true),
            "6 × 6 values from -3 (row 2, column 4) to 5 (row 6, column 1), mean 0.389: 25% positive (red), 3% negative (blue)"
        );
        assert_eq!(
            korean(&summary(&p, true), &[KO_MESSAGES]).unwrap(),
            "6 × 6 값, 최솟값 -3(2행 4열)부터 최댓값 5(6행 1열)까지, 평균 0.389: 양수(빨강) 25%, 음수(파랑) 3%"
        );
        assert_eq!(
            summary(&p, false),
            "6 × 6 values from -3 (row 2, column 4, black) to 5 (row 6, column 1, white), mean 0.389"
        );
        assert!(korean(&summary(&p, false), &[KO_MESSAGES])
            .unwrap()
            .starts_with("6 × 6 값, 최솟값 -3(2행 4열, 검정)"));
    }

    #[test]
    fn an_empty_or_malformed_map_says_nothing() {
        assert_eq!(summary(&plane(0, 0, vec![]), true), "");
        assert_eq!(summary(&plane(2, 2, vec![1.0]), true), "");
    }
}
