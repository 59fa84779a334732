//! Receptive fields: which pixels of the input image can change one unit of a layer's output.
//!
//! The set is traced back layer by layer from the unit: a convolution or pooling output at `o`
//! reads the input positions `o·s − p + t·d` for each tap `t` (`shape::tap_position`; those in
//! the padding read nothing), activations and batch norm read the same position, global average
//! pooling reads every position, and a residual block reads what its main path (two 3×3
//! convolutions, the first strided) or its shortcut reads. The set is kept exactly, position by
//! position, so the holes a dilation or a stride wider than the kernel leaves are not counted:
//! `pixels` can be fewer than the bounding box holds. The schema is `convlab-rf/1`
//! (`tests/golden/FORMAT.md`): PyTorch's autograd measured the same sets.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::nn::{Layer, Model};
use crate::shape::tap_position;

/// One output unit (any channel: every channel reads the same positions) and its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitField {
    /// `[row, column]` in the layer's output.
    pub unit: [usize; 2],
    /// The first and last input row and column that can change the unit:
    /// `[top, left, bottom, right]`, inclusive.
    #[serde(rename = "box")]
    pub bounds: [usize; 4],
    /// How many input positions can change it.
    pub pixels: u64,
}

/// A layer's fields, for the units at its corners and centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerFields {
    /// The layer's row name in a summary (`0`, `1.0`, …).
    pub layer: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub output_hw: [usize; 2],
    pub units: Vec<UnitField>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelFields {
    pub name: String,
    pub input_shape: Vec<usize>,
    pub layers: Vec<LayerFields>,
}

/// One window along both axes: output position `o` reads `o·stride − padding + t·dilation`.
#[derive(Debug, Clone, Copy)]
struct Window {
    kernel: [usize; 2],
    stride: [usize; 2],
    padding: [usize; 2],
    dilation: [usize; 2],
}

impl Window {
    fn square(kernel: usize, stride: usize, padding: usize) -> Window {
        Window {
            kernel: [kernel; 2],
            stride: [stride; 2],
            padding: [padding; 2],
            dilation: [1; 2],
        }
    }
}

/// How a layer's output reads its input, as far as position goes.
enum Reads {
    /// The same position (activations, batch norm, dropout).
    Same,
    /// One window after another (a convolution, a pooling, a residual block's main path).
    Windows(Vec<Window>),
    /// Every position (global average pooling).
    All,
    /// The union of two paths (a residual block: main path and shortcut).
    Either(Box<Reads>, Box<Reads>),
}

fn reads(layer: &Layer) -> Option<Reads> {
    Some(match layer {
        Layer::Conv2d { kernel, params, .. } => Reads::Windows(vec![Window {
            kernel: *kernel,
            stride: params.stride,
            padding: params.padding,
            dilation: params.dilation,
        }]),
        Layer::MaxPool2d(p) | Layer::AvgPool2d(p) => Reads::Windows(vec![Window {
            kernel: p.kernel,
            stride: p.stride,
            padding: p.padding,
            dilation: [1, 1],
        }]),
        Layer::BatchNorm2d { .. } | Layer::ReLU | Layer::Sigmoid | Layer::Dropout { .. } => {
            Reads::Same
        }
        Layer::AdaptiveAvgPool2d => Reads::All,
        // The output has no positions left: fields end before it.
        Layer::Flatten | Layer::Linear { .. } => return None,
        Layer::Residual(spec) => {
            // conv1 (3×3, stride s, padding 1) then conv2 (3×3, padding 1); the batch norms and
            // ReLUs keep positions.
            let main = Reads::Windows(vec![
                Window::square(3, spec.stride, 1),
                Window::square(3, 1, 1),
            ]);
            let shortcut = if spec.use_1x1conv {
                Reads::Windows(vec![Window::square(1, spec.stride, 0)])
            } else {
                Reads::Same
            };
            Reads::Either(Box::new(main), Box::new(shortcut))
        }
    })
}

/// A set of positions in an `h × w` plane.
#[derive(Debug, Clone, PartialEq)]
struct Mask {
    hw: [usize; 2],
    on: Vec<bool>,
}

