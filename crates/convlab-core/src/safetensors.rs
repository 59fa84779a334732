//! Weights as `.safetensors` files (Hugging Face's format, read by PyTorch's
//! `safetensors.torch.load_file`), under the model's PyTorch `state_dict` names, so a network
//! trained in ConvLab loads into the notes' PyTorch model with `model.load_state_dict(...)` and
//! back.
//!
//! The format: 8 bytes (little-endian `u64`) giving the length `N` of a JSON header, the header
//! (`{"name": {"dtype": "F32", "shape": [..], "data_offsets": [a, b]}, ..., "__metadata__":
//! {"key": "string"}}`, padded with spaces), then the tensors' bytes, little-endian, where tensor
//! `name` is bytes `a..b` of that data. [`deserialize`] checks all of it and refuses a damaged or
//! hostile file with a message saying what is wrong; it never panics and never allocates more than
//! the file's size.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::nn::layer::ParamSpec;
use crate::nn::params::join;
use crate::nn::{Layer, Model, ParamStore};
use crate::tensor::Tensor;
use crate::text::thousands;

/// The largest header accepted (as the `safetensors` crate: 100 MB).
pub const MAX_HEADER_BYTES: u64 = 100_000_000;

/// The largest weights file ConvLab reads: a page keeps the file, its tensors and a copy on the
/// device in memory at once. The models it trains on MNIST need well under 1 MB.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Refuses a weights file of `len` bytes before it is read, when it is larger than
/// [`MAX_FILE_BYTES`].
pub fn check_file_size(len: u64) -> Result<()> {
    if len > MAX_FILE_BYTES {
        return Err(Error::Invalid(format!(
            "this weights file has {} bytes, more than the {} ConvLab reads (64 MiB): the models \
             it trains need less than 1 MB, so this is probably not a file of one of them",
            thousands(len),
            thousands(MAX_FILE_BYTES)
        )));
    }
    Ok(())
}

/// The `state_dict` suffix of batch norm's step counter, an integer PyTorch keeps beside the
/// running statistics. ConvLab writes it (so `load_state_dict` is satisfied in strict mode) and
/// ignores it when reading.
pub const NUM_BATCHES_TRACKED: &str = "num_batches_tracked";

/// An integer scalar to write beside the weights (batch norm's `num_batches_tracked`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    pub name: String,
    pub value: i64,
}

/// The weights as a `.safetensors` file: every tensor as `F32`, in `state_dict` order, with the
/// metadata `{"format": "pt"}`.
pub fn serialize(params: &ParamStore<Tensor>) -> Vec<u8> {
    serialize_with(params, &[], &[])
}

/// [`serialize`] with integer scalars (written as `I64` of shape `[]`, first, so their 8-byte
/// values stay aligned) and more metadata (string pairs, after `"format": "pt"`).
pub fn serialize_with(
    params: &ParamStore<Tensor>,
    counters: &[Counter],
    metadata: &[(&str, &str)],
) -> Vec<u8> {
    let mut header = Map::new();
    let mut data: Vec<u8> = Vec::new();
    let mut entry = |name: &str, dtype: &str, shape: &[usize], bytes: &[u8], data: &mut Vec<u8>| {
        let start = data.len();
        data.extend_from_slice(bytes);
        header.insert(
            name.to_string(),
            serde_json::json!({"dtype": dtype, "shape": shape, "data_offsets": [start, data.len()]}),
        );
    };
    for c in counters {
        entry(&c.name, "I64", &[], &c.value.to_le_bytes(), &mut data);
    }
    for (name, t) in params.iter() {
        let bytes: Vec<u8> = t.data.iter().flat_map(|v| v.to_le_bytes()).collect();
        entry(name, "F32", &t.shape, &bytes, &mut data);
    }
    let mut meta = Map::new();
    meta.insert("format".into(), Value::String("pt".into()));
    for (k, v) in metadata {
        meta.insert((*k).into(), Value::String((*v).into()));
    }
    header.insert("__metadata__".into(), Value::Object(meta));
    let mut json = Value::Object(header).to_string().into_bytes();
    // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
    while !(8 + json.len()).is_multiple_of(8) {
        json.push(b' ');
    }
    let mut out = Vec::with_capacity(8 + json.len() + data.len());
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&data);
    out
}

