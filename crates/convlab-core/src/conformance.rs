//! The conformance table: one list of cases that every backend must pass, in the manner of
//! burn's backend tests. Each case runs an op (or a whole model) forward and backward on the
//! backend under test and checks it against two independent truths:
//!
//! - the CPU reference ([`crate::ops`], the definition), within FORMAT.md's tolerance;
//! - finite differences of the backend's own forward pass: for a random projection
//!   `L = Σ y·r`, every checked element of each gradient must match `(L(x + h) − L(x − h)) / 2h`.
//!
//! On the CPU the first check compares the reference with itself, so the finite differences are
//! the test there; on the GPU both bite. The core's tests run the table on the CPU, the GPU
//! crate's tests on the GPU, so a case added here is checked on every backend.

use crate::backend::{Backend, CpuBackend};
use crate::golden::first_mismatch;
use crate::nn::{self, Layer, Mode, Model, Module, ParamStore, ResidualSpec};
use crate::ops::{Conv2dParams, ConvTranspose2dParams, GradsInto, Pool2dParams};
use crate::rng::Rng;
use crate::tensor::Tensor;
use crate::{arch, Result};

/// What a case computes.
#[derive(Debug, Clone)]
pub enum Op {
    Conv2d {
        input: [usize; 4],
        weight: [usize; 4],
        params: Conv2dParams,
    },
    MaxPool2d {
        input: [usize; 4],
        params: Pool2dParams,
    },
    AvgPool2d {
        input: [usize; 4],
        params: Pool2dParams,
        count_include_pad: bool,
    },
    /// Batch norm in training mode: the gradient flows through the batch statistics too.
    BatchNormTrain {
        input: [usize; 4],
    },
    /// Batch norm in evaluation mode: the running statistics are constants.
    BatchNormEval {
        input: [usize; 4],
    },
    Relu {
        shape: Vec<usize>,
    },
    Sigmoid {
        shape: Vec<usize>,
    },
    GlobalAvgPool2d {
        input: [usize; 4],
    },
    Linear {
        input: [usize; 2],
        out_features: usize,
    },
    /// The mean cross-entropy of logits `[N, classes]` against `targets`.
    CrossEntropy {
        logits: [usize; 2],
        targets: Vec<usize>,
    },
    /// A whole model in training mode, through `nn::forward` and `nn::backward`, with the
    /// finite-difference step `h` (small for deep nets: ReLUs after batch norm see values near 0).
    Model {
        model: Model,
        input: [usize; 4],
        h: f32,
    },
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub op: Op,
    pub seed: u64,
}

/// A tensor an op takes, and whether the case checks its gradient.
struct Input {
    name: String,
    value: Tensor,
    differentiable: bool,
}

