//! The lesson's math, apart from any view: the kernel in use, its edits, the size an image is
//! scaled to, the convolution's geometry that links a pixel of the image to
//! the output it feeds, and the PyTorch line.

use convlab_core::dataset::Dataset;
use convlab_core::ops::Conv2dParams;
use convlab_core::shape::{conv_output_hw, tap_position};

use super::presets::preset;
use super::state::{KernelChoice, WEIGHT_RANGE};
use crate::components::heatmap::Plane;

/// Images are scaled down to at most this many pixels on their long side (the camera's frames
/// to half of it, so each frame computes in time for the next).
pub const MAX_SIDE: usize = 256;

/// The kernel in use: `rows × cols` weights, row-major, and the preset it is (`None`: custom).
#[derive(Clone, Debug, PartialEq)]
pub struct Kernel {
    pub rows: usize,
    pub cols: usize,
    pub weights: Vec<f32>,
    pub preset: Option<&'static str>,
}

impl Kernel {
    pub fn of(choice: &KernelChoice) -> Kernel {
        match choice {
            KernelChoice::Preset(name) => {
                let p = preset(name).expect("the state holds a preset's name");
                Kernel {
                    rows: p.rows,
                    cols: p.cols,
                    weights: p.weights.to_vec(),
                    preset: Some(p.name),
                }
            }
            KernelChoice::Custom {
                rows,
                cols,
                weights,
            } => Kernel {
                rows: *rows,
                cols: *cols,
                weights: weights.clone(),
                preset: None,
            },
        }
    }

    /// The same weights as a custom kernel (to edit them).
    pub fn custom(&self, weights: Vec<f32>) -> KernelChoice {
        KernelChoice::Custom {
            rows: self.rows,
            cols: self.cols,
            weights,
        }
    }

    /// The weights with weight `index` set to `value` (clamped to what a weight may be), or
    /// `None` when that changes nothing.
    pub fn edited(&self, index: usize, value: f32) -> Option<KernelChoice> {
        let value = value.clamp(*WEIGHT_RANGE.start(), *WEIGHT_RANGE.end());
        if *self.weights.get(index)? == value {
            return None;
        }
        let mut weights = self.weights.clone();
        weights[index] = value;
        Some(self.custom(weights))
    }

    /// A custom kernel of `rows × cols` keeping the weights that still fit (top-left), the
    /// others 0.
    pub fn resized(&self, rows: usize, cols: usize) -> KernelChoice {
        let mut weights = vec![0.0; rows * cols];
        for y in 0..rows.min(self.rows) {
            for x in 0..cols.min(self.cols) {
                weights[y * cols + x] = self.weights[y * self.cols + x];
            }
        }
        KernelChoice::Custom {
            rows,
            cols,
            weights,
        }
    }

    /// `nn.Conv2d(1, 1, kernel_size=3, stride=1, padding=0, dilation=1, bias=False)`.
    pub fn pytorch(&self, p: &Conv2dParams) -> String {
        let size = if self.rows == self.cols {
            self.rows.to_string()
        } else {
            format!("({}, {})", self.rows, self.cols)
        };
        format!(
            "nn.Conv2d(1, 1, kernel_size={size}, stride={}, padding={}, dilation={}, bias=False)",
            p.stride[0], p.padding[0], p.dilation[0]
        )
    }
}

/// Digit `i` of `set` (wrapping around its length), ink in 0..1.
pub fn digit(set: &Dataset, i: usize) -> Plane {
    let i = i % set.len().max(1);
    Plane {
        rows: set.rows,
        cols: set.cols,
        values: set.image(i).iter().map(|&v| f32::from(v) / 255.0).collect(),
    }
}

/// Where the pointer is: a pixel of the image or of the feature map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pointer {
    Image(usize, usize),
    Feature(usize, usize),
}

/// The convolution's geometry, to link a pixel of the image to the output it feeds and back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    pub input: [usize; 2],
    pub output: [usize; 2],
    /// The window's extent in image pixels (dilation included).
    pub span: [usize; 2],
    stride: usize,
    padding: usize,
    dilation: usize,
}

impl Geometry {
    /// The geometry of `kernel` over an image of `input` pixels, or the core's reason why the
    /// kernel does not fit.
    pub fn new(
        input: [usize; 2],
        kernel: [usize; 2],
        p: &Conv2dParams,
    ) -> Result<Geometry, String> {
        let [h, w] = conv_output_hw(input, kernel, p.stride, p.padding, p.dilation)
            .map_err(|e| e.to_string())?;
        Ok(Geometry {
            input,
            output: [h.output, w.output],
            span: [h.effective_kernel, w.effective_kernel],
            stride: p.stride[0],
            padding: p.padding[0],
            dilation: p.dilation[0],
        })
    }

    /// The top-left corner of output pixel `o`'s window, in image pixels (negative in the
    /// padding): where its first tap reads.
    pub fn window_start(&self, o: [usize; 2]) -> [i64; 2] {
        o.map(|o| tap_position(o, 0, self.stride, self.padding, self.dilation))
    }

    /// The image pixel at the centre of output pixel `o`'s window (clamped into the image).
    fn centre(&self, o: [usize; 2]) -> [usize; 2] {
        let start = self.window_start(o);
        [0, 1].map(|a| {
            (start[a] + (self.span[a] as i64 - 1) / 2).clamp(0, self.input[a] as i64 - 1) as usize
        })
    }

