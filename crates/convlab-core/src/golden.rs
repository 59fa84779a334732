//! The golden-case formats of tests/golden/FORMAT.md: cases (`convlab-golden/1`) computed by
//! PyTorch, the results an evaluator prints (`convlab-results/1`), and the comparison of the two.
//! [`evaluate`] runs a case on any [`Backend`], so the CPU reference and the GPU engine are held
//! to the same cases by the same code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::nn::{self, Layer, Mode, Model, Module, ParamStore, ResidualSpec};
use crate::ops::{Conv2dParams, ConvTranspose2dParams, GradsInto, Pool2dParams};
use crate::optim::AdamConfig;
use crate::shape::conv_output_hw;
use crate::tensor::Tensor;
use crate::transposed_shape::conv_transpose_output_hw;

pub const CASES_FORMAT: &str = "convlab-golden/1";
pub const RESULTS_FORMAT: &str = "convlab-results/1";

#[derive(Debug, Clone, Deserialize)]
pub struct CaseFile {
    pub format: String,
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub name: String,
    pub op: String,
    #[serde(default)]
    pub attrs: Map<String, Value>,
    #[serde(default)]
    pub inputs: BTreeMap<String, Tensor>,
    pub grad_output: Option<Tensor>,
    pub expected: Map<String, Value>,
}

impl CaseFile {
    /// Parses a case file, checking its format tag and that every tensor's data fits its shape.
    pub fn parse(text: &str) -> Result<CaseFile> {
        let file: CaseFile = serde_json::from_str(text)
            .map_err(|e| Error::Invalid(format!("not a golden case file: {e}")))?;
        if file.format != CASES_FORMAT {
            return Err(Error::Invalid(format!(
                "unsupported format '{}', expected '{CASES_FORMAT}'",
                file.format
            )));
        }
        for case in &file.cases {
            let named = case.inputs.iter().map(|(n, t)| (n.as_str(), t));
            for (name, t) in named.chain(case.grad_output.iter().map(|t| ("grad_output", t))) {
                Tensor::new(t.shape.clone(), t.data.clone())
                    .map_err(|e| Error::Invalid(format!("case {}: {name}: {e}", case.name)))?;
            }
        }
        Ok(file)
    }
}

/// The results of a whole file, in the `convlab-results/1` format.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResultsFile {
    pub format: String,
    pub backend: String,
    pub device: String,
    pub results: Vec<Map<String, Value>>,
}

/// Runs every case; a case that cannot be computed gets an `error` string instead of values.
pub fn evaluate_file<B: Backend>(b: &B, backend_name: &str, file: &CaseFile) -> ResultsFile {
    let results = file
        .cases
        .iter()
        .map(|case| {
            let mut entry = Map::new();
            entry.insert("name".into(), json!(case.name));
            match evaluate(b, case) {
                Ok(values) => entry.extend(values),
                Err(e) => {
                    entry.insert("error".into(), json!(e.to_string()));
                }
            }
            entry
        })
        .collect();
    ResultsFile {
        format: RESULTS_FORMAT.into(),
        backend: backend_name.into(),
        device: b.device(),
        results,
    }
}

fn tensor_value(t: &Tensor) -> Value {
    json!({"shape": t.shape, "data": t.data})
}

/// Reads attributes, inputs and keys of one case, with errors that name the case.
struct CaseReader<'a> {
    case: &'a Case,
}

impl<'a> CaseReader<'a> {
    fn err(&self, msg: String) -> Error {
        Error::Invalid(format!("case {}: {msg}", self.case.name))
    }

