//! The channels lesson's math and data, apart from any view: the image and the default filters,
//! the ops the engine runs (the 3×3 convolution taken apart by channel; the 1×1 convolution and
//! the same as a matrix multiply), the arithmetic written out with the engine's values, and the
//! bottleneck's parameter and multiply-add counts from the core's layers.

use convlab_core::nn::Layer;
use convlab_core::ops::Conv2dParams;
use convlab_core::Tensor;

use super::state::{ChannelsState, MAX_FILTERS, PER_FILTER};
use crate::compute::Op;
use crate::format;
use crate::images::synthetic_rgb;

/// The image's side, in pixels.
pub const IMG: usize = 12;
pub const KERNEL: usize = 3;
pub const CHANNEL_NAMES: [&str; 3] = ["red", "green", "blue"];

/// The 3×3 kernels the lesson's filters are made of: vertical and horizontal edges (Sobel), a
/// plus-shaped sum and the centre pixel alone.
pub const SOBEL_X: [f32; 9] = [-1., 0., 1., -2., 0., 2., -1., 0., 1.];
pub const SOBEL_Y: [f32; 9] = [-1., -2., -1., 0., 0., 0., 1., 2., 1.];
pub const PLUS: [f32; 9] = [0., 1., 0., 1., 1., 1., 0., 1., 0.];
pub const CENTRE: [f32; 9] = [0., 0., 0., 0., 1., 0., 0., 0., 0.];

/// The default filters, weight `i` of the `(4, 3, 3, 3)` tensor: edges and blobs (vertical edges
/// of red, horizontal edges of green, minus the blue blobs), the centre pixel of each channel
/// (R + G + B), green minus blue, and the horizontal edges of all three channels.
pub fn default_weight(i: usize) -> f32 {
    let (o, c, k) = (i / PER_FILTER, (i / 9) % 3, i % 9);
    match (o % MAX_FILTERS, c) {
        (0, 0) => SOBEL_X[k],
        (0, 1) => SOBEL_Y[k],
        (0, _) => -PLUS[k],
        (1, _) => CENTRE[k],
        (2, 0) => 0.0,
        (2, 1) => PLUS[k],
        (2, _) => -PLUS[k],
        _ => SOBEL_Y[k],
    }
}

pub fn default_bias(o: usize) -> f32 {
    [0.5, -1.0, 0.0, 0.0][o % MAX_FILTERS]
}

/// The 1×1 kernel's default rows: the grey level of a pixel (ITU-R 601 weights), red minus
/// green, blue alone, and the mean of the three.
pub fn default_k1(i: usize) -> f32 {
    const ROWS: [[f32; 3]; MAX_FILTERS] = [
        [0.299, 0.587, 0.114],
        [1.0, -1.0, 0.0],
        [0.0, 0.0, 1.0],
        [0.5, 0.5, 0.5],
    ];
    ROWS[(i / 3) % MAX_FILTERS][i % 3]
}

fn given_or(list: &Option<Vec<f32>>, len: usize, default: fn(usize) -> f32) -> Vec<f32> {
    list.clone()
        .unwrap_or_else(|| (0..len).map(default).collect())
}

/// The filters' weights, `(cout, 3, 3, 3)` flat.
pub fn weights(s: &ChannelsState) -> Vec<f32> {
    given_or(&s.weight, s.cout * PER_FILTER, default_weight)
}

pub fn biases(s: &ChannelsState) -> Vec<f32> {
    given_or(&s.bias, s.cout, default_bias)
}

/// The 1×1 kernel as the matrix K, `(c1, 3)` flat.
pub fn k1(s: &ChannelsState) -> Vec<f32> {
    given_or(&s.k1, s.c1 * 3, default_k1)
}

/// The image, `(3, IMG, IMG)`.
pub fn image() -> Vec<f32> {
    synthetic_rgb(IMG, IMG)
}

/// The 3×3 convolution of the image (padding 1) taken apart by input channel: outputs as
/// [`Op::ConvByChannel`] lists them, see [`sum_index`] and [`partial_index`].
pub fn conv_op(weight: Vec<f32>, bias: Vec<f32>) -> convlab_core::Result<Op> {
    let cout = bias.len();
    Ok(Op::ConvByChannel {
        input: Tensor::new(vec![1, 3, IMG, IMG], image())?,
        weight: Tensor::new(vec![cout, 3, KERNEL, KERNEL], weight)?,
        bias: Some(Tensor::new(vec![cout], bias)?),
        params: Conv2dParams {
            padding: [1, 1],
            ..Conv2dParams::default()
        },
    })
}

