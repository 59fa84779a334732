//! The residual lesson's math and data, apart from any view: the block's layers (the core's
//! `ResidualSpec` for the basic block, three convolutions for the bottleneck), the shape at every
//! arrow from the core, the feature map it runs on, the op the engine runs, the PyTorch line and
//! the notes' examples.

use convlab_core::export::shape_text;
use convlab_core::nn::{Layer, Mode, Model, Module, ResidualSpec};
use convlab_core::ops::elementwise::check_add;
use convlab_core::rng::Rng;
use convlab_core::Tensor;

use super::state::{default_mid, Kind, ResidualState};
use crate::compute::Op;
use crate::images::synthetic_rgb;

/// The layers of a block: the main path (the residual function F, with its ReLUs), the
/// shortcut's 1×1 convolution if any, and for the basic block the core's `Layer::Residual`.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub main: Vec<(&'static str, Layer)>,
    pub shortcut: Option<(&'static str, Layer)>,
    pub whole: Option<Layer>,
}

pub fn block(s: &ResidualState) -> Block {
    match s.kind {
        Kind::Basic => {
            let spec = ResidualSpec {
                in_channels: s.c,
                out_channels: s.cout,
                use_1x1conv: s.conv_shortcut,
                stride: s.stride,
            };
            let [conv1, bn1, conv2, bn2] = spec.main_path();
            Block {
                main: vec![conv1, bn1, ("relu1", Layer::ReLU), conv2, bn2],
                shortcut: spec.shortcut().map(|l| ("conv3", l)),
                whole: Some(Layer::Residual(spec)),
            }
        }
        Kind::Bottleneck => Block {
            main: vec![
                ("conv1", Layer::conv(s.c, s.mid, 1, 1, 0)),
                ("bn1", Layer::batch_norm(s.mid)),
                ("relu1", Layer::ReLU),
                ("conv2", Layer::conv(s.mid, s.mid, 3, s.stride, 1)),
                ("bn2", Layer::batch_norm(s.mid)),
                ("relu2", Layer::ReLU),
                ("conv3", Layer::conv(s.mid, s.cout, 1, 1, 0)),
                ("bn3", Layer::batch_norm(s.cout)),
            ],
            shortcut: s
                .conv_shortcut
                .then(|| ("shortcut", Layer::conv(s.c, s.cout, 1, s.stride, 0))),
            whole: None,
        },
    }
}

/// A layer the way PyTorch prints it, shortened to fit a box of the diagram.
pub fn layer_code(layer: &Layer) -> String {
    match layer {
        Layer::Conv2d {
            in_channels,
            out_channels,
            kernel,
            params,
            ..
        } => {
            let mut s = format!("Conv2d({in_channels}, {out_channels}, {}", kernel[0]);
            if params.stride[0] != 1 {
                s += &format!(", stride={}", params.stride[0]);
            }
            if params.padding[0] != 0 {
                s += &format!(", padding={}", params.padding[0]);
            }
            s + ")"
        }
        Layer::BatchNorm2d { channels, .. } => format!("BatchNorm2d({channels})"),
        other => format!("{}()", other.type_name()),
    }
}

/// Every shape of the diagram, from the core.
#[derive(Clone, Debug, PartialEq)]
pub struct Shapes {
    pub input: Vec<usize>,
    /// The output of each main-path layer, up to the first that fails.
    pub main: Vec<Vec<usize>>,
    pub main_error: Option<String>,
    pub shortcut: Result<Vec<usize>, String>,
    /// Why the two paths cannot be added (the core's message), if they cannot.
    pub add_error: Option<String>,
}

