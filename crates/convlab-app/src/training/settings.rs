//! An optimizer's settings as a student types them: the learning rate and SGD's momentum, read
//! from a text field and checked against the ranges the core accepts, with a message that quotes
//! what was typed. The Training page and the Experiments lesson change them during a run.

use convlab_core::train::{Optimizer, LEARNING_RATES, MOMENTA};

/// The learning rate typed in `text`.
pub fn parse_learning_rate(text: &str) -> Result<f32, String> {
    match text.trim().parse::<f32>() {
        Ok(lr) if LEARNING_RATES.contains(&lr) => Ok(lr),
        _ => Err(format!(
            "The learning rate must be a positive number, e.g. 0.001 (it is {}).",
            text.trim()
        )),
    }
}

/// SGD's momentum typed in `text`.
pub fn parse_momentum(text: &str) -> Result<f32, String> {
    match text.trim().parse::<f32>() {
        Ok(m) if MOMENTA.contains(&m) => Ok(m),
        _ => Err(format!(
            "The momentum must be between 0 and 0.999, e.g. 0.9 (it is {}).",
            text.trim()
        )),
    }
}

/// `optimizer` with the learning rate typed in `text`.
pub fn with_typed_learning_rate(optimizer: Optimizer, text: &str) -> Result<Optimizer, String> {
    optimizer
        .with_learning_rate(parse_learning_rate(text)?)
        .map_err(|e| e.to_string())
}

/// `optimizer` (SGD) with the momentum typed in `text`.
pub fn with_typed_momentum(optimizer: Optimizer, text: &str) -> Result<Optimizer, String> {
    optimizer
        .with_momentum(parse_momentum(text)?)
        .map_err(|e| e.to_string())
}

/// A change of an optimizer's settings during a run.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingsChange {
    /// The first step whose update used the new settings (its loss, measured before the
    /// update, is the last one the change did not touch).
    pub step: usize,
    pub from: Optimizer,
    pub to: Optimizer,
}

impl SettingsChange {
    /// Briefly, for a chart: "lr 0.01 → 0.1".
    pub fn label(&self) -> String {
        describe_change(&self.from, &self.to)
    }
}

/// What changed from `from` to `to`, briefly: "lr 0.01 → 0.1", "momentum 0.9 → 0.5".
pub fn describe_change(from: &Optimizer, to: &Optimizer) -> String {
    let mut parts = Vec::new();
    if from.learning_rate() != to.learning_rate() {
        parts.push(format!(
            "lr {} → {}",
            super::short(from.learning_rate()),
            super::short(to.learning_rate())
        ));
    }
    if let (Some(a), Some(b)) = (from.momentum(), to.momentum()) {
        if a != b {
            parts.push(format!(
                "momentum {} → {}",
                super::short(a),
                super::short(b)
            ));
        }
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_settings_are_checked_and_quoted() {
        assert_eq!(parse_learning_rate(" 0.05 "), Ok(0.05));
        for bad in ["abc", "0", "-1", "NaN", "inf", ""] {
            let err = parse_learning_rate(bad).unwrap_err();
            assert!(err.ends_with(&format!("(it is {bad}).")), "{err}");
        }
        assert_eq!(parse_momentum("0"), Ok(0.0));
        for bad in ["1", "1.5", "-0.1", "x"] {
            assert!(parse_momentum(bad).is_err(), "{bad}");
        }
        let adam = Optimizer::adam(1e-3);
        assert!(with_typed_momentum(adam, "0.5").is_err());
        let sgd = Optimizer::sgd(0.01);
        let faster = with_typed_learning_rate(sgd, "0.1").unwrap();
        assert_eq!(describe_change(&sgd, &faster), "lr 0.01 → 0.1");
        let lighter = with_typed_momentum(faster, "0.5").unwrap();
        assert_eq!(
            describe_change(&sgd, &lighter),
            "lr 0.01 → 0.1, momentum 0.9 → 0.5"
        );
    }
}