/// `<layer>.num_batches_tracked` = `steps` for each batch norm layer of `model`, as PyTorch's
/// `state_dict` has after `steps` training steps.
pub fn batch_norm_counters(model: &Model, steps: i64) -> Vec<Counter> {
    fn bn_paths(prefix: &str, layer: &Layer, out: &mut Vec<String>) {
        match layer {
            Layer::BatchNorm2d { .. } => out.push(prefix.to_string()),
            Layer::Residual(spec) => {
                for (name, sub) in spec.sublayers() {
                    bn_paths(&join(prefix, name), &sub, out);
                }
            }
            _ => {}
        }
    }
    let mut paths = Vec::new();
    for leaf in model.leaves() {
        bn_paths(&leaf.path, &leaf.layer, &mut paths);
    }
    paths
        .into_iter()
        .map(|p| Counter {
            name: join(&p, NUM_BATCHES_TRACKED),
            value: steps,
        })
        .collect()
}

/// The metadata of a `.safetensors` file (the `__metadata__` strings), without reading its data.
pub fn metadata(bytes: &[u8]) -> Result<Vec<(String, String)>> {
    let (header, _) = split(bytes)?;
    Ok(match header.get("__metadata__") {
        Some(Value::Object(m)) => m
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
            .collect(),
        _ => vec![],
    })
}

/// The floating-point tensors of a `.safetensors` file, as `f32`, in the order of their data.
/// `F64`, `F16` and `BF16` are converted to `f32`; integer scalars named `*.num_batches_tracked`
/// are checked and skipped; any other type is an error naming the tensor.
pub fn deserialize(bytes: &[u8]) -> Result<ParamStore<Tensor>> {
    let (header, data) = split(bytes)?;
    struct Entry<'a> {
        name: &'a str,
        dtype: Dtype,
        shape: Vec<usize>,
        start: usize,
        end: usize,
    }
    let mut entries = Vec::new();
    for (name, info) in &header {
        if name == "__metadata__" {
            check_metadata(info)?;
            continue;
        }
        let info = info.as_object().ok_or_else(|| {
            bad(format!(
                "the header's entry for '{name}' is not an object with dtype, shape and data_offsets"
            ))
        })?;
        let dtype_name = info
            .get("dtype")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(format!("tensor '{name}' has no dtype string in the header")))?;
        let dtype = Dtype::parse(dtype_name).ok_or_else(|| {
            bad(format!(
                "tensor '{name}' has the unknown dtype \"{dtype_name}\""
            ))
        })?;
        let shape = info
            .get("shape")
            .and_then(Value::as_array)
            .and_then(|dims| {
                dims.iter()
                    .map(|d| d.as_u64().and_then(|d| usize::try_from(d).ok()))
                    .collect::<Option<Vec<usize>>>()
            })
            .ok_or_else(|| {
                bad(format!(
                    "tensor '{name}' has no valid shape in the header (a list of sizes, like [16, 1, 5, 5])"
                ))
            })?;
        let offsets = info
            .get("data_offsets")
            .and_then(Value::as_array)
            .filter(|o| o.len() == 2)
            .and_then(|o| {
                let a = o[0].as_u64().and_then(|v| usize::try_from(v).ok())?;
                let b = o[1].as_u64().and_then(|v| usize::try_from(v).ok())?;
                Some((a, b))
            })
            .ok_or_else(|| {
                bad(format!(
                    "tensor '{name}' has no valid data_offsets in the header (two byte positions [start, end])"
                ))
            })?;
        let (start, end) = offsets;
        if start > end || end > data.len() {
            return Err(bad(format!(
                "tensor '{name}' claims bytes {start}..{end} of the data, but the data has {} bytes: the file is truncated or damaged",
                data.len()
            )));
        }
        let want = shape
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .and_then(|n| n.checked_mul(dtype.size()));
        if want != Some(end - start) {
            return Err(bad(format!(
                "tensor '{name}' of shape {shape:?} and dtype {dtype_name} needs {} bytes, but its data_offsets give {}",
                want.map_or_else(|| "more".to_string(), |n| n.to_string()),
                end - start
            )));
        }
        entries.push(Entry {
            name,
            dtype,
            shape,
            start,
            end,
        });
    }
    // The tensors must tile the data exactly: no overlaps, no gaps, nothing after them.
    entries.sort_by_key(|e| (e.start, e.end));
    let mut at = 0;
    for e in &entries {
        if e.start < at {
            return Err(bad(format!(
                "tensor '{}' (bytes {}..{}) overlaps the tensor before it: the file is damaged",
                e.name, e.start, e.end
            )));
        }
        if e.start > at {
            return Err(bad(format!(
                "bytes {at}..{} of the data belong to no tensor: the file is damaged",
                e.start
            )));
        }
        at = e.end;
    }
    if at != data.len() {
        return Err(bad(format!(
            "the data has {} bytes after the last tensor: the file is damaged",
            data.len() - at
        )));
    }
    let mut store = ParamStore::new();
    for e in entries {
        let bytes = &data[e.start..e.end];
        let values: Vec<f32> = match e.dtype {
            Dtype::F32 => bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            Dtype::F64 => bytes
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f32)
                .collect(),
            Dtype::F16 => bytes
                .chunks_exact(2)
                .map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]])))
                .collect(),
            Dtype::BF16 => bytes
                .chunks_exact(2)
                .map(|c| f32::from_bits(u32::from(u16::from_le_bytes([c[0], c[1]])) << 16))
                .collect(),
            Dtype::Int(_) if is_counter(e.name) && e.shape.iter().product::<usize>() == 1 => continue,
            Dtype::Int(_) | Dtype::Other(_) => {
                return Err(bad(format!(
                    "tensor '{}' holds {}, but ConvLab reads floating-point weights (F32; F64, F16 and BF16 are converted)",
                    e.name,
                    e.dtype.name()
                )))
            }
        };
        if store.contains(e.name) {
            return Err(bad(format!("tensor '{}' appears twice", e.name)));
        }
        store.insert(
            e.name,
            Tensor {
                shape: e.shape,
                data: values,
            },
        );
    }
    Ok(store)
}

