//! Named tensors in PyTorch `state_dict` order: a model's parameters and buffers, or their
//! gradients.

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct ParamStore<T> {
    entries: Vec<(String, T)>,
}

impl<T> Default for ParamStore<T> {
    fn default() -> Self {
        ParamStore {
            entries: Vec::new(),
        }
    }
}

impl<T> ParamStore<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces `name`.
    pub fn insert(&mut self, name: impl Into<String>, value: T) {
        let name = name.into();
        match self.entries.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((name, value)),
        }
    }

    pub fn get(&self, name: &str) -> Result<&T> {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| missing(name))
    }

    pub fn get_mut(&mut self, name: &str) -> Result<&mut T> {
        self.entries
            .iter_mut()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| missing(name))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v))
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _)| n.as_str())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn missing(name: &str) -> Error {
    Error::Invalid(format!("the model has no parameter named '{name}'"))
}

/// `prefix.name`, or `name` alone at the root.
pub fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}
