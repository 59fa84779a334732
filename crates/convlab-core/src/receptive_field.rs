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
use crate::nn::{Layer, Leaf, Model};
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
        // An output position of a transposed convolution is fed by the inputs whose scattered
        // windows cover it, not by one window: not traced here.
        Layer::ConvTranspose2d { .. } => return None,
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

/// The `(C, H, W)` shape's `[H, W]`.
fn hw(shape: &[usize]) -> Result<[usize; 2]> {
    match shape {
        [_, h, w] => Ok([*h, *w]),
        other => Err(Error::Invalid(format!(
            "a receptive field needs (C, H, W) shapes, not {other:?}"
        ))),
    }
}

/// A model's layers that keep positions (those before the first Flatten or Linear), each with
/// the size of its input plane: what tracing a unit back needs.
struct Positional {
    leaves: Vec<Leaf>,
    /// `sizes[i]` is the input plane of layer `i`; `sizes[i + 1]` its output.
    sizes: Vec<[usize; 2]>,
}

impl Positional {
    fn of(model: &Model, input: &[usize]) -> Result<Positional> {
        let (resolved, shapes) = model.propagate(input)?;
        let mut sizes = vec![hw(input)?];
        let mut leaves = Vec::new();
        for (leaf, shape) in resolved.leaves().into_iter().zip(&shapes) {
            if reads(&leaf.layer).is_none() {
                break;
            }
            sizes.push(hw(shape)?);
            leaves.push(leaf);
        }
        Ok(Positional { leaves, sizes })
    }

    /// The field of `unit` of layer `layer`'s output: back through it and every layer before.
    fn field(&self, layer: usize, unit: [usize; 2]) -> Result<UnitField> {
        let leaf = self.leaves.get(layer).ok_or_else(|| {
            Error::Invalid(format!(
                "layer {layer} has no receptive field: only the {} layers before the first Flatten or Linear have one",
                self.leaves.len()
            ))
        })?;
        let [h, w] = self.sizes[layer + 1];
        if unit[0] >= h || unit[1] >= w {
            return Err(Error::Invalid(format!(
                "unit {unit:?} is outside layer {}'s output of {h} × {w}",
                leaf.position
            )));
        }
        let mut mask = Mask::empty([h, w]);
        mask.on[unit[0] * w + unit[1]] = true;
        for (i, earlier) in self.leaves[..=layer].iter().enumerate().rev() {
            let reads = reads(&earlier.layer).ok_or_else(|| {
                Error::Invalid("a receptive field cannot pass a Flatten or Linear layer".into())
            })?;
            mask = trace(&reads, &mask, self.sizes[i])?;
        }
        let (bounds, pixels) = mask.bounds().ok_or_else(|| {
            Error::Invalid(format!(
                "no input position reaches unit {unit:?} of layer {}",
                leaf.position
            ))
        })?;
        Ok(UnitField {
            unit,
            bounds,
            pixels,
        })
    }
}

/// The field of `unit` (`[row, column]`) of the output of layer `layer` (execution order) of
/// `model` on inputs of shape `input`.
pub fn unit_field(
    model: &Model,
    input: &[usize],
    layer: usize,
    unit: [usize; 2],
) -> Result<UnitField> {
    Positional::of(model, input)?.field(layer, unit)
}

