//! The forward and backward passes of a [`Model`] on any [`Backend`].
//!
//! The forward pass returns a [`Trace`]: for each layer, what its backward needs (its input,
//! its output for a sigmoid, the batch statistics of a batch norm). The backward pass walks the
//! trace in reverse, returning the gradient of the input and of every trainable parameter.

use super::layer::{Layer, ResidualSpec};
use super::model::Model;
use super::params::{join, ParamStore};
use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::ops::{GradsInto, RunningStats};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Mode {
    /// Batch norm uses (and updates) batch statistics.
    Train,
    /// Batch norm uses its running statistics; dropout is the identity.
    Eval,
}

/// What one layer's forward pass kept for its backward pass.
#[derive(Debug, Clone)]
enum Saved<T> {
    Input(T),
    Output(T),
    BatchNorm {
        x: T,
        mean: T,
        inv_std: T,
        /// In training, the batch's statistics (the gradient then also flows through `mean` and
        /// `inv_std`); `None` in evaluation, where they are the running ones, constants.
        batch: Option<BatchStatistics<T>>,
    },
    InputShape(Vec<usize>),
    Residual(Box<ResidualTrace<T>>),
    Nothing,
}

#[derive(Debug, Clone)]
struct ResidualTrace<T> {
    main: Vec<Saved<T>>,
    shortcut: Option<Saved<T>>,
    /// The sum before the final ReLU.
    sum: T,
}

/// The statistics a batch norm computed on one training batch, by the layer's `state_dict`
/// prefix (`bn1`, `block3.bn2`): what the batch was normalized with, and what moved the running
/// statistics a step (PyTorch updates `running_var` with the unbiased variance).
#[derive(Debug, Clone)]
pub struct BatchStatistics<T> {
    pub layer: String,
    pub mean: T,
    pub var_unbiased: T,
}

/// The forward pass's record, consumed by [`backward`].
#[derive(Debug, Clone)]
pub struct Trace<T> {
    saved: Vec<Saved<T>>,
}

