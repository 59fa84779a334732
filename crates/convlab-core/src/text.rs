//! How numbers are written for people, the same in the CLI, the exported code and the app.

/// An integer with thousands separators: `55744` → `55,744`.
pub fn thousands(n: impl std::fmt::Display) -> String {
    let digits = n.to_string();
    let (sign, digits) = digits.split_at(usize::from(digits.starts_with('-')));
    let mut out = String::from(sign);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(55_744usize), "55,744");
        assert_eq!(thousands(11_178_378u64), "11,178,378");
        assert_eq!(thousands(-1234), "-1,234");
    }
}
