//! Weights files and the copy kept in the browser. A `.safetensors` file is read in the compute
//! worker (a file can have up to 64 MiB) and checked against the model here; the weights of the
//! last session are kept in the browser's storage (base64), per model, for the next visit.

use convlab_core::nn::ParamStore;
use convlab_core::{safetensors, Tensor};
use leptos::prelude::*;

use super::{resolved_model, MODELS};
use crate::base64;
use crate::worker::{self, Request, Response};

/// Reads a `.safetensors` file for the model `model_name`: the weights and the training steps
/// they had (from ConvLab's metadata). The error names the first mismatch (a missing tensor, a
/// wrong shape, a value that is not finite), and the page's other model when the file fits it.
pub async fn read_weights(
    bytes: Vec<u8>,
    model_name: &str,
) -> Result<(ParamStore<Tensor>, u64), String> {
    safetensors::check_file_size(bytes.len() as u64).map_err(|e| e.to_string())?;
    let (tensors, metadata) = match worker::compute()
        .ask(Request::ReadSafetensors { bytes })
        .await
    {
        Response::Safetensors { tensors, metadata } => (tensors, metadata),
        other => return Err(other.unexpected()),
    };
    let fits = |name: &str| -> Result<ParamStore<Tensor>, String> {
        let model = resolved_model(name)?;
        safetensors::matching(&tensors, &model.param_specs()).map_err(|e| e.to_string())
    };
    match fits(model_name) {
        Ok(params) => {
            let steps = metadata
                .into_iter()
                .find(|(k, _)| k == "convlab_steps")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            Ok((params, steps))
        }
        Err(e) => {
            let other = MODELS
                .iter()
                .find(|(name, _)| *name != model_name && fits(name).is_ok());
            Err(match other {
                Some((_, label)) => {
                    let stop = if e.ends_with(['.', '?', '!']) {
                        ""
                    } else {
                        "."
                    };
                    format!("{e}{stop} These are weights of the {label}: choose it as the Model, then load the file again.")
                }
                None => e,
            })
        }
    }
}

// ---- The weights in the browser's storage ----

fn storage_key(model: &str) -> String {
    format!("convlab-weights-{model}")
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Stores a `.safetensors` file as base64 under the model's key.
pub fn store_weights(model: &str, bytes: &[u8]) -> Result<(), String> {
    let storage = storage().ok_or("this browser does not let the page store data")?;
    storage
        .set_item(&storage_key(model), &base64::encode(bytes))
        .map_err(|_| {
            "the browser's storage is full or disabled: the weights were not saved for the next visit \
             (use Save to download them)"
                .to_string()
        })
}

/// The weights file stored for `model`, if any.
pub fn stored_weights(model: &str) -> Option<Vec<u8>> {
    let text = storage()?.get_item(&storage_key(model)).ok().flatten()?;
    base64::decode(&text)
}

/// Whether weights are stored for `model` (without decoding them).
pub fn has_stored_weights(model: &str) -> bool {
    storage().is_some_and(|s| s.get_item(&storage_key(model)).ok().flatten().is_some())
}

pub fn forget_weights(model: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&storage_key(model));
    }
}
