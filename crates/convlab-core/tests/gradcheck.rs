//! Finite-difference checks of every backward pass: for a random projection `L = Σ y·r` of an
//! op's output, the analytic gradient must match `(L(x + h) − L(x − h)) / 2h` on every input
//! element checked. This is independent of PyTorch: it tests the backward against the forward.

use convlab_core::nn::{self, Layer, Mode, Model, Module, ParamStore, ResidualSpec};
use convlab_core::ops::{self, Conv2dParams, Pool2dParams};
use convlab_core::rng::Rng;
use convlab_core::{arch, Backend, CpuBackend, Tensor};

fn dot(a: &Tensor, b: &Tensor) -> f64 {
    a.data
        .iter()
        .zip(&b.data)
        .map(|(x, y)| *x as f64 * *y as f64)
        .sum()
}

/// Checks `analytic` (∂L/∂x) against central differences of `loss` around `x`, on up to 40
/// evenly spread elements.
fn assert_gradient(what: &str, x: &Tensor, analytic: &Tensor, loss: impl Fn(&Tensor) -> f64) {
    assert_gradient_step(what, x, analytic, loss, 1e-2)
}

/// [`assert_gradient`] with step `h`. Whole networks need a small step: ReLUs after batch norm
/// see values near 0. When a ReLU's kink still lies within ±h of the element, the central
/// difference mixes two slopes; the analytic gradient is then the slope on the side of the kink
/// where the element is, which one of the one-sided differences measures. Where the two
/// one-sided slopes disagree grossly (several kinks crossed: a first-layer weight feeds every
/// pixel), the loss is not differentiable at this scale and the element is skipped; at most a
/// quarter of the elements may be, so the check cannot pass vacuously.
fn assert_gradient_step(
    what: &str,
    x: &Tensor,
    analytic: &Tensor,
    loss: impl Fn(&Tensor) -> f64,
    h: f32,
) {
    assert_eq!(analytic.shape, x.shape, "{what}: gradient shape");
    let samples = 40.min(x.numel());
    let at = loss(x);
    let mut skipped = 0;
    for s in 0..samples {
        let i = s * x.numel() / samples;
        let (mut plus, mut minus) = (x.clone(), x.clone());
        plus.data[i] += h;
        minus.data[i] -= h;
        let (up, down) = (loss(&plus), loss(&minus));
        let central = (up - down) / (2.0 * h as f64);
        let (right, left) = ((up - at) / h as f64, (at - down) / h as f64);
        if (right - left).abs() > 0.25 * right.abs().max(left.abs()) + 1e-2 {
            skipped += 1;
            continue;
        }
        let got = analytic.data[i] as f64;
        let close = |want: f64| (got - want).abs() <= 2e-3 + 2e-2 * want.abs();
        assert!(
            close(central) || close(right) || close(left),
            "{what}[{i}]: analytic {got} vs finite differences {central} (central), {right} (right), {left} (left)"
        );
    }
    assert!(
        skipped * 4 <= samples,
        "{what}: {skipped} of {samples} elements sit on kinks"
    );
}

#[test]
fn conv2d_backward_matches_finite_differences() {
    let mut rng = Rng::new(1);
    let configs = [
        ([2, 3, 7, 6], [4, 3, 3, 3], Conv2dParams::default()),
        (
            [1, 2, 9, 8],
            [2, 2, 3, 2],
            Conv2dParams {
                stride: [2, 3],
                padding: [1, 2],
                ..Default::default()
            },
        ),
        (
            [1, 4, 9, 9],
            [4, 2, 3, 3],
            Conv2dParams {
                padding: [2, 2],
                dilation: [2, 2],
                groups: 2,
                ..Default::default()
            },
        ),
        ([2, 1, 5, 5], [3, 1, 1, 1], Conv2dParams::default()),
    ];
    for (xs, ws, p) in configs {
        let (x, w, b) = (rng.tensor(&xs), rng.tensor(&ws), rng.tensor(&[ws[0]]));
        let y = ops::conv2d::forward(&x, &w, Some(&b), p).unwrap();
        let r = rng.tensor(&y.shape);
        let g = ops::conv2d::backward(&x, &w, &r, p, true).unwrap();
        let f = |x: &Tensor, w: &Tensor, b: &Tensor| {
            dot(&ops::conv2d::forward(x, w, Some(b), p).unwrap(), &r)
        };
        assert_gradient("conv2d input", &x, &g.input, |x| f(x, &w, &b));
        assert_gradient("conv2d weight", &w, &g.weight, |w| f(&x, w, &b));
        assert_gradient("conv2d bias", &b, g.bias.as_ref().unwrap(), |b| {
            f(&x, &w, b)
        });
    }
}