/// Where the sum of filter `o`'s partial maps is among the op's outputs.
pub fn sum_index(o: usize) -> usize {
    1 + o
}

/// Where the partial map of filter `o` over channel `c` is among the op's outputs.
pub fn partial_index(cout: usize, o: usize, c: usize) -> usize {
    1 + cout + o * 3 + c
}

/// `y[0][7, 5] = -1 + -3 + -1 + b (0.5) = -4.5`: one output pixel as the sum of its partial maps.
pub fn channel_arithmetic(
    o: usize,
    (y, x): (usize, usize),
    parts: [f32; 3],
    bias: f32,
    out: f32,
) -> String {
    let v = format::value;
    format!(
        "y[{o}][{y}, {x}] = {} + {} + {} + b ({}) = {}",
        v(parts[0]),
        v(parts[1]),
        v(parts[2]),
        v(bias),
        v(out)
    )
}

/// The pixels as rows, `(H·W, 3)`: the image `(3, H·W)` transposed, for `nn.Linear`. Moving
/// data, not arithmetic.
pub fn pixels_as_rows(image: &[f32]) -> Vec<f32> {
    let hw = IMG * IMG;
    (0..hw)
        .flat_map(|p| (0..3).map(move |c| image[c * hw + p]))
        .collect()
}

/// The 1×1 convolution twice: `nn.Conv2d(3, c1, kernel_size=1)` on the image and
/// `nn.Linear(3, c1)` on its pixels as rows, both without bias, both by the engine.
pub fn one_by_one_op(k1: Vec<f32>) -> convlab_core::Result<Op> {
    let c1 = k1.len() / 3;
    let image = image();
    Ok(Op::Each(vec![
        Op::Conv2d {
            input: Tensor::new(vec![1, 3, IMG, IMG], image.clone())?,
            weight: Tensor::new(vec![c1, 3, 1, 1], k1.clone())?,
            bias: None,
            params: Conv2dParams::default(),
        },
        Op::Linear {
            input: Tensor::new(vec![IMG * IMG, 3], pixels_as_rows(&image))?,
            weight: Tensor::new(vec![c1, 3], k1)?,
            bias: None,
        },
    ]))
}

/// The linear layer's `(H·W, c1)` read column by column: `c1` maps of `H·W`, as the
/// convolution gives them.
pub fn columns_as_maps(linear: &[f32], c1: usize) -> Vec<f32> {
    let hw = IMG * IMG;
    (0..c1)
        .flat_map(|o| (0..hw).map(move |p| linear[p * c1 + o]))
        .collect()
}

/// Whether two results agree (|a − b| ≤ 1e-5 + 1e-4·|b| everywhere), their largest difference,
/// and how many values were compared.
pub fn compare(a: &[f32], b: &[f32]) -> (bool, f32, usize) {
    let max_diff = a
        .iter()
        .zip(b)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    let equal = a
        .iter()
        .zip(b)
        .all(|(a, b)| (a - b).abs() <= 1e-5 + 1e-4 * b.abs());
    (equal, max_diff, a.len())
}

/// `[4, 4]  x = (1, 1, 0)  →  y[0] = 0.299·1 + 0.587·1 + 0.114·0 = 0.886;  …`: one pixel's
/// channels mixed by each row of K, with the engine's values `out[o]`.
pub fn mixing((y, x): (usize, usize), px: [f32; 3], k: &[f32], out: &[f32]) -> String {
    let v = format::value;
    let lines: Vec<String> = out
        .iter()
        .enumerate()
        .map(|(o, &result)| {
            let terms: Vec<String> = (0..3)
                .map(|c| format!("{}·{}", v(k[o * 3 + c]), v(px[c])))
                .collect();
            format!("y[{o}] = {} = {}", terms.join(" + "), v(result))
        })
        .collect();
    format!(
        "[{y}, {x}]  x = ({}, {}, {})  →  {}",
        v(px[0]),
        v(px[1]),
        v(px[2]),
        lines.join(";  ")
    )
}

/// One row of the bottleneck table: a convolution's code, output shape, parameters and
/// multiply-adds (`u64`: in the browser a `usize` has 32 bits and wraps on large layers).
#[derive(Clone, Debug, PartialEq)]
pub struct Count {
    pub code: String,
    pub out: Vec<usize>,
    pub params: u64,
    pub macs: u64,
}