    fn attr(&self, key: &str) -> Result<&'a Value> {
        self.case
            .attrs
            .get(key)
            .ok_or_else(|| self.err(format!("missing attribute '{key}'")))
    }

    /// A `[h, w]` attribute, or a single number used for both.
    fn pair(&self, key: &str) -> Result<[usize; 2]> {
        let v = self.attr(key)?;
        let as_usize = |v: &Value| v.as_u64().map(|n| n as usize);
        match v {
            Value::Array(a) if a.len() == 2 => match (as_usize(&a[0]), as_usize(&a[1])) {
                (Some(h), Some(w)) => Ok([h, w]),
                _ => Err(self.err(format!(
                    "attribute '{key}' must hold two non-negative integers"
                ))),
            },
            other => as_usize(other)
                .map(|n| [n, n])
                .ok_or_else(|| self.err(format!("attribute '{key}' must be an integer or [h, w]"))),
        }
    }

    fn float(&self, key: &str) -> Result<f32> {
        self.attr(key)?
            .as_f64()
            .map(|f| f as f32)
            .ok_or_else(|| self.err(format!("attribute '{key}' must be a number")))
    }

    fn flag(&self, key: &str, default: bool) -> Result<bool> {
        match self.case.attrs.get(key) {
            None => Ok(default),
            Some(v) => v
                .as_bool()
                .ok_or_else(|| self.err(format!("attribute '{key}' must be true or false"))),
        }
    }

    fn input(&self, name: &str) -> Result<&'a Tensor> {
        self.case
            .inputs
            .get(name)
            .ok_or_else(|| self.err(format!("missing input '{name}'")))
    }

    fn grad_output(&self) -> Option<&'a Tensor> {
        self.case.grad_output.as_ref()
    }

    /// Class indices from a tensor of whole numbers.
    fn targets(&self, name: &str) -> Result<Vec<usize>> {
        self.input(name)?
            .data
            .iter()
            .map(|&v| {
                if v >= 0.0 && v.fract() == 0.0 {
                    Ok(v as usize)
                } else {
                    Err(self.err(format!("target {v} is not a class index")))
                }
            })
            .collect()
    }
}

/// The parameters of `model` from the case's inputs, by `state_dict` name; running statistics
/// the case leaves out start as PyTorch's do (mean 0, variance 1).
fn model_params<B: Backend>(b: &B, r: &CaseReader, model: &Model) -> Result<ParamStore<B::Tensor>> {
    let mut params = ParamStore::new();
    for q in model.param_specs() {
        let t = match r.case.inputs.get(&q.name) {
            Some(t) => t.clone(),
            None if q.name.ends_with("running_var") => Tensor::full(&q.shape, 1.0),
            None if !q.trainable => Tensor::zeros(&q.shape),
            None => return Err(r.err(format!("missing input '{}'", q.name))),
        };
        params.insert(q.name, b.upload(&t)?);
    }
    Ok(params)
}

