//! The arithmetic behind one unit of a layer's output, rebuilt from the layer's input and
//! parameters: what the page writes out beside the value the engine computed. Pure, so the tests
//! check it against hand-worked numbers; the browser test checks that the written terms add up
//! to the value shown.

use convlab_core::nn::{Layer, Model, ParamStore};
use convlab_core::shape::tap_position;
use convlab_core::Tensor;

/// One unit of a layer's output: channel (or feature), row and column (0 for a vector).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    pub channel: usize,
    pub row: usize,
    pub col: usize,
}

/// One input channel's share of a convolution unit: its window (`None` where the window lies
/// in the zero padding), the kernel `weight[o, c]`, and the sum of their products.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelTerm {
    pub channel: usize,
    pub kernel_hw: [usize; 2],
    pub window: Vec<Option<f32>>,
    pub kernel: Vec<f32>,
    pub sum: f32,
}

/// How many of a Linear unit's products are written one by one (the largest by size).
pub const LINEAR_TERMS: usize = 5;

/// The arithmetic of one unit; `total` is what it adds up to.
#[derive(Clone, Debug, PartialEq)]
pub enum UnitMath {
    Conv {
        terms: Vec<ChannelTerm>,
        bias: f32,
        total: f32,
    },
    BatchNorm {
        x: f32,
        mean: f32,
        var: f32,
        eps: f32,
        gamma: f32,
        beta: f32,
        total: f32,
    },
    /// ReLU or sigmoid of the same position of the input.
    Activation {
        name: &'static str,
        x: f32,
        total: f32,
    },
    /// A pooling window (`None` in the padding) and, for max pooling, the winner's index.
    Pool {
        kernel_hw: [usize; 2],
        window: Vec<Option<f32>>,
        winner: Option<usize>,
        total: f32,
    },
    /// Flatten moves the value of `(channel, row, col)` of its input to this feature.
    Flatten { from: Unit, total: f32 },
    /// `Σ w·x + b`: the largest products `(feature, w, x)`, the sum of the others, the bias.
    Linear {
        top: Vec<(usize, f32, f32)>,
        rest: f32,
        rest_count: usize,
        bias: f32,
        total: f32,
    },
    /// A residual block: `relu(F(x) + shortcut)` at the unit's position, from its two paths.
    Residual {
        main: f32,
        shortcut: f32,
        total: f32,
    },
    /// Global average pooling: the mean of the channel's `count` values, which add up to `sum`.
    Mean { sum: f32, count: usize, total: f32 },
    /// A layer written out on its own lesson only (a residual block whose paths are not there).
    Whole { total: f32 },
}

impl UnitMath {
    pub fn total(&self) -> f32 {
        match *self {
            UnitMath::Conv { total, .. }
            | UnitMath::BatchNorm { total, .. }
            | UnitMath::Activation { total, .. }
            | UnitMath::Pool { total, .. }
            | UnitMath::Flatten { total, .. }
            | UnitMath::Linear { total, .. }
            | UnitMath::Residual { total, .. }
            | UnitMath::Mean { total, .. }
            | UnitMath::Whole { total } => total,
        }
    }
}

/// The layers after which Grad-CAM is drawn, the ends of the model's blocks: each pooling and
/// residual block, and the last layer of each top-level module, while the output still has
/// positions (`shapes`: each layer's `(C, H, W)`) and layers follow.
pub fn cam_blocks(model: &Model, shapes: &[[usize; 3]]) -> Vec<usize> {
    let leaves = model.leaves();
    let module_of = |i: usize| leaves[i].position.split('.').next().map(str::to_string);
    (0..leaves.len().saturating_sub(1))
        .filter(|&i| {
            let spatial = shapes.get(i).is_some_and(|&[_, h, w]| h > 1 || w > 1);
            let ends_module = module_of(i) != module_of(i + 1) && leaves[i].position.contains('.');
            let block = matches!(
                leaves[i].layer,
                Layer::MaxPool2d(_) | Layer::AvgPool2d(_) | Layer::Residual(_)
            );
            spatial && (block || ends_module)
        })
        .collect()
}

/// A tensor's `(C, H, W)` after its batch dimension (a vector `(1, F)` is `(F, 1, 1)`).
pub fn chw(t: &Tensor) -> [usize; 3] {
    match t.shape.as_slice() {
        [_, c, h, w] => [*c, *h, *w],
        [_, f] => [*f, 1, 1],
        _ => [t.numel(), 1, 1],
    }
}

