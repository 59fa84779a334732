//! Weights files and the copy kept in the browser. A `.safetensors` file is read in the compute
//! worker (a file can have up to 64 MiB) and checked against the model here; the weights of the
//! last session are kept in the browser's storage (base64), per model, for the next visit.

use convlab_core::nn::ParamStore;
use convlab_core::{safetensors, Tensor};
use leptos::prelude::*;

use super::{resolved_model, MODELS};
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
        .set_item(&storage_key(model), &base64_encode(bytes))
        .map_err(|_| {
            "the browser's storage is full or disabled: the weights were not saved for the next visit \
             (use Save to download them)"
                .to_string()
        })
}

/// The weights file stored for `model`, if any.
pub fn stored_weights(model: &str) -> Option<Vec<u8>> {
    let text = storage()?.get_item(&storage_key(model)).ok().flatten()?;
    base64_decode(&text)
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

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes of standard base64 (padding optional), or `None` when it is not base64.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u32> = text
        .trim_end_matches('=')
        .bytes()
        .map(|c| match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        })
        .collect::<Option<_>>()?;
    if digits.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &d)| n | (d << (18 - 6 * i)));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_and_refuses_what_is_not_base64() {
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foob", &[0, 255, 128, 7, 1]] {
            assert_eq!(base64_decode(&base64_encode(bytes)).as_deref(), Some(bytes));
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_decode("Zm9v!"), None);
        assert_eq!(base64_decode("Z"), None);
    }
}