/// Computes every key of `case.expected` on backend `b`.
pub fn evaluate<B: Backend>(b: &B, case: &Case) -> Result<Map<String, Value>> {
    let r = CaseReader { case };
    let up = |name: &str| b.upload(r.input(name)?);
    let mut out = Map::new();
    let mut put = |key: &str, t: &B::Tensor| -> Result<()> {
        out.insert(key.into(), tensor_value(&b.download(t)?));
        Ok(())
    };
    let grad_out = match r.grad_output() {
        Some(g) => Some(b.upload(g)?),
        None => None,
    };
    match case.op.as_str() {
        // A convolution or a transposed convolution: the same inputs, outputs and gradients.
        "conv2d" | "conv_transpose2d" => {
            let conv = Conv2dParams {
                stride: r.pair("stride")?,
                padding: r.pair("padding")?,
                dilation: r.pair("dilation")?,
                groups: r.attr("groups")?.as_u64().unwrap_or(1) as usize,
            };
            let (x, w) = (up("input")?, up("weight")?);
            let bias = if case.inputs.contains_key("bias") {
                Some(up("bias")?)
            } else {
                None
            };
            let with_bias = bias.is_some();
            let (y, grads) = if case.op == "conv2d" {
                let y = b.conv2d(&x, &w, bias.as_ref(), conv)?;
                let g = grad_out
                    .as_ref()
                    .map(|gy| b.conv2d_backward(&x, &w, gy, conv, with_bias, GradsInto::fresh()));
                (y, g.transpose()?)
            } else {
                let p = ConvTranspose2dParams {
                    stride: conv.stride,
                    padding: conv.padding,
                    output_padding: r.pair("output_padding")?,
                    dilation: conv.dilation,
                    groups: conv.groups,
                };
                let y = b.conv_transpose2d(&x, &w, bias.as_ref(), p)?;
                let g = grad_out.as_ref().map(|gy| {
                    b.conv_transpose2d_backward(&x, &w, gy, p, with_bias, GradsInto::fresh())
                });
                (y, g.transpose()?)
            };
            put("output", &y)?;
            if let Some(g) = grads {
                put("grad_input", &g.input)?;
                put("grad_weight", &g.weight)?;
                if let Some(gb) = &g.bias {
                    put("grad_bias", gb)?;
                }
            }
        }
        "max_pool2d" | "avg_pool2d" => {
            let p = Pool2dParams {
                kernel: r.pair("kernel_size")?,
                stride: r.pair("stride")?,
                padding: r.pair("padding")?,
            };
            let x = up("input")?;
            let include_pad = r.flag("count_include_pad", true)?;
            let is_max = case.op == "max_pool2d";
            put(
                "output",
                &if is_max {
                    b.max_pool2d(&x, p)?
                } else {
                    b.avg_pool2d(&x, p, include_pad)?
                },
            )?;
            if let Some(gy) = &grad_out {
                let gx = if is_max {
                    b.max_pool2d_backward(&x, gy, p)?
                } else {
                    b.avg_pool2d_backward(&x, gy, p, include_pad)?
                };
                put("grad_input", &gx)?;
            }
        }
        "batch_norm" => {
            let layer = Layer::BatchNorm2d {
                channels: 0,
                eps: r.float("eps")?,
                momentum: r.float("momentum")?,
            };
            let mode = if r.flag("training", true)? {
                Mode::Train
            } else {
                Mode::Eval
            };
            let model = single_layer_model(layer, "");
            let mut params = upload_params(
                b,
                &r,
                &["weight", "bias", "running_mean", "running_var"],
                "",
            )?;
            let grads = run_model(
                b,
                &model,
                &mut params,
                &up("input")?,
                mode,
                grad_out.as_ref(),
                &mut put,
            )?;
            put("running_mean", params.get("running_mean")?)?;
            put("running_var", params.get("running_var")?)?;
            if let Some(grads) = grads {
                for (name, g) in grads.iter() {
                    put(&format!("grad_{name}"), g)?;
                }
            }
        }
        "relu" | "sigmoid" => {
            let x = up("input")?;
            let y = if case.op == "relu" {
                b.relu(&x)?
            } else {
                b.sigmoid(&x)?
            };
            put("output", &y)?;
            if let Some(gy) = &grad_out {
                put(
                    "grad_input",
                    &if case.op == "relu" {
                        b.relu_backward(&x, gy)?
                    } else {
                        b.sigmoid_backward(&y, gy)?
                    },
                )?;
            }
        }
        "add" => {
            put("output", &b.add(&up("input")?, &up("other")?)?)?;
            if let Some(gy) = &grad_out {
                // d(a + b)/da = d(a + b)/db = 1: both inputs receive the output gradient.
                put("grad_input", gy)?;
                put("grad_other", gy)?;
            }
        }
        "adaptive_avg_pool2d" => {
            if r.pair("output_size")? != [1, 1] {
                return Err(
                    r.err("only output_size [1, 1] (global average pooling) is supported".into())
                );
            }
            let x = up("input")?;
            put("output", &b.global_avg_pool2d(&x)?)?;
            if let Some(gy) = &grad_out {
                put("grad_input", &b.global_avg_pool2d_backward(&x, gy)?)?;
            }
        }
        "linear" => {
            let (x, w) = (up("input")?, up("weight")?);
            let bias = if case.inputs.contains_key("bias") {
                Some(up("bias")?)
            } else {
                None
            };
            put("output", &b.linear(&x, &w, bias.as_ref())?)?;
            if let Some(gy) = &grad_out {
                let g = b.linear_backward(&x, &w, gy, bias.is_some(), GradsInto::fresh())?;
                put("grad_input", &g.input)?;
                put("grad_weight", &g.weight)?;
                if let Some(gb) = &g.bias {
                    put("grad_bias", gb)?;
                }
            }
        }
        "cross_entropy" => {
            let (loss, grad) = b.cross_entropy(&up("input")?, &r.targets("target")?)?;
            put("output", &loss)?;
            put("grad_input", &grad)?;
        }
        "residual_block" => {
            let x = r.input("input")?;
            let w1 = r.input("conv1.weight")?;
            let (&[_, in_channels, _, _], Some(&out_channels)) =
                (x.shape.as_slice(), w1.shape.first())
            else {
                return Err(r.err(
                    "input must be (N, C, H, W) and conv1.weight (C_out, C_in, 3, 3)".into(),
                ));
            };
            let spec = ResidualSpec {
                in_channels,
                out_channels,
                use_1x1conv: r.flag("use_1x1conv", false)?,
                stride: r.attr("stride")?.as_u64().unwrap_or(1) as usize,
            };
            let model = single_layer_model(Layer::Residual(spec), "");
            let mut params = ParamStore::new();
            for q in model.param_specs() {
                let t = match case.inputs.get(&q.name) {
                    Some(t) => b.upload(t)?,
                    // The case gives no running statistics: fresh ones (mean 0, variance 1).
                    None if !q.trainable => b.upload(&Tensor::full(
                        &q.shape,
                        if q.name.ends_with("running_var") {
                            1.0
                        } else {
                            0.0
                        },
                    ))?,
                    None => return Err(r.err(format!("missing input '{}'", q.name))),
                };
                params.insert(q.name, t);
            }
            let grads = run_model(
                b,
                &model,
                &mut params,
                &up("input")?,
                Mode::Train,
                grad_out.as_ref(),
                &mut put,
            )?;
            for (name, g) in grads.iter().flat_map(|g| g.iter()) {
                put(&format!("grad_{name}"), g)?;
            }
        }
        "mnist_convnet_loss" => {
            let model = crate::arch::mnist_convnet();
            let mode = if r.flag("training", true)? {
                Mode::Train
            } else {
                Mode::Eval
            };
            let mut params = model_params(b, &r, &model)?;
            let (logits, trace) = nn::forward(b, &model, &mut params, &up("input")?, mode)?;
            let (loss, grad_logits) = b.cross_entropy(&logits, &r.targets("target")?)?;
            put("output", &loss)?;
            put("logits", &logits)?;
            let grads = nn::param_grads(b, &model, &params, trace, &grad_logits)?;
            for q in model.param_specs() {
                if q.trainable {
                    put(&format!("grad_{}", q.name), grads.get(&q.name)?)?;
                } else {
                    put(&q.name, params.get(&q.name)?)?;
                }
            }
        }
        "mnist_convnet_explain" => {
            let model = crate::arch::mnist_convnet();
            let params = model_params(b, &r, &model)?;
            // Grad-CAM after each block's ReLU (`layer1.2`, `layer2.2`), before its pooling.
            let leaves = model.leaves();
            let block = |path: &str| {
                leaves
                    .iter()
                    .position(|l| l.path == path)
                    .ok_or_else(|| r.err(format!("the model has no layer {path}")))
            };
            let blocks = [block("layer1.2")?, block("layer2.2")?];
            let e = crate::explain::explain(
                b,
                &model,
                &params,
                &up("input")?,
                &r.targets("target")?,
                &blocks,
            )?;
            put("logits", &b.upload(&e.logits)?)?;
            put("grad_input", &b.upload(&e.saliency)?)?;
            for (key, cam) in ["grad_cam_layer1", "grad_cam_layer2"].iter().zip(&e.cams) {
                put(key, &b.upload(cam)?)?;
            }
        }
        "adam_step" => {
            let betas = r
                .attr("betas")?
                .as_array()
                .filter(|a| a.len() == 2)
                .and_then(|a| Some([a[0].as_f64()? as f32, a[1].as_f64()? as f32]));
            let cfg = AdamConfig {
                lr: r.float("lr")?,
                betas: betas
                    .ok_or_else(|| r.err("attribute 'betas' must be two numbers".into()))?,
                eps: r.float("eps")?,
                weight_decay: r.float("weight_decay")?,
            };
            let step = r
                .attr("step")?
                .as_u64()
                .ok_or_else(|| r.err("attribute 'step' must be a positive integer".into()))?
                as u32;
            let (mut p, mut m, mut v) = (up("param")?, up("exp_avg")?, up("exp_avg_sq")?);
            b.adam_step(&mut p, &up("grad")?, &mut m, &mut v, &cfg, step)?;
            put("output", &p)?;
            put("exp_avg", &m)?;
            put("exp_avg_sq", &v)?;
        }
        // The output size of a convolution or a transposed convolution, or PyTorch's refusal.
        "conv_output_size" | "conv_transpose_output_size" => {
            let (input, kernel) = (r.pair("input_hw")?, r.pair("kernel_size")?);
            let (stride, padding, dilation) =
                (r.pair("stride")?, r.pair("padding")?, r.pair("dilation")?);
            let hw = if case.op == "conv_output_size" {
                conv_output_hw(input, kernel, stride, padding, dilation)
                    .map(|[h, w]| [h.output, w.output])
            } else {
                let op = r.pair("output_padding")?;
                conv_transpose_output_hw(input, kernel, stride, padding, op, dilation)
                    .map(|[h, w]| [h.output, w.output])
            };
            match hw {
                Ok(hw) => out.insert("output_hw".into(), json!(hw)),
                Err(e) => out.insert("error".into(), json!(e.to_string())),
            };
        }
        other => return Err(r.err(format!("unknown op '{other}'"))),
    }
    Ok(out)
}