impl<T> Trace<T> {
    /// Every batch norm's statistics of this (training) batch, in the order the layers ran,
    /// those inside residual blocks included. Empty for a pass in evaluation mode.
    pub fn batch_statistics(&self) -> Vec<&BatchStatistics<T>> {
        fn collect<'a, T>(saved: &'a [Saved<T>], out: &mut Vec<&'a BatchStatistics<T>>) {
            for s in saved {
                match s {
                    Saved::BatchNorm {
                        batch: Some(stats), ..
                    } => out.push(stats),
                    Saved::Residual(r) => {
                        collect(&r.main, out);
                        collect(r.shortcut.as_slice(), out);
                    }
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        collect(&self.saved, &mut out);
        out
    }
}

/// Runs `model` on the batch `x`. In [`Mode::Train`] the batch norms' running statistics in
/// `params` are updated, as PyTorch does in `model.train()`.
pub fn forward<B: Backend>(
    b: &B,
    model: &Model,
    params: &mut ParamStore<B::Tensor>,
    x: &B::Tensor,
    mode: Mode,
) -> Result<(B::Tensor, Trace<B::Tensor>)> {
    let mut saved = Vec::new();
    let mut h = x.clone();
    let leaves = model.leaves();
    let mut i = 0;
    while let Some(leaf) = leaves.get(i) {
        let at = |e: Error| {
            Error::Invalid(format!(
                "layer {} ({}): {e}",
                leaf.position,
                leaf.layer.type_name()
            ))
        };
        // A batch norm in training followed by a ReLU runs as one op (one GPU pass). The ReLU
        // keeps its output: its backward reads the same mask there (y > 0 exactly where x > 0).
        let fused = match (&leaf.layer, leaves.get(i + 1).map(|l| &l.layer), mode) {
            (Layer::BatchNorm2d { eps, momentum, .. }, Some(Layer::ReLU), Mode::Train) => Some(
                batch_norm_train_forward(b, &leaf.path, params, &h, *eps, *momentum, true)
                    .map_err(at)?,
            ),
            _ => None,
        };
        if let Some((y, s)) = fused {
            saved.push(s);
            saved.push(Saved::Output(y.clone()));
            h = y;
            i += 2;
            continue;
        }
        let (y, s) = layer_forward(b, &leaf.layer, &leaf.path, params, &h, mode).map_err(at)?;
        saved.push(s);
        h = y;
        i += 1;
    }
    Ok((h, Trace { saved }))
}

/// Back-propagates `grad_out` (the gradient of the loss with respect to the model's output).
/// Returns the gradient of the input and the gradients of the trainable parameters by name.
pub fn backward<B: Backend>(
    b: &B,
    model: &Model,
    params: &ParamStore<B::Tensor>,
    trace: Trace<B::Tensor>,
    grad_out: &B::Tensor,
) -> Result<(B::Tensor, ParamStore<B::Tensor>)> {
    let (gx, grads) = backward_through(b, model, params, trace, grad_out, true, None)?;
    let gx = gx.ok_or_else(|| Error::Invalid("internal error: no input gradient".into()))?;
    Ok((gx, grads))
}

/// The gradients of the trainable parameters only, what training needs: the gradient of the
/// input image is not computed when the first layer is a convolution, which saves about as much
/// work as that layer's forward pass.
pub fn param_grads<B: Backend>(
    b: &B,
    model: &Model,
    params: &ParamStore<B::Tensor>,
    trace: Trace<B::Tensor>,
    grad_out: &B::Tensor,
) -> Result<ParamStore<B::Tensor>> {
    Ok(backward_through(b, model, params, trace, grad_out, false, None)?.1)
}

/// [`param_grads`], written where the backend can into `into`'s tensors of the same names (a
/// trainer's gradient group: see [`GradsInto`]).
pub fn param_grads_into<B: Backend>(
    b: &B,
    model: &Model,
    params: &ParamStore<B::Tensor>,
    trace: Trace<B::Tensor>,
    grad_out: &B::Tensor,
    into: &ParamStore<B::Tensor>,
) -> Result<ParamStore<B::Tensor>> {
    Ok(backward_through(b, model, params, trace, grad_out, false, Some(into))?.1)
}

/// The input's gradient (when asked for) and the parameters' gradients by name.
type Gradients<T> = (Option<T>, ParamStore<T>);

fn backward_through<B: Backend>(
    b: &B,
    model: &Model,
    params: &ParamStore<B::Tensor>,
    trace: Trace<B::Tensor>,
    grad_out: &B::Tensor,
    input_grad: bool,
    into: Option<&ParamStore<B::Tensor>>,
) -> Result<Gradients<B::Tensor>> {
    let place = Place { params, into };
    let mut grads = ParamStore::new();
    let mut g = grad_out.clone();
    let mut steps: Vec<_> = model.leaves().into_iter().zip(trace.saved).collect();
    if steps.is_empty() {
        return Ok((Some(g), grads));
    }
    let (first, first_saved) = steps.remove(0);
    let mut reversed = steps.into_iter().rev().peekable();
    while let Some((leaf, saved)) = reversed.next() {
        // A max pooling after a ReLU: both backward in one op (one GPU pass), from the pooling's
        // input, which is the ReLU's output.
        if let (Layer::MaxPool2d(p), Saved::Input(x)) = (&leaf.layer, &saved) {
            if reversed
                .peek()
                .is_some_and(|(l, _)| matches!(l.layer, Layer::ReLU))
            {
                g = b.relu_max_pool2d_backward(x, &g, *p)?;
                reversed.next();
                continue;
            }
        }
        g = layer_backward(b, &leaf.layer, &leaf.path, place, saved, &g, &mut grads)?;
    }
    match (&first.layer, first_saved) {
        (
            Layer::Conv2d {
                params: p, bias, ..
            },
            Saved::Input(x),
        ) if !input_grad => {
            let name = |n: &str| join(&first.path, n);
            let w = params.get(&name("weight"))?;
            let (gw, gb) =
                b.conv2d_param_grads(&x, w, &g, *p, *bias, grads_into(into, &first.path))?;
            grads.insert(name("weight"), gw);
            if let Some(gb) = gb {
                grads.insert(name("bias"), gb);
            }
            Ok((None, grads))
        }
        (layer, saved) => {
            let gx = layer_backward(b, layer, &first.path, place, saved, &g, &mut grads)?;
            Ok((input_grad.then_some(gx), grads))
        }
    }
}

/// What a layer's backward reads its parameters from, and where it may write their gradients.
struct Place<'a, T: Clone> {
    params: &'a ParamStore<T>,
    into: Option<&'a ParamStore<T>>,
}

// Not derived: the references are copied whatever `T` is.
impl<T: Clone> Clone for Place<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Clone> Copy for Place<'_, T> {}

/// Where the layer at `path` may write its weight and bias gradients: `into`'s tensors of those
/// names, if it has them.
fn grads_into<'a, T: Clone>(into: Option<&'a ParamStore<T>>, path: &str) -> GradsInto<'a, T> {
    let slot = |n: &str| into.and_then(|store| store.get(&join(path, n)).ok());
    GradsInto {
        weight: slot("weight"),
        bias: slot("bias"),
    }
}