/// [`deserialize`], then checks the tensors against `model` (resolved for its input size): every
/// parameter and buffer present with the model's shape, and nothing else. Returns them in the
/// model's `state_dict` order; the first mismatch is the error.
pub fn load_for_model(bytes: &[u8], model: &Model) -> Result<ParamStore<Tensor>> {
    let file = deserialize(bytes)?;
    matching(&file, &model.param_specs())
}

/// The tensors of `file` that `specs` name, in their order, or an error naming the first
/// parameter missing or of the wrong shape, or the first tensor the model has no place for.
pub fn matching(file: &ParamStore<Tensor>, specs: &[ParamSpec]) -> Result<ParamStore<Tensor>> {
    let mut out = ParamStore::new();
    for spec in specs {
        let Ok(t) = file.get(&spec.name) else {
            return Err(Error::Invalid(format!(
                "the file has no tensor {}, which the model needs: was it saved from another model?",
                spec.name
            )));
        };
        if t.shape != spec.shape {
            return Err(Error::Invalid(format!(
                "{} has shape {:?} in the file but the model needs {:?}",
                spec.name, t.shape, spec.shape
            )));
        }
        if let Some(i) = t.data.iter().position(|v| !v.is_finite()) {
            return Err(Error::Invalid(format!(
                "{} holds {} at position {i}: weights must be finite numbers. A training run whose \
                 loss diverged saves NaN or infinity; train again with a lower learning rate",
                spec.name, t.data[i]
            )));
        }
        out.insert(spec.name.clone(), t.clone());
    }
    if let Some(extra) = file.names().find(|n| !specs.iter().any(|s| s.name == *n)) {
        return Err(Error::Invalid(format!(
            "the file holds a tensor {extra}, which the model does not have: was it saved from another model?"
        )));
    }
    Ok(out)
}

fn is_counter(name: &str) -> bool {
    name == NUM_BATCHES_TRACKED || name.ends_with(&format!(".{NUM_BATCHES_TRACKED}"))
}

fn bad(message: String) -> Error {
    Error::Invalid(format!("not a valid safetensors file: {message}"))
}