/// A model made of one layer whose parameters are named from `prefix` (the root when empty).
fn single_layer_model(layer: Layer, prefix: &str) -> Model {
    Model {
        name: "case".into(),
        input_shape: [0; 3],
        modules: vec![Module::layer(prefix, layer)],
        lazy: true,
    }
}

fn upload_params<B: Backend>(
    b: &B,
    r: &CaseReader,
    names: &[&str],
    prefix: &str,
) -> Result<ParamStore<B::Tensor>> {
    let mut params = ParamStore::new();
    for name in names {
        params.insert(nn::params::join(prefix, name), b.upload(r.input(name)?)?);
    }
    Ok(params)
}

/// Forward (writing `output`) and, when there is an output gradient, backward.
fn run_model<B: Backend>(
    b: &B,
    model: &Model,
    params: &mut ParamStore<B::Tensor>,
    x: &B::Tensor,
    mode: Mode,
    grad_out: Option<&B::Tensor>,
    put: &mut impl FnMut(&str, &B::Tensor) -> Result<()>,
) -> Result<Option<ParamStore<B::Tensor>>> {
    let model = model.propagate(&b.shape(x)[1..])?.0;
    let (y, trace) = nn::forward(b, &model, params, x, mode)?;
    put("output", &y)?;
    let Some(gy) = grad_out else { return Ok(None) };
    let (gx, grads) = nn::backward(b, &model, params, trace, gy)?;
    put("grad_input", &gx)?;
    Ok(Some(grads))
}