/// Every case, in the order they run.
pub fn table() -> Vec<Case> {
    let mut cases = Vec::new();
    // Each case has its own seed; the models keep the seeds their finite differences were
    // first checked with (a ReLU kink within ±h of too many elements makes a check meaningless).
    let mut add = |name: String, op: Op| {
        let seed = match &op {
            Op::Model { model, input, .. } => match (model.name.as_str(), input[1]) {
                ("residual", 3) => 6,
                ("residual", _) => 7,
                _ => 8,
            },
            _ => 100 + cases.len() as u64,
        };
        cases.push(Case { name, op, seed });
    };
    // Convolutions: strides, asymmetric padding, dilation, groups, 1×1, a kernel as large as the
    // input; on the GPU both the tiled kernels (channels in blocks of 4 per group) and the general
    // ones, with tiles that overhang the output's columns, the input's columns and the taps.
    let conv = |stride, padding, dilation, groups| Conv2dParams {
        stride,
        padding,
        dilation,
        groups,
    };
    for (input, weight, params) in [
        ([2, 3, 7, 6], [4, 3, 3, 3], Conv2dParams::default()),
        ([1, 2, 9, 8], [2, 2, 3, 2], conv([2, 3], [1, 2], [1, 1], 1)),
        ([1, 4, 9, 9], [4, 2, 3, 3], conv([1, 1], [2, 2], [2, 2], 2)),
        ([2, 1, 5, 5], [3, 1, 1, 1], Conv2dParams::default()),
        ([2, 8, 11, 9], [8, 4, 3, 5], conv([2, 2], [2, 1], [2, 1], 2)),
        ([2, 3, 9, 7], [4, 3, 3, 3], conv([2, 1], [1, 2], [1, 1], 1)),
        (
            [1, 4, 10, 10],
            [6, 2, 3, 3],
            conv([1, 1], [2, 3], [2, 3], 2),
        ),
        ([3, 8, 5, 5], [2, 8, 1, 1], Conv2dParams::default()),
        ([1, 1, 4, 4], [1, 1, 4, 4], conv([3, 3], [1, 0], [1, 1], 1)),
    ] {
        add(
            format!("conv2d {input:?} * {weight:?} {params:?}"),
            Op::Conv2d {
                input,
                weight,
                params,
            },
        );
    }
    let pool = |kernel, stride, padding| Pool2dParams {
        kernel,
        stride,
        padding,
    };
    for params in [
        Pool2dParams::new([2, 2]),
        pool([3, 3], [2, 2], [1, 1]),
        pool([2, 3], [1, 2], [1, 0]),
        pool([2, 3], [1, 3], [1, 0]),
    ] {
        let input = [2, 3, 7, 6];
        add(
            format!("max_pool2d {input:?} {params:?}"),
            Op::MaxPool2d { input, params },
        );
        for count_include_pad in [true, false] {
            add(
                format!("avg_pool2d {input:?} {params:?} count_include_pad={count_include_pad}"),
                Op::AvgPool2d {
                    input,
                    params,
                    count_include_pad,
                },
            );
        }
    }
    add(
        "batch_norm training".into(),
        Op::BatchNormTrain {
            input: [3, 2, 4, 3],
        },
    );
    add(
        "batch_norm evaluation".into(),
        Op::BatchNormEval {
            input: [3, 2, 4, 3],
        },
    );
    add(
        "relu".into(),
        Op::Relu {
            shape: vec![2, 3, 4],
        },
    );
    add(
        "sigmoid".into(),
        Op::Sigmoid {
            shape: vec![2, 3, 4],
        },
    );
    add(
        "global_avg_pool2d".into(),
        Op::GlobalAvgPool2d {
            input: [2, 3, 4, 5],
        },
    );
    add(
        "linear".into(),
        Op::Linear {
            input: [4, 6],
            out_features: 3,
        },
    );
    // Larger than one 16 × 16 tile of the GPU's matmul every way: several slabs along the batch,
    // and the bias gradient summed by the first column of workgroups over two rows of them.
    add(
        "linear_tiles".into(),
        Op::Linear {
            input: [40, 50],
            out_features: 20,
        },
    );
    add(
        "cross_entropy".into(),
        Op::CrossEntropy {
            logits: [4, 5],
            targets: vec![0, 3, 4, 1],
        },
    );
    // More rows than the GPU kernel's 64 invocations: each takes several, then they sum.
    add(
        "cross_entropy_150_rows".into(),
        Op::CrossEntropy {
            logits: [150, 10],
            targets: (0..150).map(|r| r * 7 % 10).collect(),
        },
    );
    for spec in [
        ResidualSpec {
            in_channels: 3,
            out_channels: 3,
            use_1x1conv: false,
            stride: 1,
        },
        ResidualSpec {
            in_channels: 2,
            out_channels: 4,
            use_1x1conv: true,
            stride: 2,
        },
    ] {
        let model = Model {
            name: "residual".into(),
            input_shape: [0; 3],
            modules: vec![Module::layer("", Layer::Residual(spec))],
            lazy: true,
        };
        add(
            format!("residual block {spec:?}"),
            Op::Model {
                model,
                input: [2, spec.in_channels, 5, 5],
                h: 1e-3,
            },
        );
    }
    // The MNIST ConvNet's block in small: batch norm then ReLU (one fused op in training) and a
    // max pooling after the ReLU (their backward fused), through nn::forward and nn::backward.
    add(
        "conv, batch norm, ReLU, max pooling".into(),
        Op::Model {
            model: Model {
                name: "bn_relu_pool".into(),
                input_shape: [0; 3],
                modules: vec![
                    Module::layer("conv", Layer::conv(2, 3, 3, 1, 1)),
                    Module::layer("bn", Layer::batch_norm(3)),
                    Module::layer("relu", Layer::ReLU),
                    Module::layer("pool", Layer::max_pool(2, 2, 0)),
                    Module::layer("flatten", Layer::Flatten),
                    Module::layer("fc", Layer::linear(3 * 2 * 2, 2)),
                ],
                lazy: true,
            },
            input: [3, 2, 4, 4],
            h: 1e-3,
        },
    );
    // LeNet exercises sigmoid, average pooling, flatten and three linear layers together.
    add(
        "lenet".into(),
        Op::Model {
            model: arch::lenet(),
            input: [2, 1, 28, 28],
            h: 1e-2,
        },
    );
    // An encoder–decoder: a strided convolution down, then transposed convolutions back up (one
    // with output_padding, one grouped and dilated), through nn::forward and nn::backward.
    let up = |in_channels, out_channels, kernel, params| Layer::ConvTranspose2d {
        in_channels,
        out_channels,
        kernel,
        params,
        bias: true,
    };
    let decoder = [
        Layer::conv(2, 4, 3, 2, 1),
        Layer::ReLU,
        up(
            4,
            4,
            [3, 3],
            ConvTranspose2dParams {
                stride: [2, 2],
                padding: [1, 1],
                output_padding: [1, 0],
                ..ConvTranspose2dParams::default()
            },
        ),
        up(
            4,
            2,
            [2, 3],
            ConvTranspose2dParams {
                padding: [0, 1],
                dilation: [2, 1],
                groups: 2,
                ..ConvTranspose2dParams::default()
            },
        ),
    ];
    add(
        "encoder-decoder with transposed convolutions".into(),
        Op::Model {
            model: Model {
                name: "decoder".into(),
                input_shape: [2, 7, 6],
                modules: decoder
                    .into_iter()
                    .enumerate()
                    .map(|(i, l)| Module::layer(i.to_string(), l))
                    .collect(),
                lazy: false,
            },
            input: [2, 2, 7, 6],
            h: 1e-2,
        },
    );
    cases
}

