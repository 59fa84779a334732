//! The grouped convolution's math, apart from any view. `groups = g` cuts the `C_in` input
//! channels into `g` groups of `C_in/g` and the `C_out` filters into `g` groups of `C_out/g`;
//! filter `o` belongs to group `o / (C_out/g)` and reads only that group's input channels. Its
//! weight is therefore `(C_out, C_in/g, kH, kW)`: `g` times fewer parameters and multiply-adds
//! than the full convolution. `g = C_in` is the depthwise convolution (each channel filtered on
//! its own); PyTorch refuses a `g` that does not divide both channel counts.
//!
//! The input is the lesson's image, six channels at most: R, G, B and their negatives 1 − R,
//! 1 − G, 1 − B (so that 4 and 6 channels, which have several divisors, exist).

use std::ops::Range;

use convlab_core::nn::Layer;
use convlab_core::ops::{Conv2dGeometry, Conv2dParams};
use convlab_core::Tensor;

use super::model::{self, Count, CENTRE, IMG, KERNEL, PLUS, SOBEL_X, SOBEL_Y};
use crate::compute::Op;

/// The input channels' names, in order.
pub const INPUT_NAMES: [&str; 6] = ["R", "G", "B", "1−R", "1−G", "1−B"];

/// Input channel `c`: the image's channel `c mod 3`, negated (`1 − v`) from the fourth on.
fn input_channel(image: &[f32], c: usize) -> impl Iterator<Item = f32> + '_ {
    let hw = IMG * IMG;
    let plane = &image[(c % 3) * hw..(c % 3 + 1) * hw];
    let negated = c >= 3;
    plane
        .iter()
        .map(move |&v| if negated { 1.0 - v } else { v })
}