/// The header (parsed) and the data of a file, after checking the header's length and JSON.
fn split(bytes: &[u8]) -> Result<(Map<String, Value>, &[u8])> {
    check_file_size(bytes.len() as u64)?;
    let Some(len) = bytes.get(..8) else {
        return Err(bad(format!(
            "it has {} bytes, fewer than the 8 that give the header's length",
            bytes.len()
        )));
    };
    let mut word = [0u8; 8];
    word.copy_from_slice(len);
    let n = u64::from_le_bytes(word);
    let available = (bytes.len() - 8) as u64;
    if n > MAX_HEADER_BYTES || n > available {
        return Err(bad(format!(
            "its first 8 bytes announce a header of {n} bytes, but {} follow{}: the file is truncated, or it is not a safetensors file",
            available,
            if n > MAX_HEADER_BYTES { " (and a header may have at most 100 MB)" } else { "" }
        )));
    }
    let n = n as usize;
    let text = std::str::from_utf8(&bytes[8..8 + n])
        .map_err(|_| bad("its header is not UTF-8 text".into()))?;
    if !text.trim_start().starts_with('{') {
        return Err(bad("its header is not a JSON object".into()));
    }
    let header: Map<String, Value> = serde_json::from_str(text)
        .map_err(|e| bad(format!("its header is not valid JSON ({e})")))?;
    Ok((header, &bytes[8 + n..]))
}