/// `layer`, a convolution, on `input`: the core's output shape, parameter count and multiply-adds.
pub fn count(layer: &Layer, input: &[usize]) -> Result<Count, String> {
    let Layer::Conv2d {
        in_channels,
        out_channels,
        kernel,
        params,
        bias,
    } = layer
    else {
        return Err("not a convolution".into());
    };
    let padding = if params.padding[0] > 0 {
        format!(", padding={}", params.padding[0])
    } else {
        String::new()
    };
    let groups = if params.groups > 1 {
        format!(", groups={}", params.groups)
    } else {
        String::new()
    };
    let bias = if *bias { "" } else { ", bias=False" };
    Ok(Count {
        code: format!(
            "nn.Conv2d({in_channels}, {out_channels}, kernel_size={}{padding}{groups}{bias})",
            kernel[0]
        ),
        out: layer.output_shape(input).map_err(|e| e.to_string())?,
        params: layer.param_count(),
        macs: layer.multiply_adds(input).map_err(|e| e.to_string())?,
    })
}

/// The plain 3×3 convolution of `c` channels on `h × h`, and the bottleneck 1×1 (`c → m`),
/// 3×3 (`m → m`), 1×1 (`m → c`) doing the same job.
pub fn bottleneck(c: usize, m: usize, h: usize) -> Result<(Vec<Count>, Vec<Count>), String> {
    let input = [c, h, h];
    let plain = vec![count(&Layer::conv(c, c, 3, 1, 1), &input)?];
    let a = count(&Layer::conv(c, m, 1, 1, 0), &input)?;
    let b = count(&Layer::conv(m, m, 3, 1, 1), &a.out)?;
    let d = count(&Layer::conv(m, c, 1, 1, 0), &b.out)?;
    Ok((plain, vec![a, b, d]))
}

/// MobileNet's depthwise separable convolution of `c` channels on `h × h`, the counts' rows: a
/// 3×3 convolution of each channel on its own (`groups = c`), then a 1×1 convolution mixing them.
pub fn separable(c: usize, h: usize) -> Result<Vec<Count>, String> {
    let input = [c, h, h];
    let depthwise = Layer::Conv2d {
        in_channels: c,
        out_channels: c,
        kernel: [3, 3],
        params: Conv2dParams {
            padding: [1, 1],
            groups: c,
            ..Conv2dParams::default()
        },
        bias: true,
    };
    let a = count(&depthwise, &input)?;
    let b = count(&Layer::conv(c, c, 1, 1, 0), &a.out)?;
    Ok(vec![a, b])
}

/// The parameters and multiply-adds of several layers together.
pub fn totals(rows: &[Count]) -> (u64, u64) {
    rows.iter().fold((0, 0), |(p, m), r| {
        (p.saturating_add(r.params), m.saturating_add(r.macs))
    })
}