    /// The output pixel whose window is centred nearest image pixel `i`.
    fn output_of(&self, i: [usize; 2]) -> [usize; 2] {
        [0, 1].map(|a| {
            let start = i[a] as f64 + self.padding as f64 - (self.span[a] as f64 - 1.0) / 2.0;
            ((start / self.stride as f64).round().max(0.0) as usize).min(self.output[a] - 1)
        })
    }

    /// `(image pixel, output pixel)` for a pointer, when both exist.
    pub fn link(&self, pointer: Pointer) -> Option<([usize; 2], [usize; 2])> {
        let inside = |p: [usize; 2], size: [usize; 2]| p[0] < size[0] && p[1] < size[1];
        match pointer {
            Pointer::Image(y, x) if inside([y, x], self.input) => {
                Some(([y, x], self.output_of([y, x])))
            }
            Pointer::Feature(y, x) if inside([y, x], self.output) => {
                Some((self.centre([y, x]), [y, x]))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::kernels::state::centre_one;
    use convlab_core::ops::conv2d;
    use convlab_core::Tensor;

    fn params(stride: usize, padding: usize, dilation: usize) -> Conv2dParams {
        Conv2dParams {
            stride: [stride; 2],
            padding: [padding; 2],
            dilation: [dilation; 2],
            groups: 1,
        }
    }

    #[test]
    fn pointer_links_image_and_feature_map() {
        // 28×28, 3×3, stride 1, no padding → 26×26: output (y, x) is centred on image (y+1, x+1).
        let g = Geometry::new([28, 28], [3, 3], &params(1, 0, 1)).unwrap();
        assert_eq!(g.output, [26, 26]);
        assert_eq!(g.link(Pointer::Feature(0, 5)), Some(([1, 6], [0, 5])));
        assert_eq!(g.link(Pointer::Image(10, 20)), Some(([10, 20], [9, 19])));
        assert_eq!(g.link(Pointer::Image(0, 27)), Some(([0, 27], [0, 25])));
        assert_eq!(g.link(Pointer::Feature(26, 0)), None);
        // Stride 2 with padding 1: output 7's window starts at 7·2 − 1 = 13.
        let g = Geometry::new([28, 28], [3, 3], &params(2, 1, 1)).unwrap();
        assert_eq!(g.output, [14, 14]);
        assert_eq!(g.window_start([7, 0]), [13, -1]);
        assert_eq!(g.link(Pointer::Feature(7, 0)), Some(([14, 0], [7, 0])));
        // Dilation 2: a 3×3 kernel spans 5 pixels.
        let g = Geometry::new([28, 28], [3, 3], &params(1, 0, 2)).unwrap();
        assert_eq!((g.span, g.output), ([5, 5], [24, 24]));
        assert!(Geometry::new([28, 28], [9, 9], &params(1, 0, 8)).is_err());
    }

    /// The centre the pointer links to is the pixel the core's convolution reads there: an
    /// odd kernel with only its centre weight at 1 copies that pixel, whatever the stride,
    /// padding and dilation.
    #[test]
    fn the_linked_pixel_is_the_one_the_convolution_reads() {
        let (h, w) = (9, 11);
        let image: Vec<f32> = (0..h * w).map(|v| v as f32).collect();
        let x = Tensor::new(vec![1, 1, h, w], image.clone()).unwrap();
        for (k, s, p, d) in [(3, 1, 0, 1), (3, 2, 1, 1), (5, 3, 2, 1), (3, 2, 2, 2)] {
            let k_tensor = Tensor::new(vec![1, 1, k, k], centre_one(k, k)).unwrap();
            let y = conv2d::forward(&x, &k_tensor, None, params(s, p, d)).unwrap();
            let g = Geometry::new([h, w], [k, k], &params(s, p, d)).unwrap();
            assert_eq!(y.shape, [1, 1, g.output[0], g.output[1]]);
            for oy in 0..g.output[0] {
                for ox in 0..g.output[1] {
                    let ([iy, ix], _) = g.link(Pointer::Feature(oy, ox)).unwrap();
                    let start = g.window_start([oy, ox]);
                    let centre = [0, 1].map(|a| start[a] + (g.span[a] as i64 - 1) / 2);
                    let inside = centre[0] == iy as i64 && centre[1] == ix as i64;
                    let got = y.data[oy * g.output[1] + ox];
                    // Inside the image the copy is that pixel; in the padding it is 0.
                    let want = if inside { image[iy * w + ix] } else { 0.0 };
                    assert_eq!(got, want, "k{k} s{s} p{p} d{d} at ({oy}, {ox})");
                }
            }
        }
    }

    #[test]
    fn editing_and_resizing_a_kernel() {
        let k = Kernel::of(&KernelChoice::Preset("sobel-x"));
        assert_eq!(k.edited(0, -1.0), None, "the same value changes nothing");
        let KernelChoice::Custom { weights, .. } = k.edited(4, 1e9).unwrap() else {
            panic!("an edited kernel is custom");
        };
        assert_eq!(weights[4], 1000.0);
        assert_eq!(k.edited(9, 1.0), None, "outside the kernel");
        let grown = Kernel::of(&k.resized(4, 2));
        assert_eq!(grown.weights, [-1., 0., -2., 0., -1., 0., 0., 0.]);
        assert_eq!(
            k.pytorch(&params(2, 1, 1)),
            "nn.Conv2d(1, 1, kernel_size=3, stride=2, padding=1, dilation=1, bias=False)"
        );
        let edge = Kernel::of(&KernelChoice::Preset("edge"));
        assert!(edge
            .pytorch(&params(1, 0, 1))
            .contains("kernel_size=(1, 2)"));
    }
}