impl Case {
    /// Runs the case on `b`: its forward and gradients against the CPU reference, and its
    /// gradients against finite differences of `b`'s forward. The error says what differs.
    pub fn check<B: Backend>(&self, b: &B) -> std::result::Result<(), String> {
        let fail = |e: crate::Error| format!("{}: {e}", self.name);
        let mut rng = Rng::new(self.seed);
        let inputs = self.inputs(&mut rng).map_err(fail)?;
        let values: Vec<&Tensor> = inputs.iter().map(|i| &i.value).collect();
        let want = self.forward(&CpuBackend, &values).map_err(fail)?;
        let got = self.forward_on(b, &values).map_err(fail)?;
        if let Some(problem) = first_mismatch(&got, &want) {
            return Err(format!("{} forward: {problem}", self.name));
        }
        // L = Σ y·r; a scalar output (a loss) is its own L.
        let r = if want.shape.is_empty() {
            Tensor::scalar(1.0)
        } else {
            rng.tensor(&want.shape)
        };
        let want_grads = self.backward(&CpuBackend, &values, &r).map_err(fail)?;
        let uploaded = upload_all(b, &values).map_err(fail)?;
        let got_grads = self
            .backward(b, &uploaded, &b.upload(&r).map_err(fail)?)
            .map_err(fail)?;
        for (i, ((input, got), want)) in inputs.iter().zip(&got_grads).zip(&want_grads).enumerate()
        {
            let (Some(got), Some(want)) = (got, want) else {
                continue;
            };
            let got = b.download(got).map_err(fail)?;
            if let Some(problem) = first_mismatch(&got, want) {
                return Err(format!(
                    "{} gradient of {}: {problem}",
                    self.name, input.name
                ));
            }
            if !input.differentiable {
                continue;
            }
            let loss = |v: &Tensor| -> f64 {
                let mut changed = values.clone();
                changed[i] = v;
                self.forward_on(b, &changed)
                    .map_or(f64::NAN, |y| dot(&y, &r))
            };
            finite_differences(
                &format!("{} {}", self.name, input.name),
                &input.value,
                &got,
                loss,
                self.step(),
            )?;
        }
        Ok(())
    }