/// How many times `a` is `b`, as the table writes it: `8.5×`.
pub fn ratio(a: u64, b: u64) -> String {
    if b == 0 {
        "—".to_string()
    } else {
        format!("{:.1}×", a as f64 / b as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use convlab_core::backend::CpuBackend;

    /// The notes' bottleneck, worked by hand: 256·256·9 + 256 = 590,080 parameters against
    /// 256·64 + 64 + 64·64·9 + 64 + 64·256 + 256 = 70,016.
    #[test]
    fn the_notes_bottleneck_saves_eight_times_the_parameters() {
        let (plain, neck) = bottleneck(256, 64, 28).unwrap();
        assert_eq!(totals(&plain).0, 590_080);
        assert_eq!(totals(&neck).0, 70_016);
        assert_eq!(ratio(totals(&plain).0, totals(&neck).0), "8.4×");
        assert_eq!(neck[0].code, "nn.Conv2d(256, 64, kernel_size=1)");
        assert_eq!(neck[1].code, "nn.Conv2d(64, 64, kernel_size=3, padding=1)");
        assert_eq!(neck[2].out, vec![256, 28, 28]);
    }

    /// MobileNet's saving, by hand for 256 channels on 28 × 28: depthwise 256·9 + 256 = 2,560
    /// parameters, pointwise 256·256 + 256 = 65,792; 68,352 against the plain 590,080 (8.6×).
    #[test]
    fn a_depthwise_separable_convolution_is_counted_per_group() {
        let rows = separable(256, 28).unwrap();
        assert_eq!(
            rows[0].code,
            "nn.Conv2d(256, 256, kernel_size=3, padding=1, groups=256)"
        );
        assert_eq!((rows[0].params, rows[1].params), (2_560, 65_792));
        assert_eq!(rows[0].macs, 256 * 9 * 28 * 28);
        let (plain, _) = bottleneck(256, 64, 28).unwrap();
        assert_eq!(ratio(totals(&plain).0, totals(&rows).0), "8.6×");
    }

    /// The link `?bc=256&bh=112`, where a 32-bit count wrapped (3,103,784,960 and 3.6×).
    /// By hand: the plain 3×3 does 256·256·9 = 589,824 multiply-adds per position, at 112² =
    /// 12,544 positions: 7,398,752,256; the bottleneck (256·64 + 64·64·9 + 64·256) · 12,544 =
    /// 69,632 · 12,544 = 873,463,808; 7,398,752,256 / 873,463,808 = 8.47.
    #[test]
    fn large_counts_do_not_wrap() {
        let (plain, neck) = bottleneck(256, 64, 112).unwrap();
        assert_eq!(totals(&plain).1, 7_398_752_256);
        assert_eq!(totals(&neck).1, 873_463_808);
        assert_eq!(ratio(totals(&plain).1, totals(&neck).1), "8.5×");
        // The lesson's largest: 4096² · 9 · 512² = 39,582,418,599,936 multiply-adds.
        let (plain, _) = bottleneck(4096, 4096, 512).unwrap();
        assert_eq!(totals(&plain).1, 39_582_418_599_936);
    }

    /// The notes' 1×1 example: `nn.Conv2d(10, 3, kernel_size=1)` on `(10, 4, 4)`: 30 weights + 3
    /// biases, 30 multiply-adds at each of 16 positions.
    #[test]
    fn the_notes_one_by_one_example() {
        let (_, neck) = bottleneck(10, 3, 4).unwrap();
        assert_eq!(
            (
                neck[0].code.as_str(),
                neck[0].out.clone(),
                neck[0].params,
                neck[0].macs
            ),
            ("nn.Conv2d(10, 3, kernel_size=1)", vec![3, 4, 4], 33, 480)
        );
    }

    /// Filter 1 at pixel (7, 5), worked by hand from the image's shapes: around it red is on in
    /// the row above, left and centre (Sobel-x's −1 and 0: −1); green in the upper right 2 × 2
    /// (Sobel-y's top row: −2 − 1 = −3); blue in the row below (the minus plus's bottom: −1).
    /// The engine's partial maps, their sum and the output give the course's line.
    #[test]
    fn one_output_pixel_is_the_sum_of_its_partial_maps() {
        let s = ChannelsState::default();
        let out = conv_op(weights(&s), biases(&s))
            .unwrap()
            .apply_all(&CpuBackend)
            .unwrap();
        let at = |t: &Tensor, plane: usize| t.data[plane * IMG * IMG + 7 * IMG + 5];
        let parts = [0, 1, 2].map(|c| at(&out[partial_index(2, 0, c)], 0));
        assert_eq!(parts, [-1.0, -3.0, -1.0]);
        assert_eq!(at(&out[sum_index(0)], 0), -5.0);
        assert_eq!(
            channel_arithmetic(0, (7, 5), parts, biases(&s)[0], at(&out[0], 0)),
            "y[0][7, 5] = -1 + -3 + -1 + b (0.5) = -4.5"
        );
    }

    /// The 1×1 convolution and the matrix multiply agree, and at the red-and-green pixel (4, 4)
    /// the grey level is 0.299 + 0.587 = 0.886 and red − green is 0.
    #[test]
    fn the_one_by_one_convolution_is_a_matrix_multiply() {
        let k = k1(&ChannelsState::default());
        let out = one_by_one_op(k.clone())
            .unwrap()
            .apply_all(&CpuBackend)
            .unwrap();
        let (conv, lin) = (&out[0].data, columns_as_maps(&out[1].data, 2));
        assert_eq!(compare(conv, &lin), (true, 0.0, 288));
        let p = 4 * IMG + 4;
        let px = [0, 1, 2].map(|c| image()[c * IMG * IMG + p]);
        assert_eq!(px, [1.0, 1.0, 0.0]);
        assert_eq!(
            mixing((4, 4), px, &k, &[conv[p], conv[IMG * IMG + p]]),
            "[4, 4]  x = (1, 1, 0)  →  y[0] = 0.299·1 + 0.587·1 + 0.114·0 = 0.886;  y[1] = 1·1 + -1·1 + 0·0 = 0"
        );
    }
}