fn check_metadata(info: &Value) -> Result<()> {
    match info {
        Value::Object(m) if m.values().all(Value::is_string) => Ok(()),
        Value::Null => Ok(()),
        _ => Err(bad("__metadata__ must map names to strings".into())),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Dtype {
    F32,
    F64,
    F16,
    BF16,
    /// An integer type of this many bytes.
    Int(usize),
    /// Booleans and 8-bit floats: sizes known, values not read.
    Other(usize),
}

impl Dtype {
    fn parse(s: &str) -> Option<Dtype> {
        Some(match s {
            "F32" => Dtype::F32,
            "F64" => Dtype::F64,
            "F16" => Dtype::F16,
            "BF16" => Dtype::BF16,
            "I8" | "U8" => Dtype::Int(1),
            "I16" | "U16" => Dtype::Int(2),
            "I32" | "U32" => Dtype::Int(4),
            "I64" | "U64" => Dtype::Int(8),
            "BOOL" | "F8_E4M3" | "F8_E5M2" => Dtype::Other(1),
            _ => return None,
        })
    }

    fn size(self) -> usize {
        match self {
            Dtype::F32 => 4,
            Dtype::F64 => 8,
            Dtype::F16 | Dtype::BF16 => 2,
            Dtype::Int(n) | Dtype::Other(n) => n,
        }
    }

    fn name(self) -> String {
        match self {
            Dtype::Int(n) => format!("{}-bit integers", n * 8),
            Dtype::Other(_) => "booleans or 8-bit floats".into(),
            other => format!("{other:?}"),
        }
    }
}

/// IEEE 754 half precision to single (exact: every half is a float).
fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h >> 15) << 31;
    let exp = u32::from((h >> 10) & 0x1f);
    let frac = u32::from(h & 0x3ff);
    let bits = match (exp, frac) {
        (0, 0) => sign,
        (0, _) => {
            // Subnormal: frac · 2^-24.
            let v = frac as f32 * f32::powi(2.0, -24);
            return if sign != 0 { -v } else { v };
        }
        (0x1f, 0) => sign | 0x7f80_0000,
        (0x1f, _) => sign | 0x7fc0_0000 | (frac << 13),
        _ => sign | ((exp + 127 - 15) << 23) | (frac << 13),
    };
    f32::from_bits(bits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{arch, nn::init};
    use proptest::prelude::*;

    fn sample() -> ParamStore<Tensor> {
        let mut p = ParamStore::new();
        p.insert(
            "layer1.0.weight",
            Tensor::new(vec![2, 1, 1, 2], vec![1.0, -1.0, 0.5, f32::MIN_POSITIVE]).unwrap(),
        );
        p.insert(
            "layer1.0.bias",
            Tensor::new(vec![2], vec![0.0, -0.0]).unwrap(),
        );
        p.insert("fc.bias", Tensor::scalar(3.25));
        p
    }

    #[test]
    fn round_trip_keeps_names_order_shapes_and_bits() {
        let p = sample();
        let bytes = serialize(&p);
        let back = deserialize(&bytes).unwrap();
        assert_eq!(
            back.names().collect::<Vec<_>>(),
            p.names().collect::<Vec<_>>()
        );
        for ((_, a), (_, b)) in p.iter().zip(back.iter()) {
            assert_eq!(a.shape, b.shape);
            let bits = |t: &Tensor| t.data.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(a), bits(b));
        }
        // Header length is a multiple of 8 and the data starts aligned.
        let n = u64::from_le_bytes(bytes[..8].try_into().unwrap());
        assert_eq!((8 + n) % 8, 0);
    }

    #[test]
    fn the_convnet_round_trips_with_its_counters_and_is_checked_against_the_model() {
        let model = arch::mnist_convnet();
        let params = init::pytorch_default(&model, 3);
        let counters = batch_norm_counters(&model, 80);
        assert_eq!(
            counters.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            [
                "layer1.1.num_batches_tracked",
                "layer2.1.num_batches_tracked"
            ]
        );
        let bytes = serialize_with(&params, &counters, &[("convlab_model", "mnist_convnet")]);
        let loaded = load_for_model(&bytes, &model).unwrap();
        assert_eq!(loaded, params);
        let meta = metadata(&bytes).unwrap();
        assert!(meta.contains(&("format".into(), "pt".into())));
        assert!(meta.contains(&("convlab_model".into(), "mnist_convnet".into())));
    }

    #[test]
    fn a_mismatch_names_the_first_tensor_and_both_shapes() {
        let model = arch::mnist_convnet();
        let mut params = init::pytorch_default(&model, 0);
        params.insert("layer2.0.weight", Tensor::zeros(&[32, 16, 3, 3]));
        let e = load_for_model(&serialize(&params), &model)
            .unwrap_err()
            .to_string();
        assert_eq!(e, "layer2.0.weight has shape [32, 16, 3, 3] in the file but the model needs [32, 16, 5, 5]");

        let lenet = arch::lenet().propagate(&[1, 28, 28]).unwrap().0;
        let e = load_for_model(&serialize(&init::pytorch_default(&lenet, 0)), &model).unwrap_err();
        assert!(
            e.to_string().contains("has no tensor layer1.0.weight"),
            "{e}"
        );

        let mut extra = init::pytorch_default(&model, 0);
        extra.insert("fc2.weight", Tensor::zeros(&[1]));
        let e = load_for_model(&serialize(&extra), &model).unwrap_err();
        assert!(
            e.to_string()
                .contains("fc2.weight, which the model does not have"),
            "{e}"
        );
    }

    #[test]
    fn weights_that_are_not_finite_are_refused_with_the_tensors_name() {
        let model = arch::mnist_convnet();
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            let mut params = init::pytorch_default(&model, 0);
            params.get_mut("fc.bias").unwrap().data[3] = bad;
            let e = load_for_model(&serialize(&params), &model)
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with(&format!("fc.bias holds {bad} at position 3")),
                "{e}"
            );
        }
    }

    #[test]
    fn a_file_over_the_cap_is_refused_before_it_is_read() {
        let e = check_file_size(MAX_FILE_BYTES + 1).unwrap_err().to_string();
        assert!(e.contains("67,108,865 bytes"), "{e}");
        assert!(check_file_size(MAX_FILE_BYTES).is_ok());
    }

    /// A file with one tensor `x` of `dtype`, `shape` and raw `data`.
    fn file(dtype: &str, shape: &[usize], data: &[u8]) -> Vec<u8> {
        let header = format!(
            r#"{{"x":{{"dtype":"{dtype}","shape":{shape:?},"data_offsets":[0,{}]}}}}"#,
            data.len()
        );
        let mut out = (header.len() as u64).to_le_bytes().to_vec();
        out.extend(header.bytes());
        out.extend(data);
        out
    }

    #[test]
    fn other_float_types_are_converted() {
        let f64s: Vec<u8> = [1.5f64, -2.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        assert_eq!(
            deserialize(&file("F64", &[2], &f64s))
                .unwrap()
                .get("x")
                .unwrap()
                .data,
            [1.5, -2.0]
        );
        // 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal), +inf in half precision.
        let f16s: Vec<u8> = [0x3c00u16, 0xc000, 0x7bff, 0x0001, 0x7c00]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let got = deserialize(&file("F16", &[5], &f16s))
            .unwrap()
            .get("x")
            .unwrap()
            .data
            .clone();
        assert_eq!(
            got,
            [1.0, -2.0, 65504.0, f32::powi(2.0, -24), f32::INFINITY]
        );
        let bf16s: Vec<u8> = [0x3f80u16, 0xc040]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        assert_eq!(
            deserialize(&file("BF16", &[2], &bf16s))
                .unwrap()
                .get("x")
                .unwrap()
                .data,
            [1.0, -3.0]
        );
    }

    #[test]
    fn integers_are_refused_except_the_batch_norm_counter() {
        let e = deserialize(&file("I32", &[1], &[0; 4]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("'x' holds 32-bit integers"), "{e}");
        let header =
            r#"{"bn.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}"#;
        let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
        bytes.extend(header.bytes());
        bytes.extend(7i64.to_le_bytes());
        assert!(deserialize(&bytes).unwrap().is_empty());
    }

    #[test]
    fn damaged_files_say_what_is_wrong() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (vec![1, 2, 3], "fewer than the 8"),
            (u64::MAX.to_le_bytes().to_vec(), "announce a header of"),
            (file("F32", &[2], &[0; 4]), "needs 8 bytes"),
            (file("F32", &[usize::MAX, 3], &[0; 4]), "needs more bytes"),
            (file("Q7", &[1], &[0; 4]), "unknown dtype"),
            (
                {
                    let mut f = file("F32", &[1], &[0; 4]);
                    f.extend([0; 4]);
                    f
                },
                "after the last tensor",
            ),
            (
                {
                    let h = r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#;
                    let mut f = (h.len() as u64).to_le_bytes().to_vec();
                    f.extend(h.bytes());
                    f.extend([0; 8]);
                    f
                },
                "overlaps",
            ),
            (
                {
                    let h = r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#;
                    let mut f = (h.len() as u64).to_le_bytes().to_vec();
                    f.extend(h.bytes());
                    f.extend([0; 8]);
                    f
                },
                "belong to no tensor",
            ),
            (
                {
                    let h = "[1, 2]";
                    let mut f = (h.len() as u64).to_le_bytes().to_vec();
                    f.extend(h.bytes());
                    f
                },
                "not a JSON object",
            ),
            (
                {
                    let h = "{\"a\": ";
                    let mut f = (h.len() as u64).to_le_bytes().to_vec();
                    f.extend(h.bytes());
                    f
                },
                "not valid JSON",
            ),
            (
                {
                    let h = r#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#;
                    let mut f = (h.len() as u64).to_le_bytes().to_vec();
                    f.extend(h.bytes());
                    f.extend([0; 4]);
                    f
                },
                "no valid shape",
            ),
            (
                {
                    let h = r#"{"__metadata__":{"a":1}}"#;
                    let mut f = (h.len() as u64).to_le_bytes().to_vec();
                    f.extend(h.bytes());
                    f
                },
                "__metadata__",
            ),
        ];
        for (bytes, want) in cases {
            let e = deserialize(&bytes).unwrap_err().to_string();
            assert!(e.starts_with("not a valid safetensors file: "), "{e}");
            assert!(e.contains(want), "{want:?} not in {e:?}");
        }
    }

    #[test]
    fn every_truncation_of_a_real_file_is_refused() {
        let bytes = serialize_with(
            &sample(),
            &[Counter {
                name: "a.num_batches_tracked".into(),
                value: 1,
            }],
            &[],
        );
        assert!(deserialize(&bytes).is_ok());
        for len in 0..bytes.len() {
            assert!(
                deserialize(&bytes[..len]).is_err(),
                "a prefix of {len} bytes was accepted"
            );
        }
    }

    /// Our files are read by the reference implementation (the `safetensors` crate) with the same
    /// names, shapes, types and values, counters included.
    #[test]
    fn the_reference_crate_reads_our_files() {
        let model = arch::mnist_convnet();
        let params = init::pytorch_default(&model, 7);
        let bytes = serialize_with(
            &params,
            &batch_norm_counters(&model, 42),
            &[("convlab_model", "mnist_convnet")],
        );
        let theirs = ::safetensors::SafeTensors::deserialize(&bytes)
            .expect("the safetensors crate reads our file");
        assert_eq!(theirs.len(), params.len() + 2);
        for (name, t) in params.iter() {
            let view = theirs.tensor(name).unwrap();
            assert_eq!(view.dtype(), ::safetensors::Dtype::F32);
            assert_eq!(view.shape(), t.shape.as_slice());
            let values: Vec<f32> = view
                .data()
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
                .collect();
            assert_eq!(values, t.data, "{name}");
        }
        let counter = theirs.tensor("layer2.1.num_batches_tracked").unwrap();
        assert_eq!(counter.dtype(), ::safetensors::Dtype::I64);
        assert!(counter.shape().is_empty());
        assert_eq!(counter.data(), 42i64.to_le_bytes());
        let (_, meta) = ::safetensors::SafeTensors::read_metadata(&bytes).unwrap();
        let meta = meta.metadata().clone().unwrap();
        assert_eq!(meta.get("format").map(String::as_str), Some("pt"));
    }

    /// Files written by the reference implementation (sorted by its own rules, mixed types) are
    /// read by ours.
    #[test]
    fn we_read_the_reference_crates_files() {
        use ::safetensors::{tensor::TensorView, Dtype};
        let model = arch::mnist_convnet();
        let params = init::pytorch_default(&model, 11);
        let raw: Vec<(String, Vec<u8>, Vec<usize>)> = params
            .iter()
            .map(|(n, t)| {
                (
                    n.to_string(),
                    t.data.iter().flat_map(|v| v.to_le_bytes()).collect(),
                    t.shape.clone(),
                )
            })
            .collect();
        let counter = 5i64.to_le_bytes();
        let mut views: Vec<(String, TensorView<'_>)> = raw
            .iter()
            .map(|(n, b, s)| {
                (
                    n.clone(),
                    TensorView::new(Dtype::F32, s.clone(), b).unwrap(),
                )
            })
            .collect();
        views.push((
            "layer1.1.num_batches_tracked".into(),
            TensorView::new(Dtype::I64, vec![], &counter).unwrap(),
        ));
        let meta = std::collections::HashMap::from([("format".to_string(), "pt".to_string())]);
        let bytes = ::safetensors::serialize(views, Some(meta)).unwrap();
        let ours = load_for_model(&bytes, &model).unwrap();
        assert_eq!(ours, params);
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = deserialize(&bytes);
        }

        #[test]
        fn random_headers_never_panic(header in "\\PC{0,120}", data in proptest::collection::vec(any::<u8>(), 0..64)) {
            let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
            bytes.extend(header.bytes());
            bytes.extend(data);
            let _ = deserialize(&bytes);
        }

        #[test]
        fn corrupted_files_never_panic(at in 0usize..400, value in any::<u8>(), cut in 0usize..400) {
            let mut bytes = serialize(&sample());
            let at = at % bytes.len();
            bytes[at] = value;
            bytes.truncate(cut.max(at));
            let _ = deserialize(&bytes);
        }

        #[test]
        fn any_store_round_trips(
            tensors in proptest::collection::vec(
                (proptest::collection::vec(0usize..4, 0..4), any::<u32>()), 0..6)
        ) {
            let mut p = ParamStore::new();
            for (i, (shape, seed)) in tensors.iter().enumerate() {
                let n: usize = shape.iter().product();
                let data = (0..n).map(|j| f32::from_bits(seed.wrapping_add((j as u32).wrapping_mul(2_654_435_761)))).collect();
                p.insert(format!("t{i}.weight"), Tensor::new(shape.clone(), data).unwrap());
            }
            let back = deserialize(&serialize(&p)).unwrap();
            prop_assert_eq!(back.len(), p.len());
            for (name, t) in p.iter() {
                let b = back.get(name).unwrap();
                prop_assert_eq!(&b.shape, &t.shape);
                prop_assert_eq!(
                    b.data.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                    t.data.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
                );
            }
        }
    }
}