    /// The finite-difference step.
    fn step(&self) -> f32 {
        match self.op {
            Op::Model { h, .. } => h,
            _ => 1e-2,
        }
    }

    /// The case's tensors, made from its seed. Values are chosen so that the finite differences
    /// measure slopes: max pooling gets distinct values far apart (a shuffled ramp), so ±h never
    /// changes a window's winner; ReLU gets none near its kink at 0; models get weights scaled
    /// by 1/√fan_in as PyTorch initializes them, so activations stay in range.
    fn inputs(&self, rng: &mut Rng) -> Result<Vec<Input>> {
        let input = |name: &str, value: Tensor| Input {
            name: name.into(),
            value,
            differentiable: true,
        };
        let constant = |name: &str, value: Tensor| Input {
            name: name.into(),
            value,
            differentiable: false,
        };
        Ok(match &self.op {
            Op::Conv2d {
                input: x, weight, ..
            } => vec![
                input("input", rng.tensor(x)),
                input("weight", rng.tensor(weight)),
                input("bias", rng.tensor(&[weight[0]])),
            ],
            Op::MaxPool2d { input: x, .. } => vec![input("input", shuffled_ramp(rng, x)?)],
            Op::AvgPool2d { input: x, .. } | Op::GlobalAvgPool2d { input: x } => {
                vec![input("input", rng.tensor(x))]
            }
            Op::BatchNormTrain { input: x } | Op::BatchNormEval { input: x } => {
                let c = x[1];
                let mut v = vec![
                    input("input", rng.tensor(x)),
                    input("weight", rng.tensor(&[c])),
                    input("bias", rng.tensor(&[c])),
                ];
                if let Op::BatchNormEval { .. } = self.op {
                    v.push(constant("running_mean", rng.tensor(&[c])));
                    let var = (0..c).map(|i| 0.5 + 1.5 * i as f32).collect();
                    v.push(constant("running_var", Tensor::new(vec![c], var)?));
                }
                v
            }
            Op::Relu { shape } => {
                let away_from_kink = rng
                    .tensor(shape)
                    .data
                    .iter()
                    .map(|v| if v.abs() < 0.1 { v + 0.3 } else { *v })
                    .collect();
                vec![input("input", Tensor::new(shape.clone(), away_from_kink)?)]
            }
            Op::Sigmoid { shape } => vec![input("input", rng.tensor(shape))],
            Op::Linear {
                input: x,
                out_features,
            } => vec![
                input("input", rng.tensor(x)),
                input("weight", rng.tensor(&[*out_features, x[1]])),
                input("bias", rng.tensor(&[*out_features])),
            ],
            Op::CrossEntropy { logits, .. } => vec![input("logits", rng.tensor(logits))],
            // The parameters first, then the image (the order these cases were made in).
            Op::Model {
                model, input: x, ..
            } => {
                let model = model.propagate(&x[1..])?.0;
                let mut v = vec![];
                for q in model.param_specs() {
                    let t = match q.name.rsplit('.').next() {
                        Some("running_var") => Tensor::full(&q.shape, 1.0),
                        Some("running_mean") => Tensor::zeros(&q.shape),
                        _ => {
                            let fan_in: usize = q.shape.iter().skip(1).product();
                            let mut t = rng.tensor(&q.shape);
                            t.data.iter_mut().for_each(|v| *v /= (fan_in as f32).sqrt());
                            t
                        }
                    };
                    v.push(if q.trainable {
                        input(&q.name, t)
                    } else {
                        constant(&q.name, t)
                    });
                }
                v.insert(0, input("input", rng.tensor(x)));
                v
            }
        })
    }

    /// [`Case::forward`] on host tensors, uploaded to `b` and the result downloaded.
    fn forward_on<B: Backend>(&self, b: &B, values: &[&Tensor]) -> Result<Tensor> {
        b.download(&self.forward(b, &upload_all(b, values)?)?)
    }

