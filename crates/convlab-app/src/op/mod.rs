//! A computation a lesson asks for, as data: [`Op`] names the op and holds its host tensors, so
//! the same request runs on the GPU (on the page's thread), on the CPU (in the compute worker,
//! after crossing to it as bytes) and in the tests. Its cost (`cost.rs`) is estimated from the
//! shapes alone, so a request over the budget is refused before anything runs.

mod cost;

use convlab_core::nn::{self, Mode, Model, ParamStore};
use convlab_core::ops::{Conv2dParams, ConvTranspose2dParams, GradsInto, Pool2dParams};
use convlab_core::{activations, explain};
use convlab_core::{Backend, Tensor};
use serde::{Deserialize, Serialize};

/// A computation a page asks for, on host tensors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Op {
    Conv2d {
        input: Tensor,
        weight: Tensor,
        bias: Option<Tensor>,
        params: Conv2dParams,
    },
    /// The backward pass of a convolution for the output gradient `grad_output`. Outputs:
    /// `[∂L/∂input, ∂L/∂weight]`, then `∂L/∂bias` when `with_bias`.
    Conv2dBackward {
        input: Tensor,
        weight: Tensor,
        grad_output: Tensor,
        params: Conv2dParams,
        with_bias: bool,
    },
    /// `nn.ConvTranspose2d`, weight `(C_in, C_out/groups, kH, kW)`.
    ConvTranspose2d {
        input: Tensor,
        weight: Tensor,
        bias: Option<Tensor>,
        params: ConvTranspose2dParams,
    },
    MaxPool2d {
        input: Tensor,
        params: Pool2dParams,
    },
    AvgPool2d {
        input: Tensor,
        params: Pool2dParams,
        count_include_pad: bool,
    },
    /// The backward pass of max pooling (`max`: each gradient goes to its window's winner) or of
    /// average pooling (`count_include_pad=True`: spread evenly over the window) for the output
    /// gradient `grad_output`. Output: `∂L/∂input`.
    Pool2dBackward {
        input: Tensor,
        grad_output: Tensor,
        params: Pool2dParams,
        max: bool,
    },
    /// `nn.Linear`: `input · weightᵀ + bias`, input `(N, in)`, weight `(out, in)`.
    Linear {
        input: Tensor,
        weight: Tensor,
        bias: Option<Tensor>,
    },
    /// The element-wise add of two tensors of the same shape (a skip connection's `+`).
    Add {
        a: Tensor,
        b: Tensor,
    },
    /// Several independent ops, computed together: their outputs one after the other.
    Each(Vec<Op>),
    /// A convolution of one image `(1, C_in, H, W)` taken apart by input channel (groups = 1).
    /// Outputs: `[y, s_0, …, s_{C_out−1}, p_00, p_01, …]` where `y` is the convolution itself (with
    /// its bias), `p_oc` the partial map of input channel `c` correlated with kernel `weight[o, c]`
    /// (`(1, 1, H_out, W_out)`, no bias) and `s_o = p_o0 + p_o1 + …` their sum, added by the engine.
    ConvByChannel {
        input: Tensor,
        weight: Tensor,
        bias: Option<Tensor>,
        params: Conv2dParams,
    },
    /// `BatchNorm2d` on one batch, in training and in evaluation mode, after the batches of
    /// `earlier` went through it in training mode (moving the running statistics from
    /// `running_mean` / `running_var` by `momentum`). Outputs: `[y_train, mean, inv_std,
    /// var_unbiased, y_eval, y_train's mean, y_train's unbiased var, y_eval's mean, y_eval's
    /// unbiased var, running_mean, running_var]`: the batch statistics (`inv_std = 1/√(σ²_B + ε)`),
    /// those of each output per channel (measured by the engine's own batch norm), and the running
    /// statistics evaluation mode used.
    BatchNorm {
        input: Tensor,
        gamma: Tensor,
        beta: Tensor,
        earlier: Vec<Tensor>,
        running_mean: Tensor,
        running_var: Tensor,
        momentum: f32,
        eps: f32,
    },
    /// The running statistics of a `BatchNorm2d` in training mode as `batches` pass through it,
    /// from `running_mean` / `running_var`. Outputs: `[mean_1, var_1, mean_2, var_2, …]`, the
    /// running mean and variance after each batch.
    BatchNormRunning {
        batches: Vec<Tensor>,
        running_mean: Tensor,
        running_var: Tensor,
        momentum: f32,
        eps: f32,
    },
    /// A residual block taken apart: `main` (the residual function F) and `shortcut` (absent: the
    /// identity) run by `nn::forward` on the same parameters, PyTorch's initial values drawn from
    /// `seed` for the layers of `main` then `shortcut` (made where the op runs: a worker on the
    /// CPU, so a large block's millions of weights neither cross to it nor are drawn on the
    /// page's thread; `state_dict` names shared between the models). Outputs: `[F(x),
    /// shortcut(x)]`, then, when their shapes match, `[F(x) + shortcut(x), relu(F(x) +
    /// shortcut(x))]` and, if `whole` is given, `nn::forward` of that model (the block as one
    /// layer) on the same input.
    Residual {
        input: Tensor,
        main: Model,
        shortcut: Option<Model>,
        whole: Option<Model>,
        seed: u64,
        mode: Mode,
    },
    /// A trained model looked inside, on one image `(1, C, H, W)` in evaluation mode. Outputs:
    /// every layer's output in execution order (a residual block as one), then for each residual
    /// block in order its two paths, `F(x)` and the shortcut.
    Inside {
        model: Model,
        params: ParamStore<Tensor>,
        input: Tensor,
    },
    /// Why a model gives one image `(1, C, H, W)` the class `class` (evaluation mode): the
    /// saliency `d logit[class] / d input`, then for each layer of `blocks` (execution order) its
    /// activation `A` and `d logit[class] / d A`, Grad-CAM's inputs. Outputs: `[saliency, A_0,
    /// dA_0, A_1, dA_1, …]`.
    Explain {
        model: Model,
        params: ParamStore<Tensor>,
        input: Tensor,
        class: usize,
        blocks: Vec<usize>,
    },
}