/// A batch norm in training mode (then a ReLU, when `then_relu`): normalizes with the batch's
/// statistics and moves the running ones a step, as PyTorch does.
fn batch_norm_train_forward<B: Backend>(
    b: &B,
    path: &str,
    params: &mut ParamStore<B::Tensor>,
    x: &B::Tensor,
    eps: f32,
    momentum: f32,
    then_relu: bool,
) -> Result<(B::Tensor, Saved<B::Tensor>)> {
    let name = |n: &str| join(path, n);
    let (gamma, beta) = (params.get(&name("weight"))?, params.get(&name("bias"))?);
    let mut rm = params.get(&name("running_mean"))?.clone();
    let mut rv = params.get(&name("running_var"))?.clone();
    let running = RunningStats {
        mean: &mut rm,
        var: &mut rv,
        momentum,
    };
    let (y, stats) = b.batch_norm_layer_train(x, gamma, beta, eps, running, then_relu)?;
    params.insert(name("running_mean"), rm);
    params.insert(name("running_var"), rv);
    let batch = BatchStatistics {
        layer: path.to_string(),
        mean: stats.mean.clone(),
        var_unbiased: stats.var_unbiased,
    };
    let saved = Saved::BatchNorm {
        x: x.clone(),
        mean: stats.mean,
        inv_std: stats.inv_std,
        batch: Some(batch),
    };
    Ok((y, saved))
}

fn layer_forward<B: Backend>(
    b: &B,
    layer: &Layer,
    path: &str,
    params: &mut ParamStore<B::Tensor>,
    x: &B::Tensor,
    mode: Mode,
) -> Result<(B::Tensor, Saved<B::Tensor>)> {
    let name = |n: &str| join(path, n);
    Ok(match layer {
        Layer::Conv2d { params: p, bias, .. } => {
            let bias_t = if *bias { Some(params.get(&name("bias"))?) } else { None };
            (b.conv2d(x, params.get(&name("weight"))?, bias_t, *p)?, Saved::Input(x.clone()))
        }
        Layer::ConvTranspose2d { params: p, bias, .. } => {
            let bias_t = if *bias { Some(params.get(&name("bias"))?) } else { None };
            (b.conv_transpose2d(x, params.get(&name("weight"))?, bias_t, *p)?, Saved::Input(x.clone()))
        }
        Layer::BatchNorm2d { eps, momentum, .. } => {
            match mode {
                Mode::Train => batch_norm_train_forward(b, path, params, x, *eps, *momentum, false)?,
                Mode::Eval => {
                    let (gamma, beta) = (params.get(&name("weight"))?, params.get(&name("bias"))?);
                    let (rm, rv) = (params.get(&name("running_mean"))?, params.get(&name("running_var"))?);
                    let y = b.batch_norm_eval(x, gamma, beta, rm, rv, *eps)?;
                    let saved = Saved::BatchNorm { x: x.clone(), mean: rm.clone(), inv_std: b.inv_std(rv, *eps)?, batch: None };
                    (y, saved)
                }
            }
        }
        Layer::ReLU => (b.relu(x)?, Saved::Input(x.clone())),
        Layer::Sigmoid => {
            let y = b.sigmoid(x)?;
            (y.clone(), Saved::Output(y))
        }
        Layer::MaxPool2d(p) => (b.max_pool2d(x, *p)?, Saved::Input(x.clone())),
        Layer::AvgPool2d(p) => (b.avg_pool2d(x, *p, true)?, Saved::Input(x.clone())),
        Layer::AdaptiveAvgPool2d => (b.global_avg_pool2d(x)?, Saved::Input(x.clone())),
        Layer::Flatten => {
            let shape = b.shape(x);
            let batch = shape.first().copied().unwrap_or(1);
            let features = shape.iter().skip(1).product();
            (b.reshape(x, &[batch, features])?, Saved::InputShape(shape))
        }
        Layer::Linear { bias, .. } => {
            let bias_t = if *bias { Some(params.get(&name("bias"))?) } else { None };
            (b.linear(x, params.get(&name("weight"))?, bias_t)?, Saved::Input(x.clone()))
        }
        Layer::Dropout { p } => match mode {
            Mode::Eval => (x.clone(), Saved::Nothing),
            Mode::Train if *p == 0.0 => (x.clone(), Saved::Nothing),
            Mode::Train => {
                return Err(Error::Invalid(format!(
                    "training with Dropout(p={p}) is not supported by this engine yet; set p=0 or remove the layer to train"
                )))
            }
        },
        Layer::Residual(spec) => residual_forward(b, spec, path, params, x, mode)?,
    })
}

/// The main path with its implicit ReLU after `bn1`, as `(attribute name, layer)`.
pub fn residual_main(spec: &ResidualSpec) -> Vec<(&'static str, Layer)> {
    let [conv1, bn1, conv2, bn2] = spec.main_path();
    vec![conv1, bn1, ("", Layer::ReLU), conv2, bn2]
}