impl Mask {
    fn empty(hw: [usize; 2]) -> Mask {
        Mask {
            hw,
            on: vec![false; hw[0] * hw[1]],
        }
    }

    fn union(mut self, other: &Mask) -> Mask {
        for (a, b) in self.on.iter_mut().zip(&other.on) {
            *a |= b;
        }
        self
    }

    /// The positions of an `input_hw` plane that `window` reads for the positions set here.
    /// A window reads a rectangle of taps, so the rows and the columns are traced one after the
    /// other: first each set position's columns, then their rows.
    fn through(&self, window: &Window, input_hw: [usize; 2]) -> Mask {
        let [h, w] = self.hw;
        let [ih, iw] = input_hw;
        let axis = |o: usize, a: usize, len: usize| {
            (0..window.kernel[a]).filter_map(move |t| {
                let i = tap_position(
                    o,
                    t,
                    window.stride[a],
                    window.padding[a],
                    window.dilation[a],
                );
                usize::try_from(i).ok().filter(|&i| i < len)
            })
        };
        let mut columns = Mask::empty([h, iw]);
        for y in 0..h {
            for x in (0..w).filter(|&x| self.on[y * w + x]) {
                for ix in axis(x, 1, iw) {
                    columns.on[y * iw + ix] = true;
                }
            }
        }
        let mut out = Mask::empty(input_hw);
        for y in 0..h {
            for ix in (0..iw).filter(|&ix| columns.on[y * iw + ix]) {
                for iy in axis(y, 0, ih) {
                    out.on[iy * iw + ix] = true;
                }
            }
        }
        out
    }

    /// The bounding box `[top, left, bottom, right]` and the count of the positions set.
    fn bounds(&self) -> Option<([usize; 4], u64)> {
        let w = self.hw[1];
        let mut b: Option<[usize; 4]> = None;
        let mut n = 0u64;
        for (i, _) in self.on.iter().enumerate().filter(|(_, on)| **on) {
            let (y, x) = (i / w, i % w);
            n += 1;
            b = Some(match b {
                None => [y, x, y, x],
                Some([t, l, bo, r]) => [t.min(y), l.min(x), bo.max(y), r.max(x)],
            });
        }
        b.map(|b| (b, n))
    }
}

/// The positions of an `input_hw` plane that `reads` reads for those set in `out`.
fn trace(reads: &Reads, out: &Mask, input_hw: [usize; 2]) -> Result<Mask> {
    Ok(match reads {
        Reads::Same => out.clone(),
        Reads::All => Mask {
            hw: input_hw,
            on: vec![out.on.iter().any(|&b| b); input_hw[0] * input_hw[1]],
        },
        Reads::Windows(windows) => {
            // The sizes between the windows, forwards, to trace them backwards.
            let mut sizes = vec![input_hw];
            for w in &windows[..windows.len() - 1] {
                let [h, wd] = *sizes.last().unwrap_or(&input_hw);
                let len = |n: usize, a: usize| {
                    crate::shape::conv_output_len(
                        n,
                        w.kernel[a],
                        w.stride[a],
                        w.padding[a],
                        w.dilation[a],
                    )
                };
                sizes.push([len(h, 0)?.output, len(wd, 1)?.output]);
            }
            let mut mask = out.clone();
            for (w, hw) in windows.iter().zip(sizes).rev() {
                mask = mask.through(w, hw);
            }
            mask
        }
        Reads::Either(a, b) => trace(a, out, input_hw)?.union(&trace(b, out, input_hw)?),
    })
}

