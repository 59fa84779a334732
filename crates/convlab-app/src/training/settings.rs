//! An optimizer's settings as a student types them: the learning rate and SGD's momentum, read
//! from a text field by the core (which checks them and quotes what was typed). The Training
//! page and the Experiments lesson change them during a run.

use convlab_core::train::{parse_learning_rate, parse_momentum, Optimizer};

/// `optimizer` with the learning rate typed in `text`.
pub fn with_typed_learning_rate(optimizer: Optimizer, text: &str) -> Result<Optimizer, String> {
    parse_learning_rate(text)
        .and_then(|lr| optimizer.with_learning_rate(lr))
        .map_err(|e| e.to_string())
}

/// `optimizer` (SGD) with the momentum typed in `text`.
pub fn with_typed_momentum(optimizer: Optimizer, text: &str) -> Result<Optimizer, String> {
    parse_momentum(text)
        .and_then(|m| optimizer.with_momentum(m))
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
    fn typed_settings_change_the_optimizer_and_are_described() {
        let err = with_typed_learning_rate(Optimizer::sgd(0.01), "fast").unwrap_err();
        assert!(err.ends_with("(it is fast)."), "{err}");
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