fn residual_forward<B: Backend>(
    b: &B,
    spec: &ResidualSpec,
    path: &str,
    params: &mut ParamStore<B::Tensor>,
    x: &B::Tensor,
    mode: Mode,
) -> Result<(B::Tensor, Saved<B::Tensor>)> {
    let mut main = Vec::new();
    let mut h = x.clone();
    for (name, layer) in residual_main(spec) {
        let (y, s) = layer_forward(b, &layer, &join(path, name), params, &h, mode)?;
        main.push(s);
        h = y;
    }
    let (shortcut_out, shortcut) = match spec.shortcut() {
        Some(conv) => {
            let (y, s) = layer_forward(b, &conv, &join(path, "conv3"), params, x, mode)?;
            (y, Some(s))
        }
        None => (x.clone(), None),
    };
    let sum = b.add(&h, &shortcut_out)?;
    Ok((
        b.relu(&sum)?,
        Saved::Residual(Box::new(ResidualTrace {
            main,
            shortcut,
            sum,
        })),
    ))
}

fn layer_backward<B: Backend>(
    b: &B,
    layer: &Layer,
    path: &str,
    place: Place<'_, B::Tensor>,
    saved: Saved<B::Tensor>,
    gy: &B::Tensor,
    grads: &mut ParamStore<B::Tensor>,
) -> Result<B::Tensor> {
    let name = |n: &str| join(path, n);
    let (params, into) = (place.params, grads_into(place.into, path));
    Ok(match (layer, saved) {
        (
            Layer::Conv2d {
                params: p, bias, ..
            },
            Saved::Input(x),
        ) => {
            let g = b.conv2d_backward(&x, params.get(&name("weight"))?, gy, *p, *bias, into)?;
            grads.insert(name("weight"), g.weight);
            if let Some(gb) = g.bias {
                grads.insert(name("bias"), gb);
            }
            g.input
        }
        (
            Layer::ConvTranspose2d {
                params: p, bias, ..
            },
            Saved::Input(x),
        ) => {
            let w = params.get(&name("weight"))?;
            let g = b.conv_transpose2d_backward(&x, w, gy, *p, *bias, into)?;
            grads.insert(name("weight"), g.weight);
            if let Some(gb) = g.bias {
                grads.insert(name("bias"), gb);
            }
            g.input
        }
        (
            Layer::BatchNorm2d { .. },
            Saved::BatchNorm {
                x,
                mean,
                inv_std,
                batch,
            },
        ) => {
            let g = b.batch_norm_backward(
                &x,
                params.get(&name("weight"))?,
                &mean,
                &inv_std,
                gy,
                batch.is_some(),
                into,
            )?;
            grads.insert(name("weight"), g.weight);
            if let Some(gb) = g.bias {
                grads.insert(name("bias"), gb);
            }
            g.input
        }
        (Layer::ReLU, Saved::Input(x)) => b.relu_backward(&x, gy)?,
        // Fused after a batch norm, the ReLU kept its output: the same mask.
        (Layer::ReLU, Saved::Output(y)) => b.relu_backward(&y, gy)?,
        (Layer::Sigmoid, Saved::Output(y)) => b.sigmoid_backward(&y, gy)?,
        (Layer::MaxPool2d(p), Saved::Input(x)) => b.max_pool2d_backward(&x, gy, *p)?,
        (Layer::AvgPool2d(p), Saved::Input(x)) => b.avg_pool2d_backward(&x, gy, *p, true)?,
        (Layer::AdaptiveAvgPool2d, Saved::Input(x)) => b.global_avg_pool2d_backward(&x, gy)?,
        (Layer::Flatten, Saved::InputShape(shape)) => b.reshape(gy, &shape)?,
        (Layer::Linear { bias, .. }, Saved::Input(x)) => {
            let g = b.linear_backward(&x, params.get(&name("weight"))?, gy, *bias, into)?;
            grads.insert(name("weight"), g.weight);
            if let Some(gb) = g.bias {
                grads.insert(name("bias"), gb);
            }
            g.input
        }
        (Layer::Dropout { .. }, Saved::Nothing) => gy.clone(),
        (Layer::Residual(spec), Saved::Residual(trace)) => {
            let ResidualTrace {
                main,
                shortcut,
                sum,
            } = *trace;
            let g_sum = b.relu_backward(&sum, gy)?;
            let mut g = g_sum.clone();
            for ((n, layer), s) in residual_main(spec).into_iter().zip(main).rev() {
                g = layer_backward(b, &layer, &join(path, n), place, s, &g, grads)?;
            }
            let g_shortcut = match (spec.shortcut(), shortcut) {
                (Some(conv), Some(s)) => {
                    layer_backward(b, &conv, &join(path, "conv3"), place, s, &g_sum, grads)?
                }
                _ => g_sum,
            };
            b.add(&g, &g_shortcut)?
        }
        (layer, _) => {
            return Err(Error::Invalid(format!(
                "internal error: the trace does not match layer {}",
                layer.type_name()
            )))
        }
    })
}
