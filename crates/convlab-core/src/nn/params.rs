//! Named tensors in PyTorch `state_dict` order: a model's parameters and buffers, or their
//! gradients.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Tensors by name, in the order they were first inserted. A name index keeps `get` and
/// `insert` constant-time, so loading a file of n tensors takes time linear in n.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "Vec<(String, T)>", into = "Vec<(String, T)>")]
pub struct ParamStore<T: Clone> {
    entries: Vec<(String, T)>,
    index: HashMap<String, usize>,
}

impl<T: Clone> Default for ParamStore<T> {
    fn default() -> Self {
        ParamStore {
            entries: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<T: Clone + PartialEq> PartialEq for ParamStore<T> {
    /// The same names with equal tensors, in the same order (the index follows from them).
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl<T: Clone> From<Vec<(String, T)>> for ParamStore<T> {
    fn from(entries: Vec<(String, T)>) -> Self {
        let mut store = ParamStore::new();
        for (name, value) in entries {
            store.insert(name, value);
        }
        store
    }
}

impl<T: Clone> From<ParamStore<T>> for Vec<(String, T)> {
    fn from(store: ParamStore<T>) -> Self {
        store.entries
    }
}

impl<T: Clone> ParamStore<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name` at the end, or replaces its value where it is.
    pub fn insert(&mut self, name: impl Into<String>, value: T) {
        let name = name.into();
        match self.index.get(&name) {
            Some(&i) => self.entries[i].1 = value,
            None => {
                self.index.insert(name.clone(), self.entries.len());
                self.entries.push((name, value));
            }
        }
    }

    pub fn get(&self, name: &str) -> Result<&T> {
        self.index
            .get(name)
            .map(|&i| &self.entries[i].1)
            .ok_or_else(|| missing(name))
    }

    pub fn get_mut(&mut self, name: &str) -> Result<&mut T> {
        match self.index.get(name) {
            Some(&i) => Ok(&mut self.entries[i].1),
            None => Err(missing(name)),
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut T)> {
        self.entries.iter_mut().map(|(n, v)| (n.as_str(), v))
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

pub(crate) fn missing(name: &str) -> Error {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_first_place_and_values_are_replaced() {
        let mut p = ParamStore::new();
        p.insert("b", 1);
        p.insert("a", 2);
        p.insert("b", 3);
        assert_eq!(p.iter().collect::<Vec<_>>(), vec![("b", &3), ("a", &2)]);
        assert!(p.contains("a") && !p.contains("c"));
        *p.get_mut("a").unwrap() = 5;
        assert_eq!(p.get("a"), Ok(&5));
        assert!(p.get("c").unwrap_err().to_string().contains("'c'"));
        // The index survives a trip through serde (it is rebuilt from the entries).
        let back: ParamStore<i32> =
            serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.get("a"), Ok(&5));
    }
}