pub fn shapes(s: &ResidualState, block: &Block) -> Shapes {
    let input = vec![s.c, s.h, s.h];
    let mut main = Vec::new();
    let mut main_error = None;
    let mut shape = input.clone();
    for (name, layer) in &block.main {
        match layer.output_shape(&shape) {
            Ok(out) => {
                main.push(out.clone());
                shape = out;
            }
            Err(e) => {
                main_error = Some(format!("{name} ({}): {e}", layer.type_name()));
                break;
            }
        }
    }
    let shortcut = match &block.shortcut {
        Some((_, conv)) => conv.output_shape(&input).map_err(|e| e.to_string()),
        None => Ok(input.clone()),
    };
    let add_error = match (&main_error, &shortcut) {
        (None, Ok(out)) => match &block.whole {
            // The basic block: the core's residual layer checks its own two paths.
            Some(whole) => whole.output_shape(&input).err().map(|e| e.to_string()),
            None => check_add(&shape, out).err().map(|e| e.to_string()),
        },
        _ => None,
    };
    Shapes {
        input,
        main,
        main_error,
        shortcut,
        add_error,
    }
}

/// The feature map the block runs on, `(c, h, h)`: the channels of the synthetic RGB image,
/// centred, with a little seeded noise, repeated R, G, B for more channels.
pub fn feature_map(c: usize, h: usize) -> Vec<f32> {
    let rgb = synthetic_rgb(h, h);
    let mut rng = Rng::new(7);
    (0..c)
        .flat_map(|k| (0..h * h).map(move |i| (k, i)))
        .map(|(k, i)| rgb[(k % 3) * h * h + i] - 0.4 + 0.15 * rng.symmetric(1.0))
        .collect()
}

