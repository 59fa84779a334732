//! How numbers are written on the page: whole numbers without decimals (the course's examples
//! are integers), others with at most three.

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
}