/// The `(in_channels, IMG, IMG)` input.
pub fn input(in_channels: usize) -> Vec<f32> {
    let image = model::image();
    (0..in_channels)
        .flat_map(|c| input_channel(&image, c).collect::<Vec<_>>())
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grouping {
    pub in_channels: usize,
    pub out_channels: usize,
    pub groups: usize,
}

impl Grouping {
    fn params(&self) -> Conv2dParams {
        Conv2dParams {
            padding: [1, 1],
            groups: self.groups,
            ..Conv2dParams::default()
        }
    }

    /// The input channels each filter reads.
    pub fn per_group_in(&self) -> usize {
        self.in_channels / self.groups.max(1)
    }

    /// The filters of each group.
    pub fn per_group_out(&self) -> usize {
        self.out_channels / self.groups.max(1)
    }

    /// `(C_out, C_in/groups, kH, kW)`.
    pub fn weight_shape(&self) -> [usize; 4] {
        [self.out_channels, self.per_group_in(), KERNEL, KERNEL]
    }

    /// Why PyTorch refuses these channels and groups (the core's own check), if it does.
    pub fn refusal(&self) -> Option<String> {
        Conv2dGeometry::new(
            &[1, self.in_channels, IMG, IMG],
            &self.weight_shape(),
            self.params(),
        )
        .err()
        .map(|e| e.to_string())
    }

    /// The groups PyTorch accepts for these channel counts: the common divisors.
    pub fn fitting(&self) -> Vec<usize> {
        (1..=self.in_channels.min(self.out_channels))
            .filter(|&g| self.in_channels.is_multiple_of(g) && self.out_channels.is_multiple_of(g))
            .collect()
    }

    /// The group of filter `o`.
    pub fn group_of(&self, o: usize) -> usize {
        o / self.per_group_out().max(1)
    }

    /// The input channels filter `o` reads: its group's.
    pub fn inputs_of(&self, o: usize) -> Range<usize> {
        let first = self.group_of(o) * self.per_group_in();
        first..first + self.per_group_in()
    }

    /// Weight `(o, j)`, the slice of filter `o` over the `j`-th channel of its group: the lesson's
    /// four kernels in turn, so that neighbouring slices differ.
    pub fn weights(&self) -> Vec<f32> {
        const KERNELS: [[f32; 9]; 4] = [SOBEL_X, SOBEL_Y, PLUS, CENTRE];
        (0..self.out_channels)
            .flat_map(|o| (0..self.per_group_in()).flat_map(move |j| KERNELS[(o + j) % 4]))
            .collect()
    }

    /// `nn.Conv2d(C_in, C_out, kernel_size=3, padding=1, groups=g, bias=False)` on the input.
    pub fn op(&self) -> Result<Op, String> {
        if let Some(why) = self.refusal() {
            return Err(why);
        }
        let tensor = |shape: Vec<usize>, data| Tensor::new(shape, data).map_err(|e| e.to_string());
        Ok(Op::Conv2d {
            input: tensor(vec![1, self.in_channels, IMG, IMG], input(self.in_channels))?,
            weight: tensor(self.weight_shape().to_vec(), self.weights())?,
            bias: None,
            params: self.params(),
        })
    }

    fn layer(&self, groups: usize) -> Layer {
        Layer::Conv2d {
            in_channels: self.in_channels,
            out_channels: self.out_channels,
            kernel: [KERNEL, KERNEL],
            params: Conv2dParams {
                groups,
                ..self.params()
            },
            bias: false,
        }
    }

    /// The grouped convolution's counts, and those of the full one (`groups = 1`), from the
    /// core's layers.
    pub fn counts(&self) -> Result<(Count, Count), String> {
        let input = [self.in_channels, IMG, IMG];
        Ok((
            model::count(&self.layer(self.groups), &input)?,
            model::count(&self.layer(1), &input)?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use convlab_core::backend::CpuBackend;

    const DEFAULT: Grouping = Grouping {
        in_channels: 4,
        out_channels: 4,
        groups: 2,
    };

    /// 4 → 4 in 2 groups, by hand: filters 0 and 1 read channels 0–1, filters 2 and 3 read 2–3;
    /// 4·2·9 = 72 weights against 4·4·9 = 144, at 144 positions each.
    #[test]
    fn two_groups_halve_the_weights_and_split_the_channels() {
        assert_eq!(DEFAULT.weight_shape(), [4, 2, 3, 3]);
        assert_eq!(
            (0..4).map(|o| DEFAULT.inputs_of(o)).collect::<Vec<_>>(),
            [0..2, 0..2, 2..4, 2..4]
        );
        let (grouped, full) = DEFAULT.counts().unwrap();
        assert_eq!((grouped.params, full.params), (72, 144));
        assert_eq!((grouped.macs, full.macs), (72 * 144, 144 * 144));
        assert_eq!(
            grouped.code,
            "nn.Conv2d(4, 4, kernel_size=3, padding=1, groups=2, bias=False)"
        );
    }

    /// Each output channel of the engine's grouped convolution equals a full convolution of its
    /// group's channels alone (computed here by the plain, one-group op).
    #[test]
    fn a_filter_sees_only_its_groups_channels() {
        for g in [
            DEFAULT,
            Grouping {
                in_channels: 6,
                out_channels: 6,
                groups: 6,
            },
            Grouping {
                in_channels: 6,
                out_channels: 2,
                groups: 2,
            },
        ] {
            let out = g.op().unwrap().apply_all(&CpuBackend).unwrap().remove(0);
            let (k, hw) = (g.per_group_in(), IMG * IMG);
            let x = input(g.in_channels);
            let w = g.weights();
            for o in 0..g.out_channels {
                let alone = Op::Conv2d {
                    input: Tensor::new(
                        vec![1, k, IMG, IMG],
                        x[g.inputs_of(o).start * hw..g.inputs_of(o).end * hw].to_vec(),
                    )
                    .unwrap(),
                    weight: Tensor::new(vec![1, k, 3, 3], w[o * k * 9..(o + 1) * k * 9].to_vec())
                        .unwrap(),
                    bias: None,
                    params: Conv2dParams {
                        padding: [1, 1],
                        ..Conv2dParams::default()
                    },
                }
                .apply_all(&CpuBackend)
                .unwrap()
                .remove(0);
                assert_eq!(
                    out.data[o * hw..(o + 1) * hw],
                    alone.data[..],
                    "{g:?} o={o}"
                );
            }
        }
    }

    /// PyTorch's refusal, from the core, and the groups that would fit.
    #[test]
    fn groups_that_do_not_divide_are_refused_with_the_ones_that_would() {
        let g = Grouping {
            in_channels: 6,
            out_channels: 4,
            groups: 3,
        };
        let why = g.refusal().unwrap();
        assert!(
            why.contains("groups=3") && why.contains("(6)") && why.contains("(4)"),
            "{why}"
        );
        assert!(g.op().is_err());
        assert_eq!(g.fitting(), [1, 2]);
        assert_eq!(DEFAULT.refusal(), None);
    }

    #[test]
    fn the_negated_channels_are_one_minus_the_image() {
        let x = input(6);
        let hw = IMG * IMG;
        for p in 0..hw {
            assert_eq!(x[3 * hw + p], 1.0 - x[p]);
            assert_eq!(x[5 * hw + p], 1.0 - x[2 * hw + p]);
        }
    }
}
