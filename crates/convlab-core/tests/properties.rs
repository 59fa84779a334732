//! Properties over random configurations: the output-size formula predicts exactly the shape the
//! ops produce, invalid configurations are errors (never panics), and shape propagation through
//! a model agrees with running it.

use convlab_core::nn::{Layer, Model, Module};
use convlab_core::ops::{self, Conv2dParams, Pool2dParams};
use convlab_core::shape::{conv_output_hw, conv_output_len, pool_output_hw};
use convlab_core::Tensor;
use proptest::prelude::*;

fn filled(shape: &[usize]) -> Tensor {
    let n = shape.iter().product();
    Tensor::new(
        shape.to_vec(),
        (0..n).map(|i| (i % 7) as f32 - 3.0).collect(),
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Whenever the formula gives a size, conv2d produces exactly it; whenever it refuses, so does conv2d.
    #[test]
    fn conv2d_shape_agrees_with_formula(
        h in 1usize..12, w in 1usize..12, c in 1usize..4, groups in 1usize..3,
        kh in 0usize..6, kw in 0usize..6, sh in 0usize..4, sw in 0usize..4,
        ph in 0usize..4, pw in 0usize..4, dh in 0usize..3, dw in 0usize..3,
    ) {
        let (c_in, c_out) = (c * groups, 2 * groups);
        let params = Conv2dParams { stride: [sh, sw], padding: [ph, pw], dilation: [dh, dw], groups };
        let x = filled(&[1, c_in, h, w]);
        let weight = filled(&[c_out, c, kh, kw]);
        let formula = conv_output_hw([h, w], [kh, kw], [sh, sw], [ph, pw], [dh, dw]);
        let result = ops::conv2d::forward(&x, &weight, None, params);
        match formula {
            Ok([oh, ow]) => {
                let y = result.expect("the formula accepted this configuration");
                prop_assert_eq!(y.shape, vec![1, c_out, oh.output, ow.output]);
                // The steps add up: span = padded − effective kernel = (out − 1)·stride + remainder.
                for a in [oh, ow] {
                    prop_assert_eq!(a.span, (a.output - 1) * a.stride + a.remainder);
                    prop_assert_eq!(a.exact, a.remainder == 0);
                }
            }
            Err(_) => prop_assert!(result.is_err()),
        }
    }

    /// conv2d computes its definition, `y[co][oy][ox] = Σ_{c,i,j} w[co][c][i][j] ·
    /// x[g·C_in/g + c][oy·s − p + i·d][ox·s − p + j·d]` (zero outside the input), and its input
    /// gradient is its adjoint: ⟨conv(x), g⟩ = ⟨x, ∂conv(g)⟩. Strides, paddings past the kernel's
    /// reach and dilations make some window rows and columns fall wholly in the padding.
    #[test]
    fn conv2d_is_its_definition_and_its_input_gradient_its_adjoint(
        h in 1usize..9, w in 1usize..9, c in 1usize..3, groups in 1usize..3,
        kh in 1usize..4, kw in 1usize..4, sh in 1usize..4, sw in 1usize..4,
        ph in 0usize..4, pw in 0usize..4, dh in 1usize..3, dw in 1usize..3, seed in 0usize..1000,
    ) {
        let (c_in, c_out) = (c * groups, 2 * groups);
        let params = Conv2dParams { stride: [sh, sw], padding: [ph, pw], dilation: [dh, dw], groups };
        prop_assume!(conv_output_hw([h, w], [kh, kw], params.stride, params.padding, params.dilation).is_ok());
        let varied = |shape: &[usize], salt: usize| {
            let n: usize = shape.iter().product();
            Tensor::new(shape.to_vec(), (0..n).map(|i| ((i * 7 + seed + salt) % 11) as f32 - 5.0).collect()).unwrap()
        };
        let (x, weight) = (varied(&[2, c_in, h, w], 0), varied(&[c_out, c, kh, kw], 3));
        let y = ops::conv2d::forward(&x, &weight, None, params).unwrap();
        let [n, _, oh, ow] = y.shape[..] else { unreachable!() };
        let at = |pos: isize, len: usize| usize::try_from(pos).ok().filter(|&v| v < len);
        for (b, co, oy, ox) in (0..n).flat_map(|b| (0..c_out).flat_map(move |co| (0..oh).flat_map(move |oy| (0..ow).map(move |ox| (b, co, oy, ox))))) {
            let g = co / 2;
            let mut want = 0.0;
            for ci in 0..c {
                for i in 0..kh {
                    for j in 0..kw {
                        let iy = at((oy * sh + i * dh) as isize - ph as isize, h);
                        let ix = at((ox * sw + j * dw) as isize - pw as isize, w);
                        if let (Some(iy), Some(ix)) = (iy, ix) {
                            want += weight.data[((co * c + ci) * kh + i) * kw + j]
                                * x.data[((b * c_in + g * c + ci) * h + iy) * w + ix];
                        }
                    }
                }
            }
            prop_assert_eq!(y.data[((b * c_out + co) * oh + oy) * ow + ox], want);
        }
        let grad_y = varied(&y.shape, 5);
        let grad_x = ops::conv2d::backward(&x, &weight, &grad_y, params, false).unwrap().input;
        let dot = |a: &Tensor, b: &Tensor| a.data.iter().zip(&b.data).map(|(a, b)| a * b).sum::<f32>();
        prop_assert_eq!(dot(&y, &grad_y), dot(&x, &grad_x));
    }

    #[test]
    fn pooling_shape_agrees_with_formula(
        h in 1usize..12, w in 1usize..12, kh in 0usize..5, kw in 0usize..5,
        sh in 0usize..4, sw in 0usize..4, ph in 0usize..4, pw in 0usize..4,
    ) {
        let p = Pool2dParams { kernel: [kh, kw], stride: [sh, sw], padding: [ph, pw] };
        let x = filled(&[2, 3, h, w]);
        let formula = pool_output_hw([h, w], p.kernel, p.stride, p.padding);
        for result in [ops::pool::max_pool2d(&x, p), ops::pool::avg_pool2d(&x, p, true), ops::pool::avg_pool2d(&x, p, false)] {
            match &formula {
                Ok([oh, ow]) => prop_assert_eq!(result.expect("formula accepted").shape, vec![2, 3, oh.output, ow.output]),
                Err(_) => prop_assert!(result.is_err()),
            }
        }
        if let Ok(y) = ops::pool::max_pool2d(&x, p) {
            let gx = ops::pool::max_pool2d_backward(&x, &filled(&y.shape), p).unwrap();
            prop_assert_eq!(gx.shape, x.shape.clone());
        }
    }

    /// Any sizes at all, however absurd, give a number or an error.
    #[test]
    fn output_size_never_panics(i in any::<usize>(), k in any::<usize>(), s in any::<usize>(), p in any::<usize>(), d in any::<usize>()) {
        if let Ok(out) = conv_output_len(i, k, s, p, d) {
            prop_assert!(out.output >= 1);
        }
    }

    /// A stack of random layers: the summary's shapes are the shapes the forward pass produces,
    /// or the summary names the layer that breaks.
    #[test]
    fn summary_shapes_match_execution(
        size in 4usize..20,
        specs in proptest::collection::vec((0usize..4, 1usize..4, 0usize..3, 1usize..3), 1..5),
    ) {
        let mut layers = Vec::new();
        for (kind, k, p, s) in specs {
            layers.push(match kind {
                0 => Layer::conv(2, 2, k, s, p),
                1 => Layer::max_pool(k, s, p),
                2 => Layer::avg_pool(k, s),
                _ => Layer::ReLU,
            });
        }
        let model = Model {
            name: "random".into(),
            input_shape: [2, size, size],
            modules: layers.into_iter().enumerate().map(|(i, l)| Module::layer(i.to_string(), l)).collect(),
            lazy: false,
        };
        let summary = model.summary(&[2, size, size]);
        let mut params = convlab_core::nn::ParamStore::new();
        for q in model.param_specs() {
            params.insert(q.name, filled(&q.shape));
        }
        let run = convlab_core::nn::forward(&convlab_core::CpuBackend, &model, &mut params, &filled(&[1, 2, size, size]), convlab_core::nn::Mode::Eval);
        match summary {
            Ok(s) => {
                let (y, _) = run.expect("the summary accepted this model");
                prop_assert_eq!(&y.shape[1..], s.layers.last().unwrap().output_shape.as_slice());
            }
            Err(e) => {
                prop_assert!(e.to_string().starts_with("layer "), "{}", e);
                prop_assert!(run.is_err());
            }
        }
    }
}