#[test]
fn pooling_backward_matches_finite_differences() {
    let mut rng = Rng::new(2);
    // Distinct values far apart (a shuffled ramp) so that ±h never changes which input wins a max.
    let n = 2 * 3 * 7 * 6;
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, (rng.uniform() * (i + 1) as f32) as usize % (i + 1));
    }
    let x = Tensor::new(
        vec![2, 3, 7, 6],
        order.iter().map(|&v| v as f32 * 0.1).collect(),
    )
    .unwrap();
    for p in [
        Pool2dParams::new([2, 2]),
        Pool2dParams {
            kernel: [3, 3],
            stride: [2, 2],
            padding: [1, 1],
        },
        Pool2dParams {
            kernel: [2, 3],
            stride: [1, 2],
            padding: [1, 0],
        },
    ] {
        let r = rng.tensor(&ops::pool::max_pool2d(&x, p).unwrap().shape);
        let gx = ops::pool::max_pool2d_backward(&x, &r, p).unwrap();
        assert_gradient("max_pool2d", &x, &gx, |x| {
            dot(&ops::pool::max_pool2d(x, p).unwrap(), &r)
        });
        for include_pad in [true, false] {
            let gx = ops::pool::avg_pool2d_backward(&x.shape, &r, p, include_pad).unwrap();
            assert_gradient("avg_pool2d", &x, &gx, |x| {
                dot(&ops::pool::avg_pool2d(x, p, include_pad).unwrap(), &r)
            });
        }
    }
}

#[test]
fn batch_norm_backward_matches_finite_differences() {
    let mut rng = Rng::new(3);
    let (x, gamma, beta) = (
        rng.tensor(&[3, 2, 4, 3]),
        rng.tensor(&[2]),
        rng.tensor(&[2]),
    );
    let r = rng.tensor(&x.shape);
    // Training: the batch statistics depend on x, and the gradient flows through them.
    let (_, stats) = ops::batch_norm::forward_train(&x, &gamma, &beta, 1e-5).unwrap();
    let g = ops::batch_norm::backward(&x, &gamma, &stats.mean, &stats.inv_std, &r, true).unwrap();
    let f = |x: &Tensor, gm: &Tensor, bt: &Tensor| {
        dot(
            &ops::batch_norm::forward_train(x, gm, bt, 1e-5).unwrap().0,
            &r,
        )
    };
    assert_gradient("batch_norm input", &x, &g.input, |x| f(x, &gamma, &beta));
    assert_gradient("batch_norm weight", &gamma, &g.weight, |gm| {
        f(&x, gm, &beta)
    });
    assert_gradient("batch_norm bias", &beta, &g.bias, |bt| f(&x, &gamma, bt));
    // Evaluation: running statistics are constants.
    let (rm, rv) = (
        rng.tensor(&[2]),
        Tensor::new(vec![2], vec![0.5, 2.0]).unwrap(),
    );
    let inv_std = CpuBackend.inv_std(&rv, 1e-5).unwrap();
    let g = ops::batch_norm::backward(&x, &gamma, &rm, &inv_std, &r, false).unwrap();
    let f = |x: &Tensor, gm: &Tensor| {
        dot(
            &ops::batch_norm::forward_eval(x, gm, &beta, &rm, &rv, 1e-5).unwrap(),
            &r,
        )
    };
    assert_gradient("batch_norm eval input", &x, &g.input, |x| f(x, &gamma));
    assert_gradient("batch_norm eval weight", &gamma, &g.weight, |gm| f(&x, gm));
}

#[test]
fn elementwise_backward_matches_finite_differences() {
    let mut rng = Rng::new(4);
    // Keep ReLU inputs away from its kink at 0, where the derivative jumps.
    let x = Tensor::new(
        vec![2, 3, 4],
        rng.tensor(&[24])
            .data
            .iter()
            .map(|v| if v.abs() < 0.1 { v + 0.3 } else { *v })
            .collect(),
    )
    .unwrap();
    let r = rng.tensor(&x.shape);
    let gx = ops::elementwise::relu_backward(&x, &r).unwrap();
    assert_gradient("relu", &x, &gx, |x| dot(&ops::elementwise::relu(x), &r));
    let y = ops::elementwise::sigmoid(&x);
    let gx = ops::elementwise::sigmoid_backward(&y, &r).unwrap();
    assert_gradient("sigmoid", &x, &gx, |x| {
        dot(&ops::elementwise::sigmoid(x), &r)
    });
    let x4 = rng.tensor(&[2, 3, 4, 5]);
    let r4 = rng.tensor(&[2, 3, 1, 1]);
    let gx = ops::global_pool::backward(&x4.shape, &r4).unwrap();
    assert_gradient("global_avg_pool2d", &x4, &gx, |x| {
        dot(&ops::global_pool::forward(x).unwrap(), &r4)
    });
}