fn model(name: &str, layers: &[(&'static str, Layer)]) -> Model {
    Model {
        name: name.into(),
        input_shape: [1, 1, 1],
        modules: layers
            .iter()
            .map(|(n, l)| Module::layer(*n, l.clone()))
            .collect(),
        lazy: false,
    }
}

/// The block on the engine (see [`Op::Residual`]), in training mode with PyTorch's initial
/// weights (seed 0); `None` when a path's shapes already fail (the diagram says why).
pub fn op(block: &Block, shapes: &Shapes, input: Vec<f32>) -> Option<convlab_core::Result<Op>> {
    if shapes.main_error.is_some() || shapes.shortcut.is_err() {
        return None;
    }
    let whole = block
        .whole
        .as_ref()
        .filter(|_| shapes.add_error.is_none())
        .map(|w| model("whole", &[("", w.clone())]));
    let shape = [&[1][..], &shapes.input].concat();
    Some(Tensor::new(shape, input).map(|input| {
        Op::Residual {
            input,
            main: model("F", &block.main),
            shortcut: block
                .shortcut
                .as_ref()
                .map(|l| model("shortcut", std::slice::from_ref(l))),
            whole,
            seed: 0,
            mode: Mode::Train,
        }
    }))
}

/// The shape of `torch.cat((a, b), dim=1)` without the batch dimension: the channels add up;
/// `None` unless H and W agree.
pub fn cat_channels(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let (&[ca, ref hw_a @ ..], &[cb, ref hw_b @ ..]) = (a, b) else {
        return None;
    };
    (hw_a == hw_b).then(|| [&[ca + cb][..], hw_a].concat())
}

/// The block as PyTorch code, with the input's shape.
pub fn pytorch(s: &ResidualState) -> String {
    let x = shape_text(&[1, s.c, s.h, s.h]);
    match s.kind {
        Kind::Basic => format!(
            "blk = Residual({}{}{})   # d2l 8.6, X: {x}",
            s.cout,
            if s.conv_shortcut {
                ", use_1x1conv=True"
            } else {
                ""
            },
            if s.stride != 1 {
                format!(", strides={}", s.stride)
            } else {
                String::new()
            },
        ),
        Kind::Bottleneck => {
            format!("F = nn.Sequential(conv1, bn1, relu, conv2, bn2, relu, conv3, bn3)   # X: {x}")
        }
    }
}

/// A worked example of the notes, one click away.
pub struct Example {
    pub title: &'static str,
    pub state: ResidualState,
}

const fn example(
    title: &'static str,
    kind: Kind,
    conv_shortcut: bool,
    stride: usize,
    [c, mid, cout, h]: [usize; 4],
) -> Example {
    Example {
        title,
        state: ResidualState {
            kind,
            conv_shortcut,
            stride,
            c,
            cout,
            mid,
            h,
            ch: 0,
        },
    }
}

/// The notes' examples: d2l's two `Residual`s, the stride that breaks the add, and the
/// bottlenecks (`[c, mid, cout, h]`; a basic block's `mid` is the default a quarter of `cout`).
pub const EXAMPLES: [Example; 5] = [
    example(
        "d2l: Residual(3)",
        Kind::Basic,
        false,
        1,
        [3, default_mid(3), 3, 12],
    ),
    example(
        "d2l: Residual(6, use_1x1conv=True, strides=2)",
        Kind::Basic,
        true,
        2,
        [3, default_mid(6), 6, 12],
    ),
    example(
        "Stride 2 without the 1×1 convolution",
        Kind::Basic,
        false,
        2,
        [3, default_mid(3), 3, 12],
    ),
    example(
        "The notes' bottleneck: 256 → 64 → 256",
        Kind::Bottleneck,
        false,
        1,
        [256, 64, 256, 28],
    ),
    example(
        "Bottleneck, stride 2: 256 → 128 → 512",
        Kind::Bottleneck,
        true,
        2,
        [256, 128, 512, 28],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use convlab_core::backend::CpuBackend;
    use convlab_core::budget::MAX_MULTIPLY_ADDS;

    fn state(kind: Kind, conv_shortcut: bool, stride: usize, sizes: [usize; 4]) -> ResidualState {
        example("", kind, conv_shortcut, stride, sizes).state
    }

    /// d2l 8.6: `Residual(6, use_1x1conv=True, strides=2)` on (4, 3, 6, 6) gives (4, 6, 3, 3):
    /// ⌊(6 + 2 − 3) / 2⌋ + 1 = 3 on the main path, ⌊(6 − 1) / 2⌋ + 1 = 3 on the shortcut.
    #[test]
    fn the_notes_strided_block_halves_the_map() {
        let s = state(Kind::Basic, true, 2, [3, 1, 6, 6]);
        let sh = shapes(&s, &block(&s));
        assert_eq!(sh.main.last(), Some(&vec![6, 3, 3]));
        assert_eq!(sh.shortcut, Ok(vec![6, 3, 3]));
        assert_eq!(sh.add_error, None);
        assert_eq!(
            pytorch(&s),
            "blk = Residual(6, use_1x1conv=True, strides=2)   # d2l 8.6, X: (1, 3, 6, 6)"
        );
    }

    /// A stride of 2 with the identity: (3, 6, 6) against (3, 12, 12), refused by the core.
    #[test]
    fn the_identity_cannot_take_a_stride() {
        let s = state(Kind::Basic, false, 2, [3, 1, 3, 12]);
        let sh = shapes(&s, &block(&s));
        assert_eq!(sh.main.last(), Some(&vec![3, 6, 6]));
        assert_eq!(
            sh.add_error.as_deref(),
            Some(
                "the block's output [3, 6, 6] and its shortcut [3, 12, 12] differ, so they cannot be \
                 added: use a 1×1 convolution on the shortcut (use_1x1conv) when the channels or the \
                 stride change"
            )
        );
    }

    /// The notes' bottleneck: 1×1 to 64, 3×3, 1×1 back to 256, every map 28 × 28.
    #[test]
    fn the_notes_bottleneck_keeps_the_shape() {
        let s = EXAMPLES[3].state.clone();
        let b = block(&s);
        let codes: Vec<_> = b.main.iter().map(|(_, l)| layer_code(l)).collect();
        assert_eq!(codes[0], "Conv2d(256, 64, 1)");
        assert_eq!(codes[3], "Conv2d(64, 64, 3, padding=1)");
        assert_eq!(codes[6], "Conv2d(64, 256, 1)");
        let sh = shapes(&s, &b);
        assert_eq!(sh.main.last(), Some(&vec![256, 28, 28]));
        assert_eq!(sh.shortcut, Ok(vec![256, 28, 28]));
    }

    /// The block on the engine: the sum is F(x) + x element by element, the output its ReLU,
    /// and the same as the core's Residual layer run as one; with mismatched paths only F(x)
    /// and the shortcut come back.
    #[test]
    fn the_engine_adds_the_shortcut() {
        let s = ResidualState::default();
        let (b, x) = (block(&s), feature_map(3, 12));
        let sh = shapes(&s, &b);
        let out = op(&b, &sh, x.clone())
            .unwrap()
            .unwrap()
            .apply_all(&CpuBackend)
            .unwrap();
        assert_eq!(out.len(), 5);
        assert_eq!(out[1].data, x, "the identity carries x");
        for (i, xi) in x.iter().enumerate() {
            let [f, sum, relu, whole] = [0, 2, 3, 4].map(|k| out[k].data[i]);
            assert_eq!(sum, f + xi);
            assert_eq!(relu, sum.max(0.0));
            assert!((whole - relu).abs() <= 1e-5 + 1e-4 * relu.abs());
        }
        let s = EXAMPLES[2].state.clone();
        let b = block(&s);
        let sh = shapes(&s, &b);
        let out = op(&b, &sh, feature_map(3, 12))
            .unwrap()
            .unwrap()
            .apply_all(&CpuBackend)
            .unwrap();
        let shapes: Vec<_> = out.iter().map(|t| t.shape.clone()).collect();
        assert_eq!(shapes, vec![vec![1, 3, 6, 6], vec![1, 3, 12, 12]]);
    }

    /// The links after clamping: the largest basic block is refused by the budget with
    /// its message before anything runs; the notes' examples fit.
    #[test]
    fn the_budget_refuses_the_largest_blocks() {
        let s = state(Kind::Basic, true, 1, [512, 128, 512, 32]);
        let (b, x) = (block(&s), feature_map(512, 32));
        let cost = op(&b, &shapes(&s, &b), x).unwrap().unwrap().cost().unwrap();
        // conv1 and conv2: 512·512·9 multiply-adds at each of 32² positions, twice over (the
        // parts and the whole): 4 · 2,415,919,104.
        assert!(cost.multiply_adds >= 4 * 2_415_919_104);
        let refused = cost.check().unwrap_err().to_string();
        assert!(refused.contains("1,000,000,000"), "{refused}");
        for e in &EXAMPLES {
            let (b, x) = (block(&e.state), feature_map(e.state.c, e.state.h));
            let sh = shapes(&e.state, &b);
            let cost = op(&b, &sh, x).unwrap().unwrap().cost().unwrap();
            assert!(cost.multiply_adds <= MAX_MULTIPLY_ADDS, "{}", e.title);
        }
    }

    #[test]
    fn concatenation_adds_the_channels() {
        assert_eq!(
            cat_channels(&[3, 12, 12], &[3, 12, 12]),
            Some(vec![6, 12, 12])
        );
        assert_eq!(
            cat_channels(&[256, 28, 28], &[256, 28, 28]),
            Some(vec![512, 28, 28])
        );
        assert_eq!(cat_channels(&[3, 6, 6], &[3, 12, 12]), None);
    }

    #[test]
    fn the_feature_map_repeats_the_image_channels() {
        let x = feature_map(4, 12);
        let noise = 0.15;
        let rgb = synthetic_rgb(12, 12);
        for i in 0..4 * 144 {
            let base = rgb[(i / 144 % 3) * 144 + i % 144] - 0.4;
            assert!((x[i] - base).abs() <= noise + 1e-6, "{i}");
        }
    }
}