/// How one expected key compared.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyCheck {
    pub key: String,
    /// The largest |got − want| over the elements (0 for exact values).
    pub max_abs_err: f64,
    pub ok: bool,
    /// Why it failed, when it did for a reason other than tolerance (missing, shape, error).
    pub problem: Option<String>,
}

/// `|got − want| ≤ 1e-4 + 1e-3·|want|`, FORMAT.md's tolerance; NaN matches only NaN.
pub fn close(got: f64, want: f64) -> bool {
    if want.is_nan() || got.is_nan() {
        return want.is_nan() && got.is_nan();
    }
    (got - want).abs() <= 1e-4 + 1e-3 * want.abs()
}

/// The first element where `got` is not [`close`] to `want` (or a shape mismatch), described.
pub fn first_mismatch(got: &Tensor, want: &Tensor) -> Option<String> {
    if got.shape != want.shape {
        return Some(format!("shape {:?}, expected {:?}", got.shape, want.shape));
    }
    got.data
        .iter()
        .zip(&want.data)
        .position(|(&g, &w)| !close(g as f64, w as f64))
        .map(|i| {
            format!(
                "element {i}: got {}, expected {}",
                got.data[i], want.data[i]
            )
        })
}

/// Compares a result entry with the case's `expected`, key by key.
pub fn check(case: &Case, result: &Map<String, Value>) -> Vec<KeyCheck> {
    case.expected
        .iter()
        .map(|(key, want)| {
            let fail = |problem: String| KeyCheck {
                key: key.clone(),
                max_abs_err: f64::INFINITY,
                ok: false,
                problem: Some(problem),
            };
            let Some(got) = result.get(key) else {
                return fail(match result.get("error") {
                    Some(e) => format!("error: {}", e.as_str().unwrap_or_default()),
                    None => "missing".into(),
                });
            };
            // An expected `error: true` is met by any error message.
            if key == "error" {
                let ok = want.as_bool() == Some(true) && got.is_string();
                return KeyCheck {
                    key: key.clone(),
                    max_abs_err: 0.0,
                    ok,
                    problem: (!ok).then(|| "expected an error".into()),
                };
            }
            match (as_tensor(want), as_tensor(got)) {
                (Some(w), Some(g)) => {
                    if w.shape != g.shape {
                        return fail(format!("shape {:?}, expected {:?}", g.shape, w.shape));
                    }
                    let mut max_err = 0.0f64;
                    let mut ok = true;
                    for (&gv, &wv) in g.data.iter().zip(&w.data) {
                        let (gv, wv) = (gv as f64, wv as f64);
                        ok &= close(gv, wv);
                        if !(gv.is_nan() && wv.is_nan()) {
                            max_err = max_err.max((gv - wv).abs());
                        }
                    }
                    KeyCheck {
                        key: key.clone(),
                        max_abs_err: max_err,
                        ok,
                        problem: None,
                    }
                }
                _ => {
                    let ok = got == want;
                    KeyCheck {
                        key: key.clone(),
                        max_abs_err: 0.0,
                        ok,
                        problem: (!ok).then(|| format!("got {got}, expected {want}")),
                    }
                }
            }
        })
        .collect()
}

fn as_tensor(v: &Value) -> Option<Tensor> {
    let t: Tensor = serde_json::from_value(v.clone()).ok()?;
    Tensor::new(t.shape, t.data).ok()
}