#[test]
fn linear_and_cross_entropy_backward_match_finite_differences() {
    let mut rng = Rng::new(5);
    let (x, w, b) = (rng.tensor(&[4, 6]), rng.tensor(&[3, 6]), rng.tensor(&[3]));
    let r = rng.tensor(&[4, 3]);
    let g = ops::linear::backward(&x, &w, &r, true).unwrap();
    let f =
        |x: &Tensor, w: &Tensor, b: &Tensor| dot(&ops::linear::forward(x, w, Some(b)).unwrap(), &r);
    assert_gradient("linear input", &x, &g.input, |x| f(x, &w, &b));
    assert_gradient("linear weight", &w, &g.weight, |w| f(&x, w, &b));
    assert_gradient("linear bias", &b, g.bias.as_ref().unwrap(), |b| {
        f(&x, &w, b)
    });
    let logits = rng.tensor(&[4, 5]);
    let targets = [0, 3, 4, 1];
    let (_, grad) = ops::loss::cross_entropy(&logits, &targets).unwrap();
    assert_gradient("cross_entropy", &logits, &grad, |z| {
        ops::loss::cross_entropy(z, &targets).unwrap().0 as f64
    });
}

/// Gradients of every parameter of a model through its full forward/backward in training mode,
/// with finite-difference step `h`. Weights are scaled by 1/√fan_in, as PyTorch initializes
/// them, so that activations stay in range and the differences measure slopes, not f32 noise.
fn check_model(model: &Model, input: &[usize], seed: u64, h: f32) {
    let mut rng = Rng::new(seed);
    let model = model.propagate(&input[1..]).unwrap().0;
    let mut params = ParamStore::new();
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
        params.insert(q.name, t);
    }
    let x = rng.tensor(input);
    let (y, trace) =
        nn::forward(&CpuBackend, &model, &mut params.clone(), &x, Mode::Train).unwrap();
    let r = rng.tensor(&y.shape);
    let (gx, grads) = nn::backward(&CpuBackend, &model, &params, trace, &r).unwrap();
    // What training uses, the parameters' gradients without the input's, are the same numbers.
    let (_, trace) =
        nn::forward(&CpuBackend, &model, &mut params.clone(), &x, Mode::Train).unwrap();
    let only_params = nn::param_grads(&CpuBackend, &model, &params, trace, &r).unwrap();
    assert_eq!(
        only_params.names().collect::<Vec<_>>(),
        grads.names().collect::<Vec<_>>()
    );
    for (name, g) in grads.iter() {
        assert_eq!(only_params.get(name).unwrap(), g, "{}: {name}", model.name);
    }
    let loss = |params: &ParamStore<Tensor>, x: &Tensor| {
        let (y, _) = nn::forward(&CpuBackend, &model, &mut params.clone(), x, Mode::Train).unwrap();
        dot(&y, &r)
    };
    assert_gradient_step(
        &format!("{} input", model.name),
        &x,
        &gx,
        |x| loss(&params, x),
        h,
    );
    for q in model.param_specs().into_iter().filter(|q| q.trainable) {
        let value = params.get(&q.name).unwrap().clone();
        let grad = grads.get(&q.name).unwrap();
        let loss_at = |v: &Tensor| {
            let mut p = params.clone();
            p.insert(q.name.clone(), v.clone());
            loss(&p, &x)
        };
        assert_gradient_step(
            &format!("{} {}", model.name, q.name),
            &value,
            grad,
            loss_at,
            h,
        );
    }
}

#[test]
fn residual_blocks_backward_match_finite_differences() {
    for (spec, seed) in [
        (
            ResidualSpec {
                in_channels: 3,
                out_channels: 3,
                use_1x1conv: false,
                stride: 1,
            },
            6,
        ),
        (
            ResidualSpec {
                in_channels: 2,
                out_channels: 4,
                use_1x1conv: true,
                stride: 2,
            },
            7,
        ),
    ] {
        let model = Model {
            name: "residual".into(),
            input_shape: [0; 3],
            modules: vec![Module::layer("", Layer::Residual(spec))],
            lazy: true,
        };
        check_model(&model, &[2, spec.in_channels, 5, 5], seed, 1e-3);
    }
}

#[test]
fn lenet_backward_matches_finite_differences() {
    // LeNet exercises sigmoid, average pooling, flatten and three linear layers together.
    check_model(&arch::lenet(), &[2, 1, 28, 28], 8, 1e-2);
}