/// The receptive fields of `model` on inputs of shape `input` (`[C, H, W]`): for every layer
/// before the first that has no positions (Flatten, Linear), the distinct units among `(0, 0)`,
/// `(h/2, w/2)` and `(h − 1, w − 1)` of its output.
pub fn receptive_fields(model: &Model, input: &[usize]) -> Result<ModelFields> {
    let positional = Positional::of(model, input)?;
    let mut layers = Vec::new();
    for (i, leaf) in positional.leaves.iter().enumerate() {
        let output_hw = positional.sizes[i + 1];
        let [h, w] = output_hw;
        let mut corners_and_centre = vec![[0, 0], [h / 2, w / 2], [h - 1, w - 1]];
        // A small output has fewer distinct ones (a 1 × 1 output, one).
        corners_and_centre.dedup();
        let units = corners_and_centre
            .into_iter()
            .map(|unit| positional.field(i, unit))
            .collect::<Result<Vec<_>>>()?;
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

/// One layer's step of the receptive field's size arithmetic, along one axis (rows; the
/// course's models are square): `jump` is the distance in input pixels between neighbouring
/// units of the output, `size` the field's width ignoring the image's border, `start` the centre
/// of the first unit's field (negative or fractional where it lies in the padding).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldStep {
    pub layer: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub size: usize,
    pub jump: usize,
    pub start: f64,
}

/// The classic recurrence, layer by layer from the image (`size = 1, jump = 1, start = 0.5`,
/// a pixel's centre): through a window of kernel `k`, stride `s`, padding `p`, dilation `d`,
/// `size += (k − 1)·d·jump`, `start += ((k − 1)·d/2 − p)·jump`, then `jump ·= s`. A residual
/// block counts its main path (two 3×3 convolutions, the wider of its two paths); global
/// average pooling makes the field the whole image.
pub fn size_arithmetic(model: &Model, input: &[usize]) -> Result<Vec<FieldStep>> {
    let positional = Positional::of(model, input)?;
    let (mut size, mut jump, mut start) = (1usize, 1usize, 0.5f64);
    let mut steps = Vec::new();
    for leaf in &positional.leaves {
        let windows = match reads(&leaf.layer) {
            Some(Reads::Windows(w)) => w,
            Some(Reads::Either(main, _)) => match *main {
                Reads::Windows(w) => w,
                _ => Vec::new(),
            },
            Some(Reads::All) => {
                size = positional.sizes[0][0];
                start = size as f64 / 2.0;
                Vec::new()
            }
            _ => Vec::new(),
        };
        for w in windows {
            let reach = (w.kernel[0] - 1) * w.dilation[0];
            size += reach * jump;
            start += (reach as f64 / 2.0 - w.padding[0] as f64) * jump as f64;
            jump *= w.stride[0];
        }
        steps.push(FieldStep {
            layer: leaf.position.clone(),
            type_name: leaf.layer.type_name().into(),
            size,
            jump,
            start,
        });
    }
    Ok(steps)
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

    /// The recurrence's size and start are the traced field's height and centre for a unit
    /// whose field the border does not clip: `(top + bottom + 1) / 2 = start + row · jump`.
    #[test]
    fn the_size_arithmetic_agrees_with_the_traced_fields() {
        for model in [crate::arch::mnist_convnet(), crate::arch::three_layer_cnn()] {
            let steps = size_arithmetic(&model, &[1, 28, 28]).unwrap();
            let fields = receptive_fields(&model, &[1, 28, 28]).unwrap();
            assert_eq!(steps.len(), fields.layers.len());
            for (step, layer) in steps.iter().zip(&fields.layers) {
                let [row, col] = [layer.output_hw[0] / 2, layer.output_hw[1] / 2];
                let field = unit_field(
                    &model,
                    &[1, 28, 28],
                    fields.layers.iter().position(|l| l == layer).unwrap(),
                    [row, col],
                )
                .unwrap();
                let [top, _, bottom, _] = field.bounds;
                assert_eq!(
                    bottom + 1 - top,
                    step.size,
                    "{} layer {}",
                    model.name,
                    step.layer
                );
                assert_eq!(
                    (top + bottom + 1) as f64 / 2.0,
                    step.start + (row * step.jump) as f64
                );
                assert_eq!(
                    field,
                    *layer.units.iter().find(|u| u.unit == [row, col]).unwrap()
                );
            }
        }
        let last = size_arithmetic(&crate::arch::mnist_convnet(), &[1, 28, 28]).unwrap();
        let pool = last.last().unwrap();
        assert_eq!((pool.size, pool.jump, pool.start), (16, 4, 2.0));
    }

    #[test]
    fn a_unit_outside_the_output_or_past_the_flatten_is_refused() {
        let model = crate::arch::mnist_convnet();
        assert!(unit_field(&model, &[1, 28, 28], 0, [28, 0]).is_err());
        assert!(unit_field(&model, &[1, 28, 28], 8, [0, 0]).is_err());
    }
}