/// The receptive fields of `model` on inputs of shape `input` (`[C, H, W]`): for every layer
/// before the first that has no positions (Flatten, Linear), the distinct units among `(0, 0)`,
/// `(h/2, w/2)` and `(h − 1, w − 1)` of its output.
pub fn receptive_fields(model: &Model, input: &[usize]) -> Result<ModelFields> {
    let (resolved, shapes) = model.propagate(input)?;
    let hw = |shape: &[usize]| match shape {
        [_, h, w] => Ok([*h, *w]),
        other => Err(Error::Invalid(format!(
            "a receptive field needs (C, H, W) shapes, not {other:?}"
        ))),
    };
    let leaves = resolved.leaves();
    let mut sizes = vec![hw(input)?];
    let mut layers = Vec::new();
    for (leaf, shape) in leaves.iter().zip(&shapes) {
        if reads(&leaf.layer).is_none() {
            break;
        }
        let output_hw = hw(shape)?;
        sizes.push(output_hw);
        let [h, w] = output_hw;
        let mut units = Vec::new();
        let mut corners_and_centre = vec![[0, 0], [h / 2, w / 2], [h - 1, w - 1]];
        // A small output has fewer distinct ones (a 1 × 1 output, one).
        corners_and_centre.dedup();
        for unit in corners_and_centre {
            let mut mask = Mask::empty(output_hw);
            mask.on[unit[0] * w + unit[1]] = true;
            // Back through this layer and every one before it.
            for (i, earlier) in leaves[..layers.len() + 1].iter().enumerate().rev() {
                let reads = reads(&earlier.layer).ok_or_else(|| {
                    Error::Invalid("a receptive field cannot pass a Flatten or Linear layer".into())
                })?;
                mask = trace(&reads, &mask, sizes[i])?;
            }
            let (bounds, pixels) = mask.bounds().ok_or_else(|| {
                Error::Invalid(format!(
                    "no input position reaches unit {unit:?} of layer {}",
                    leaf.position
                ))
            })?;
            units.push(UnitField {
                unit,
                bounds,
                pixels,
            });
        }
        layers.push(LayerFields {
            layer: leaf.position.clone(),
            type_name: leaf.layer.type_name().into(),
            output_hw,
            units,
        });
    }
    Ok(ModelFields {
        name: model.name.clone(),
        input_shape: input.to_vec(),
        layers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::Module;
    use crate::ops::Conv2dParams;

    fn model(layers: Vec<Layer>) -> Model {
        Model {
            name: "test".into(),
            input_shape: [1, 7, 7],
            modules: layers
                .into_iter()
                .enumerate()
                .map(|(i, l)| Module::layer(i.to_string(), l))
                .collect(),
            lazy: false,
        }
    }

    /// A 3×3 kernel with dilation 2 on 7 × 7 (output 3 × 3): the centre unit reads rows and
    /// columns 1, 3 and 5, so its box is 1..5 but only 9 of its 25 pixels can change it.
    #[test]
    fn dilation_leaves_holes() {
        let dilated = Layer::Conv2d {
            in_channels: 1,
            out_channels: 1,
            kernel: [3, 3],
            params: Conv2dParams {
                dilation: [2, 2],
                ..Conv2dParams::default()
            },
            bias: false,
        };
        let fields = receptive_fields(&model(vec![dilated]), &[1, 7, 7]).unwrap();
        let centre = &fields.layers[0].units[1];
        assert_eq!(centre.unit, [1, 1]);
        assert_eq!((centre.bounds, centre.pixels), ([1, 1, 5, 5], 9));
    }

    /// Padding reads nothing: the corner unit of a 3×3 convolution with padding 1 reads only the
    /// 2 × 2 pixels in the image; a 1×1 kernel with stride 3 after it skips rows and columns.
    #[test]
    fn padding_is_clipped_and_strides_skip() {
        let fields = receptive_fields(
            &model(vec![Layer::conv(1, 1, 3, 1, 1), Layer::conv(1, 1, 1, 3, 0)]),
            &[1, 7, 7],
        )
        .unwrap();
        let corner = &fields.layers[0].units[0];
        assert_eq!((corner.bounds, corner.pixels), ([0, 0, 1, 1], 4));
        // Output 3 × 3 of the strided 1×1: unit (1, 1) is position (3, 3) of the first
        // output, which reads rows and columns 2..4.
        let centre = &fields.layers[1].units[1];
        assert_eq!((centre.bounds, centre.pixels), ([2, 2, 4, 4], 9));
    }
}