    fn forward<B: Backend>(
        &self,
        b: &B,
        v: &[impl std::borrow::Borrow<B::Tensor>],
    ) -> Result<B::Tensor> {
        let t = |i: usize| v[i].borrow();
        match &self.op {
            Op::Conv2d { params, .. } => b.conv2d(t(0), t(1), Some(t(2)), *params),
            Op::MaxPool2d { params, .. } => b.max_pool2d(t(0), *params),
            Op::AvgPool2d {
                params,
                count_include_pad,
                ..
            } => b.avg_pool2d(t(0), *params, *count_include_pad),
            Op::BatchNormTrain { .. } => Ok(b.batch_norm_train(t(0), t(1), t(2), 1e-5)?.0),
            Op::BatchNormEval { .. } => b.batch_norm_eval(t(0), t(1), t(2), t(3), t(4), 1e-5),
            Op::Relu { .. } => b.relu(t(0)),
            Op::Sigmoid { .. } => b.sigmoid(t(0)),
            Op::GlobalAvgPool2d { .. } => b.global_avg_pool2d(t(0)),
            Op::Linear { .. } => b.linear(t(0), t(1), Some(t(2))),
            Op::CrossEntropy { targets, .. } => Ok(b.cross_entropy(t(0), targets)?.0),
            Op::Model { model, input, .. } => {
                let (model, mut params) = self.model_params(b, model, input, v)?;
                Ok(nn::forward(b, &model, &mut params, t(0), Mode::Train)?.0)
            }
        }
    }

    /// The gradient of `L = Σ y·r` for each input (in the order of [`Case::inputs`]; `None`
    /// where the op has none).
    fn backward<B: Backend>(
        &self,
        b: &B,
        v: &[impl std::borrow::Borrow<B::Tensor>],
        r: &B::Tensor,
    ) -> Result<Vec<Option<B::Tensor>>> {
        let t = |i: usize| v[i].borrow();
        let fresh = GradsInto::fresh();
        Ok(match &self.op {
            Op::Conv2d { params, .. } => {
                let g = b.conv2d_backward(t(0), t(1), r, *params, true, fresh)?;
                vec![Some(g.input), Some(g.weight), g.bias]
            }
            Op::MaxPool2d { params, .. } => vec![Some(b.max_pool2d_backward(t(0), r, *params)?)],
            Op::AvgPool2d {
                params,
                count_include_pad,
                ..
            } => vec![Some(b.avg_pool2d_backward(
                t(0),
                r,
                *params,
                *count_include_pad,
            )?)],
            Op::BatchNormTrain { .. } => {
                let (_, stats) = b.batch_norm_train(t(0), t(1), t(2), 1e-5)?;
                let g =
                    b.batch_norm_backward(t(0), t(1), &stats.mean, &stats.inv_std, r, true, fresh)?;
                vec![Some(g.input), Some(g.weight), g.bias]
            }
            Op::BatchNormEval { .. } => {
                let inv_std = b.inv_std(t(4), 1e-5)?;
                let g = b.batch_norm_backward(t(0), t(1), t(3), &inv_std, r, false, fresh)?;
                vec![Some(g.input), Some(g.weight), g.bias, None, None]
            }
            Op::Relu { .. } => vec![Some(b.relu_backward(t(0), r)?)],
            Op::Sigmoid { .. } => vec![Some(b.sigmoid_backward(&b.sigmoid(t(0))?, r)?)],
            Op::GlobalAvgPool2d { .. } => vec![Some(b.global_avg_pool2d_backward(t(0), r)?)],
            Op::Linear { .. } => {
                let g = b.linear_backward(t(0), t(1), r, true, fresh)?;
                vec![Some(g.input), Some(g.weight), g.bias]
            }
            // The loss is a scalar: r is 1 and the gradient is the loss's own.
            Op::CrossEntropy { targets, .. } => vec![Some(b.cross_entropy(t(0), targets)?.1)],
            Op::Model { model, input, .. } => {
                let (model, params) = self.model_params(b, model, input, v)?;
                let (_, trace) = nn::forward(b, &model, &mut params.clone(), t(0), Mode::Train)?;
                let (gx, grads) = nn::backward(b, &model, &params, trace, r)?;
                // What training uses, the parameters' gradients without the input's, must be
                // the very same numbers.
                let (_, trace) = nn::forward(b, &model, &mut params.clone(), t(0), Mode::Train)?;
                let only_params = nn::param_grads(b, &model, &params, trace, r)?;
                for (name, g) in grads.iter() {
                    let same = b.download(only_params.get(name)?)? == b.download(g)?;
                    if !same {
                        return Err(crate::Error::Invalid(format!(
                            "nn::param_grads and nn::backward differ on {name}"
                        )));
                    }
                }
                let mut out = vec![Some(gx)];
                for q in model.param_specs() {
                    out.push(grads.get(&q.name).ok().cloned());
                }
                out
            }
        })
    }