impl Op {
    fn apply<B: Backend>(&self, b: &B) -> convlab_core::Result<B::Tensor> {
        match self {
            Op::Conv2d {
                input,
                weight,
                bias,
                params,
            } => {
                let bias = match bias {
                    Some(t) => Some(b.upload(t)?),
                    None => None,
                };
                b.conv2d(
                    &b.upload(input)?,
                    &b.upload(weight)?,
                    bias.as_ref(),
                    *params,
                )
            }
            Op::MaxPool2d { input, params } => b.max_pool2d(&b.upload(input)?, *params),
            Op::AvgPool2d {
                input,
                params,
                count_include_pad,
            } => b.avg_pool2d(&b.upload(input)?, *params, *count_include_pad),
            _ => {
                let mut all = self.apply_all(b)?;
                if all.is_empty() {
                    return Err(convlab_core::Error::Invalid(
                        "the op produced nothing".into(),
                    ));
                }
                Ok(all.swap_remove(0))
            }
        }
    }

    /// Every output of the op, in the order its variant documents.
    pub fn apply_all<B: Backend>(&self, b: &B) -> convlab_core::Result<Vec<B::Tensor>> {
        let upload_opt = |t: &Option<Tensor>| -> convlab_core::Result<Option<B::Tensor>> {
            t.as_ref().map(|t| b.upload(t)).transpose()
        };
        match self {
            Op::Conv2d { .. } | Op::MaxPool2d { .. } | Op::AvgPool2d { .. } => {
                Ok(vec![self.apply(b)?])
            }
            Op::Linear {
                input,
                weight,
                bias,
            } => {
                let bias = upload_opt(bias)?;
                Ok(vec![b.linear(
                    &b.upload(input)?,
                    &b.upload(weight)?,
                    bias.as_ref(),
                )?])
            }
            Op::Add { a, b: rhs } => Ok(vec![b.add(&b.upload(a)?, &b.upload(rhs)?)?]),
            Op::Pool2dBackward {
                input,
                grad_output,
                params,
                max,
            } => {
                let (x, gy) = (b.upload(input)?, b.upload(grad_output)?);
                Ok(vec![if *max {
                    b.max_pool2d_backward(&x, &gy, *params)?
                } else {
                    b.avg_pool2d_backward(&x, &gy, *params, true)?
                }])
            }
            Op::ConvTranspose2d {
                input,
                weight,
                bias,
                params,
            } => {
                let bias = upload_opt(bias)?;
                Ok(vec![b.conv_transpose2d(
                    &b.upload(input)?,
                    &b.upload(weight)?,
                    bias.as_ref(),
                    *params,
                )?])
            }
            Op::Conv2dBackward {
                input,
                weight,
                grad_output,
                params,
                with_bias,
            } => {
                let g = b.conv2d_backward(
                    &b.upload(input)?,
                    &b.upload(weight)?,
                    &b.upload(grad_output)?,
                    *params,
                    *with_bias,
                    GradsInto::fresh(),
                )?;
                Ok([Some(g.input), Some(g.weight), g.bias]
                    .into_iter()
                    .flatten()
                    .collect())
            }
            Op::Each(ops) => {
                let mut out = Vec::new();
                for op in ops {
                    out.extend(op.apply_all(b)?);
                }
                Ok(out)
            }
            Op::ConvByChannel {
                input,
                weight,
                bias,
                params,
            } => {
                let [_, c_in, h, w] = input.dims4("the convolution's input")?;
                let [c_out, c_w, kh, kw] = weight.dims4("the convolution's weight")?;
                let bias_t = upload_opt(bias)?;
                let y = b.conv2d(
                    &b.upload(input)?,
                    &b.upload(weight)?,
                    bias_t.as_ref(),
                    *params,
                )?;
                if params.groups != 1 || c_w != c_in {
                    return Ok(vec![y]);
                }
                // The slices are copies of the data, not arithmetic: channel c of the image, and
                // the kernel weight[o, c].
                let plane = |c: usize| Tensor {
                    shape: vec![1, 1, h, w],
                    data: input.data[c * h * w..(c + 1) * h * w].to_vec(),
                };
                let kernel = |o: usize, c: usize| {
                    let k = kh * kw;
                    Tensor {
                        shape: vec![1, 1, kh, kw],
                        data: weight.data[(o * c_in + c) * k..(o * c_in + c + 1) * k].to_vec(),
                    }
                };
                let planes = (0..c_in)
                    .map(|c| b.upload(&plane(c)))
                    .collect::<convlab_core::Result<Vec<_>>>()?;
                let mut partials = Vec::with_capacity(c_out * c_in);
                let mut sums = Vec::with_capacity(c_out);
                for o in 0..c_out {
                    let mut sum: Option<B::Tensor> = None;
                    for (c, x) in planes.iter().enumerate() {
                        let p = b.conv2d(x, &b.upload(&kernel(o, c))?, None, *params)?;
                        sum = Some(match sum {
                            None => p.clone(),
                            Some(s) => b.add(&s, &p)?,
                        });
                        partials.push(p);
                    }
                    sums.extend(sum);
                }
                let mut out = vec![y];
                out.extend(sums);
                out.extend(partials);
                Ok(out)
            }
            Op::BatchNorm {
                input,
                gamma,
                beta,
                earlier,
                running_mean,
                running_var,
                momentum,
                eps,
            } => {
                let c = gamma.numel();
                let ones = b.upload(&Tensor::full(&[c], 1.0))?;
                let zeros = b.upload(&Tensor::zeros(&[c]))?;
                let (mut rm, mut rv) = (b.upload(running_mean)?, b.upload(running_var)?);
                for batch in earlier {
                    let (_, stats) = b.batch_norm_train(&b.upload(batch)?, &ones, &zeros, *eps)?;
                    b.batch_norm_update_running(&mut rm, &mut rv, &stats, *momentum)?;
                }
                let x = b.upload(input)?;
                let (g, bt) = (b.upload(gamma)?, b.upload(beta)?);
                let (y_train, stats) = b.batch_norm_train(&x, &g, &bt, *eps)?;
                let y_eval = b.batch_norm_eval(&x, &g, &bt, &rm, &rv, *eps)?;
                // The statistics of each output, measured by a batch norm of γ = 1, β = 0.
                let (_, after_train) = b.batch_norm_train(&y_train, &ones, &zeros, *eps)?;
                let (_, after_eval) = b.batch_norm_train(&y_eval, &ones, &zeros, *eps)?;
                Ok(vec![
                    y_train,
                    stats.mean,
                    stats.inv_std,
                    stats.var_unbiased,
                    y_eval,
                    after_train.mean,
                    after_train.var_unbiased,
                    after_eval.mean,
                    after_eval.var_unbiased,
                    rm,
                    rv,
                ])
            }
            Op::BatchNormRunning {
                batches,
                running_mean,
                running_var,
                momentum,
                eps,
            } => {
                let c = running_mean.numel();
                let ones = b.upload(&Tensor::full(&[c], 1.0))?;
                let zeros = b.upload(&Tensor::zeros(&[c]))?;
                let mut rm = b.upload(running_mean)?;
                let mut rv = b.upload(running_var)?;
                let mut out = Vec::with_capacity(2 * batches.len());
                for batch in batches {
                    let (_, stats) = b.batch_norm_train(&b.upload(batch)?, &ones, &zeros, *eps)?;
                    // Each step's statistics are new tensors: the earlier ones stay readable.
                    let (mut m, mut v) =
                        (b.add(&rm, &b.zeros(&[c])?)?, b.add(&rv, &b.zeros(&[c])?)?);
                    b.batch_norm_update_running(&mut m, &mut v, &stats, *momentum)?;
                    out.push(m.clone());
                    out.push(v.clone());
                    (rm, rv) = (m, v);
                }
                Ok(out)
            }
            Op::Inside {
                model,
                params,
                input,
            } => {
                let (params, x) = (upload_params(b, params)?, b.upload(input)?);
                let mut out = activations::layer_outputs(b, model, &params, &x)?;
                for (i, leaf) in model.leaves().iter().enumerate() {
                    if let nn::Layer::Residual(spec) = &leaf.layer {
                        let input = if i == 0 {
                            x.clone()
                        } else {
                            out[i - 1].clone()
                        };
                        let (main, shortcut) =
                            activations::residual_paths(b, spec, &leaf.path, &params, &input)?;
                        out.extend([main, shortcut]);
                    }
                }
                Ok(out)
            }
            Op::Explain {
                model,
                params,
                input,
                class,
                blocks,
            } => {
                let (params, x) = (upload_params(b, params)?, b.upload(input)?);
                let mut out = vec![explain::saliency(b, model, &params, &x, &[*class])?];
                for &block in blocks {
                    let (a, grad) =
                        explain::block_gradient(b, model, &params, &x, &[*class], block)?;
                    out.extend([a, grad]);
                }
                Ok(out)
            }
            Op::Residual {
                input,
                main,
                shortcut,
                whole,
                seed,
                mode,
            } => {
                let x = b.upload(input)?;
                let both = Model {
                    modules: main
                        .modules
                        .iter()
                        .chain(shortcut.iter().flat_map(|m| &m.modules))
                        .cloned()
                        .collect(),
                    ..main.clone()
                };
                let mut store = upload_params(b, &nn::init::pytorch_default(&both, *seed))?;
                let (f, _) = nn::forward(b, main, &mut store.clone(), &x, *mode)?;
                let s = match shortcut {
                    Some(m) => nn::forward(b, m, &mut store.clone(), &x, *mode)?.0,
                    None => x.clone(),
                };
                if b.shape(&f) != b.shape(&s) {
                    return Ok(vec![f, s]);
                }
                let sum = b.add(&f, &s)?;
                let out = b.relu(&sum)?;
                let mut all = vec![f, s, sum, out];
                if let Some(m) = whole {
                    all.push(nn::forward(b, m, &mut store, &x, *mode)?.0);
                }
                Ok(all)
            }
        }
    }
}

fn upload_params<B: Backend>(
    b: &B,
    params: &ParamStore<Tensor>,
) -> convlab_core::Result<ParamStore<B::Tensor>> {
    let mut store = ParamStore::new();
    for (name, t) in params.iter() {
        store.insert(name, b.upload(t)?);
    }
    Ok(store)
}