fn at(t: &Tensor, u: Unit) -> Option<f32> {
    let [c, h, w] = chw(t);
    (u.channel < c && u.row < h && u.col < w).then(|| t.data[(u.channel * h + u.row) * w + u.col])
}

/// The window of an input plane that output `(row, col)` reads, tap by tap.
fn window(
    input: &Tensor,
    channel: usize,
    (row, col): (usize, usize),
    kernel: [usize; 2],
    stride: [usize; 2],
    padding: [usize; 2],
    dilation: [usize; 2],
) -> Vec<Option<f32>> {
    let [_, h, w] = chw(input);
    let mut out = Vec::with_capacity(kernel[0] * kernel[1]);
    for ty in 0..kernel[0] {
        for tx in 0..kernel[1] {
            let y = tap_position(row, ty, stride[0], padding[0], dilation[0]);
            let x = tap_position(col, tx, stride[1], padding[1], dilation[1]);
            let inside = (0..h as i64).contains(&y) && (0..w as i64).contains(&x);
            out.push(inside.then(|| input.data[(channel * h + y as usize) * w + x as usize]));
        }
    }
    out
}

/// The arithmetic of `unit` of `layer` (its parameters under `prefix` in `params`) on `input`,
/// the layer's input `(1, …)`. `None` when the unit or a parameter is missing.
pub fn unit_math(
    layer: &Layer,
    prefix: &str,
    params: &ParamStore<Tensor>,
    input: &Tensor,
    output: &Tensor,
    unit: Unit,
    paths: Option<(&Tensor, &Tensor)>,
) -> Option<UnitMath> {
    let param = |name: &str| params.get(&format!("{prefix}.{name}")).ok();
    let total = at(output, unit)?;
    Some(match layer {
        Layer::Conv2d {
            in_channels,
            kernel,
            params: p,
            bias,
            ..
        } if p.groups == 1 => {
            let weight = param("weight")?;
            let k = kernel[0] * kernel[1];
            let terms = (0..*in_channels)
                .map(|c| {
                    let window = window(
                        input,
                        c,
                        (unit.row, unit.col),
                        *kernel,
                        p.stride,
                        p.padding,
                        p.dilation,
                    );
                    let at = (unit.channel * in_channels + c) * k;
                    let kernel_values = weight.data.get(at..at + k)?.to_vec();
                    let sum = window
                        .iter()
                        .zip(&kernel_values)
                        .map(|(x, w)| x.unwrap_or(0.0) * w)
                        .sum();
                    Some(ChannelTerm {
                        channel: c,
                        kernel_hw: *kernel,
                        window,
                        kernel: kernel_values,
                        sum,
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            let bias = if *bias {
                *param("bias")?.data.get(unit.channel)?
            } else {
                0.0
            };
            UnitMath::Conv { terms, bias, total }
        }
        Layer::BatchNorm2d { eps, .. } => {
            let c = unit.channel;
            UnitMath::BatchNorm {
                x: at(input, unit)?,
                mean: *param("running_mean")?.data.get(c)?,
                var: *param("running_var")?.data.get(c)?,
                eps: *eps,
                gamma: *param("weight")?.data.get(c)?,
                beta: *param("bias")?.data.get(c)?,
                total,
            }
        }
        Layer::ReLU => UnitMath::Activation {
            name: "ReLU",
            x: at(input, unit)?,
            total,
        },
        Layer::Sigmoid => UnitMath::Activation {
            name: "Sigmoid",
            x: at(input, unit)?,
            total,
        },
        Layer::MaxPool2d(p) | Layer::AvgPool2d(p) => {
            let window = window(
                input,
                unit.channel,
                (unit.row, unit.col),
                p.kernel,
                p.stride,
                p.padding,
                [1, 1],
            );
            let winner = matches!(layer, Layer::MaxPool2d(_)).then(|| {
                window
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| v.map(|v| (i, v)))
                    .fold((0, f32::NEG_INFINITY), |best, (i, v)| {
                        if v > best.1 {
                            (i, v)
                        } else {
                            best
                        }
                    })
                    .0
            });
            UnitMath::Pool {
                kernel_hw: p.kernel,
                window,
                winner,
                total,
            }
        }
        Layer::Flatten => {
            let [_, h, w] = chw(input);
            let f = unit.channel;
            UnitMath::Flatten {
                from: Unit {
                    channel: f / (h * w),
                    row: f / w % h,
                    col: f % w,
                },
                total,
            }
        }
        Layer::Linear {
            in_features, bias, ..
        } => {
            let weight = param("weight")?;
            let row = weight
                .data
                .get(unit.channel * in_features..(unit.channel + 1) * in_features)?;
            let mut products: Vec<(usize, f32, f32)> = row
                .iter()
                .zip(&input.data)
                .enumerate()
                .map(|(i, (&w, &x))| (i, w, x))
                .collect();
            products.sort_by(|a, b| (b.1 * b.2).abs().total_cmp(&(a.1 * a.2).abs()));
            let rest = &products[LINEAR_TERMS.min(products.len())..];
            UnitMath::Linear {
                rest: rest.iter().map(|(_, w, x)| w * x).sum(),
                rest_count: rest.len(),
                top: products[..LINEAR_TERMS.min(products.len())].to_vec(),
                bias: if *bias {
                    *param("bias")?.data.get(unit.channel)?
                } else {
                    0.0
                },
                total,
            }
        }
        Layer::Residual(_) => match paths {
            Some((main, shortcut)) => UnitMath::Residual {
                main: at(main, unit)?,
                shortcut: at(shortcut, unit)?,
                total,
            },
            None => UnitMath::Whole { total },
        },
        Layer::AdaptiveAvgPool2d => {
            let [_, h, w] = chw(input);
            let plane = input
                .data
                .get(unit.channel * h * w..(unit.channel + 1) * h * w)?;
            UnitMath::Mean {
                sum: plane.iter().sum(),
                count: plane.len(),
                total,
            }
        }
        _ => UnitMath::Whole { total },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the terms add up to, computed here from the written numbers (the engine's value is
    /// `total`): a convolution's channel sums plus its bias, batch norm's formula, an activation of
    /// its input, a window's maximum or mean, a Linear's products plus its bias.
    fn recomputed(math: &UnitMath) -> f32 {
        match math {
            UnitMath::Conv { terms, bias, .. } => terms.iter().map(|t| t.sum).sum::<f32>() + bias,
            UnitMath::BatchNorm {
                x,
                mean,
                var,
                eps,
                gamma,
                beta,
                ..
            } => (x - mean) / (var + eps).sqrt() * gamma + beta,
            UnitMath::Activation { name, x, .. } => {
                if *name == "ReLU" {
                    x.max(0.0)
                } else {
                    1.0 / (1.0 + (-x).exp())
                }
            }
            UnitMath::Pool { window, winner, .. } => match winner {
                Some(i) => window[*i].unwrap_or(0.0),
                // PyTorch's AvgPool2d counts the padding (count_include_pad=True).
                None => window.iter().map(|v| v.unwrap_or(0.0)).sum::<f32>() / window.len() as f32,
            },
            UnitMath::Linear {
                top, rest, bias, ..
            } => top.iter().map(|(_, w, x)| w * x).sum::<f32>() + rest + bias,
            UnitMath::Residual { main, shortcut, .. } => (main + shortcut).max(0.0),
            UnitMath::Mean { sum, count, .. } => sum / *count as f32,
            UnitMath::Flatten { total, .. } | UnitMath::Whole { total } => *total,
        }
    }

    fn t(shape: &[usize], data: Vec<f32>) -> Tensor {
        Tensor::new(shape.to_vec(), data).unwrap()
    }

    /// `Conv2d(2, 1, 2, padding=1)` at output (0, 0): only tap (1, 1) of each window is inside,
    /// so the unit is x0[0,0]·w0[1,1] + x1[0,0]·w1[1,1] + b = 1·4 + 10·8 + 0.5 = 84.5.
    #[test]
    fn a_convolution_unit_is_its_channels_windows_times_kernels_plus_the_bias() {
        let layer = Layer::conv(2, 1, 2, 1, 1);
        let mut params = ParamStore::new();
        params.insert(
            "c.weight",
            t(&[1, 2, 2, 2], (1..=8).map(|v| v as f32).collect()),
        );
        params.insert("c.bias", t(&[1], vec![0.5]));
        let input = t(
            &[1, 2, 2, 2],
            vec![1.0, 2.0, 3.0, 4.0, 10.0, 20.0, 30.0, 40.0],
        );
        let output = t(
            &[1, 1, 3, 3],
            vec![84.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        );
        let math = unit_math(
            &layer,
            "c",
            &params,
            &input,
            &output,
            Unit {
                channel: 0,
                row: 0,
                col: 0,
            },
            None,
        )
        .unwrap();
        let UnitMath::Conv { terms, bias, total } = &math else {
            panic!("{math:?}")
        };
        assert_eq!(terms[0].window, vec![None, None, None, Some(1.0)]);
        assert_eq!(
            (terms[0].sum, terms[1].sum, *bias, *total),
            (4.0, 80.0, 0.5, 84.5)
        );
        assert_eq!(recomputed(&math), 84.5);
    }

    #[test]
    fn grad_cam_follows_each_block_while_the_output_has_positions() {
        use super::super::state::layer_shapes;
        let blocks = |name: &str| {
            let model = convlab_core::arch::by_name(name).unwrap();
            cam_blocks(&model, &layer_shapes(name))
        };
        // The two conv–bn–relu–pool blocks; the stem and the three residual blocks; the pools.
        assert_eq!(blocks("mnist_convnet"), [3, 7]);
        assert_eq!(blocks("small_resnet"), [2, 3, 4, 5]);
        assert_eq!(blocks("lenet"), [2, 5]);
        assert_eq!(blocks("three_layer_cnn"), [2, 5, 8]);
    }

    #[test]
    fn batch_norm_max_pool_flatten_and_linear_units() {
        let mut params = ParamStore::new();
        params.insert("bn.weight", t(&[1], vec![2.0]));
        params.insert("bn.bias", t(&[1], vec![1.0]));
        params.insert("bn.running_mean", t(&[1], vec![3.0]));
        params.insert("bn.running_var", t(&[1], vec![4.0 - 1e-5]));
        let x = t(&[1, 1, 2, 2], vec![7.0, -1.0, 5.0, 2.0]);
        let u = Unit {
            channel: 0,
            row: 0,
            col: 0,
        };
        // (7 − 3) / √4 · 2 + 1 = 5.
        let bn = unit_math(
            &Layer::batch_norm(1),
            "bn",
            &params,
            &x,
            &t(&[1, 1, 2, 2], vec![5.0; 4]),
            u,
            None,
        )
        .unwrap();
        assert!((recomputed(&bn) - 5.0).abs() < 1e-6);
        let pool = unit_math(
            &Layer::max_pool(2, 2, 0),
            "p",
            &params,
            &x,
            &t(&[1, 1, 1, 1], vec![7.0]),
            u,
            None,
        )
        .unwrap();
        assert_eq!(
            pool,
            UnitMath::Pool {
                kernel_hw: [2, 2],
                window: vec![Some(7.0), Some(-1.0), Some(5.0), Some(2.0)],
                winner: Some(0),
                total: 7.0
            }
        );
        // Feature 3 of a (1, 2, 2) input is channel 0, row 1, column 1.
        let flat = unit_math(
            &Layer::Flatten,
            "f",
            &params,
            &x,
            &t(&[1, 4], vec![7.0, -1.0, 5.0, 2.0]),
            Unit {
                channel: 3,
                row: 0,
                col: 0,
            },
            None,
        )
        .unwrap();
        assert_eq!(
            flat,
            UnitMath::Flatten {
                from: Unit {
                    channel: 0,
                    row: 1,
                    col: 1
                },
                total: 2.0
            }
        );
        params.insert("fc.weight", t(&[1, 6], vec![1.0, -1.0, 0.5, 0.0, 2.0, 3.0]));
        params.insert("fc.bias", t(&[1], vec![-1.0]));
        let v = t(&[1, 6], vec![1.0, 2.0, 4.0, 8.0, 0.25, 0.1]);
        // 1 − 2 + 2 + 0 + 0.5 + 0.3 − 1 = 0.8; the smallest product (0·8) is the rest.
        let fc = unit_math(
            &Layer::linear(6, 1),
            "fc",
            &params,
            &v,
            &t(&[1, 1], vec![0.8]),
            u,
            None,
        )
        .unwrap();
        let UnitMath::Linear {
            top, rest_count, ..
        } = &fc
        else {
            panic!("{fc:?}")
        };
        assert_eq!((top[0].0, top[1].0, *rest_count), (1, 2, 1));
        assert!((recomputed(&fc) - 0.8).abs() < 1e-6);
    }
}