    /// The model resolved for the case's input, and its parameters from the inputs after the
    /// image (in `param_specs` order, as [`Case::inputs`] made them).
    fn model_params<B: Backend>(
        &self,
        _b: &B,
        model: &Model,
        input: &[usize; 4],
        v: &[impl std::borrow::Borrow<B::Tensor>],
    ) -> Result<(Model, ParamStore<B::Tensor>)> {
        let model = model.propagate(&input[1..])?.0;
        let mut params = ParamStore::new();
        for (q, value) in model.param_specs().into_iter().zip(&v[1..]) {
            params.insert(q.name, value.borrow().clone());
        }
        Ok((model, params))
    }
}

fn upload_all<B: Backend>(b: &B, values: &[&Tensor]) -> Result<Vec<B::Tensor>> {
    values.iter().map(|t| b.upload(t)).collect()
}

/// `shape` filled with `0.1 × (a shuffle of 0, 1, 2, …)`: distinct values far apart.
fn shuffled_ramp(rng: &mut Rng, shape: &[usize]) -> Result<Tensor> {
    let mut order: Vec<usize> = (0..shape.iter().product()).collect();
    rng.shuffle(&mut order);
    Tensor::new(
        shape.to_vec(),
        order.iter().map(|&v| v as f32 * 0.1).collect(),
    )
}

/// Σ a·b in f64.
pub(crate) fn dot(a: &Tensor, b: &Tensor) -> f64 {
    a.data
        .iter()
        .zip(&b.data)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum()
}

/// Checks `analytic` (∂L/∂x) against differences of `loss` around `x` with step `h`, on up to 40
/// evenly spread elements.
///
/// When a ReLU's kink lies within ±h of an element, the central difference mixes two slopes;
/// the analytic gradient is then the slope on the side of the kink where the element is, which
/// one of the one-sided differences measures. Where the two one-sided slopes disagree grossly
/// (several kinks crossed: a first-layer weight feeds every pixel), the loss is not
/// differentiable at this scale and the element is skipped; at most a quarter of the elements
/// may be, so the check cannot pass vacuously.
fn finite_differences(
    what: &str,
    x: &Tensor,
    analytic: &Tensor,
    loss: impl Fn(&Tensor) -> f64,
    h: f32,
) -> std::result::Result<(), String> {
    if analytic.shape != x.shape {
        return Err(format!(
            "{what}: the gradient has shape {:?}, the input {:?}",
            analytic.shape, x.shape
        ));
    }
    let samples = 40.min(x.numel());
    let at = loss(x);
    let mut skipped = 0;
    for s in 0..samples {
        let i = s * x.numel() / samples;
        let (mut plus, mut minus) = (x.clone(), x.clone());
        plus.data[i] += h;
        minus.data[i] -= h;
        let (up, down) = (loss(&plus), loss(&minus));
        let central = (up - down) / (2.0 * f64::from(h));
        let (right, left) = ((up - at) / f64::from(h), (at - down) / f64::from(h));
        if (right - left).abs() > 0.25 * right.abs().max(left.abs()) + 1e-2 {
            skipped += 1;
            continue;
        }
        let got = f64::from(analytic.data[i]);
        let close = |want: f64| (got - want).abs() <= 2e-3 + 2e-2 * want.abs();
        if !(close(central) || close(right) || close(left)) {
            return Err(format!(
                "{what}[{i}]: analytic {got} vs finite differences {central} (central), {right} (right), {left} (left)"
            ));
        }
    }
    if skipped * 4 > samples {
        return Err(format!(
            "{what}: {skipped} of {samples} elements sit on kinks"
        ));
    }
    Ok(())
}
