//! How numbers are written on the page: whole numbers without decimals (the course's examples
//! are integers), others with at most three; and text inside the JSON the bench modes print.

/// `8` for 8.0, `-0.125` for −0.125, `0.333` for 1/3.
pub fn value(v: f32) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    if v.fract() == 0.0 && v.abs() < 1e7 {
        return format!("{}", v as i64);
    }
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// `v` as the page writes it and reads it back (see [`value`]). A lesson's state keeps its numbers
/// this way, so that what it computes is what its fields and its address show.
pub fn written(v: f32) -> f32 {
    value(v).parse().unwrap_or(v)
}

/// A JSON string literal (an adapter's name may hold quotes).
pub fn json_string(s: &str) -> String {
    let escaped: String = s
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c if c.is_control() => vec![' '],
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(value(8.0), "8");
        assert_eq!(value(-3.0), "-3");
        assert_eq!(value(0.5), "0.5");
        assert_eq!(value(1.0 / 3.0), "0.333");
        assert_eq!(value(-0.0001), "0");
    }

    #[test]
    fn written_values_read_back_as_shown() {
        assert_eq!(written(0.12345), 0.123);
        assert_eq!(written(-0.0001), 0.0);
        for v in [0.1234_f32, 1234.5678, -998.9996, 3.0] {
            assert_eq!(written(written(v)), written(v), "{v}");
        }
    }
}
