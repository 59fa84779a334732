//! What one computation may cost in a browser tab. A lesson's numbers can be typed, dragged or
//! put in a shared link, so some configuration will always ask for billions of multiply-adds or
//! gigabytes of tensors. Before anything runs, its [`Cost`] is estimated from the shapes alone
//! and checked against the limits here; a computation over them is refused with a message that
//! names the limit and what to change, instead of freezing the tab or running out of memory.
//!
//! The counts are `u64`: in the browser a `usize` has 32 bits and would wrap on exactly the
//! configurations this module exists to catch.

use crate::error::{Error, Result};
use crate::nn::Model;
use crate::ops::{Conv2dGeometry, Conv2dParams, Pool2dParams};
use crate::shape::pool_output_hw;
use crate::tensor::count;
use crate::text::thousands;

/// The most multiply-adds (or comparable steps: a comparison, an add) one computation may take:
/// about a second for the CPU path in a browser (1-4 GFLOP/s in WebAssembly).
pub const MAX_MULTIPLY_ADDS: u64 = 1_000_000_000;

/// The most `f32` values the tensors of one computation may hold together (128 MiB).
pub const MAX_VALUES: u64 = 32 << 20;

/// The estimated work and memory of a computation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    pub multiply_adds: u64,
    /// The values of every tensor it reads or makes.
    pub values: u64,
}

impl Cost {
    /// A tensor of `shape` that is read or made, with one step per value (an element-wise op).
    pub fn elementwise(shape: &[usize]) -> Cost {
        let n = count(shape).unwrap_or(u64::MAX);
        Cost {
            multiply_adds: n,
            values: n,
        }
    }

    /// A tensor of `shape` that is only held (an input, a parameter).
    pub fn held(shape: &[usize]) -> Cost {
        Cost {
            multiply_adds: 0,
            values: count(shape).unwrap_or(u64::MAX),
        }
    }

    pub fn plus(self, other: Cost) -> Cost {
        Cost {
            multiply_adds: self.multiply_adds.saturating_add(other.multiply_adds),
            values: self.values.saturating_add(other.values),
        }
    }

    /// The cost of doing this `n` times (a batch of `n` images, `n` training steps).
    pub fn times(self, n: u64) -> Cost {
        Cost {
            multiply_adds: self.multiply_adds.saturating_mul(n),
            values: self.values.saturating_mul(n),
        }
    }

    /// `Ok` when the computation fits the limits, else an error naming the limit it passes.
    pub fn check(self) -> Result<()> {
        if self.multiply_adds > MAX_MULTIPLY_ADDS {
            return Err(Error::Invalid(format!(
                "this needs {} multiply-adds, more than the {} one computation may take here \
                 (about a second on a CPU): use fewer channels, a smaller input or a smaller batch",
                thousands(self.multiply_adds),
                thousands(MAX_MULTIPLY_ADDS)
            )));
        }
        if self.values > MAX_VALUES {
            return Err(Error::Invalid(format!(
                "this needs {} values in memory, more than the {} one computation may hold here \
                 (128 MiB): use fewer channels, a smaller input or a smaller batch",
                thousands(self.values),
                thousands(MAX_VALUES)
            )));
        }
        Ok(())
    }
}

/// A convolution of an input of shape `x` by a weight of shape `w`: one multiply-add per weight
/// of a filter for each output value; the shapes are checked as the op checks them.
pub fn conv2d(x: &[usize], w: &[usize], params: Conv2dParams) -> Result<Cost> {
    let geo = Conv2dGeometry::new(x, w, params)?;
    let out = geo.output_shape();
    let per_output = count(&w[1..]).unwrap_or(u64::MAX);
    let outputs = count(&out).unwrap_or(u64::MAX);
    Ok(Cost {
        multiply_adds: per_output.saturating_mul(outputs),
        values: 0,
    }
    .plus(Cost::held(x))
    .plus(Cost::held(w))
    .plus(Cost::held(&out)))
}

/// Max or average pooling of an input of shape `x`: one step per window cell of each output.
pub fn pool2d(x: &[usize], params: Pool2dParams) -> Result<Cost> {
    let &[n, c, h, w] = x else {
        return Err(Error::bad_shape("the pooling input", "(N, C, H, W)", x));
    };
    let [oh, ow] = pool_output_hw([h, w], params.kernel, params.stride, params.padding)?;
    let out = [n, c, oh.output, ow.output];
    let window = count(&params.kernel).unwrap_or(u64::MAX);
    Ok(Cost {
        multiply_adds: count(&out).unwrap_or(u64::MAX).saturating_mul(window),
        values: 0,
    }
    .plus(Cost::held(x))
    .plus(Cost::held(&out)))
}

/// A forward pass of `model` on a batch of `batch` images of shape `input` (`[C, H, W]`): its
/// layers' multiply-adds and every layer's output, plus the parameters. A training step costs
/// about three of these (forward, and backward for the inputs and the weights).
pub fn forward(model: &Model, input: &[usize], batch: usize) -> Result<Cost> {
    let (resolved, shapes) = model.propagate(input)?;
    let mut per_image = Cost::held(input);
    let mut shape = input.to_vec();
    for (leaf, out) in resolved.leaves().into_iter().zip(&shapes) {
        per_image = per_image
            .plus(Cost {
                multiply_adds: leaf.layer.multiply_adds(&shape)?,
                values: 0,
            })
            .plus(Cost::elementwise(out));
        shape.clone_from(out);
    }
    let params = resolved
        .param_specs()
        .iter()
        .fold(Cost::default(), |c, p| c.plus(Cost::held(&p.shape)));
    Ok(per_image
        .times(u64::try_from(batch).unwrap_or(u64::MAX))
        .plus(params))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch;

    #[test]
    fn a_convolution_costs_its_multiply_adds() {
        // 1 image, 3 → 8 channels, 3×3, 32×32 → 30×30: 8·30·30 outputs × 3·3·3 weights each.
        let cost = conv2d(&[1, 3, 32, 32], &[8, 3, 3, 3], Conv2dParams::default()).unwrap();
        assert_eq!(cost.multiply_adds, 8 * 30 * 30 * 27);
        assert_eq!(cost.values, 3 * 32 * 32 + 8 * 27 + 8 * 30 * 30);
        assert!(cost.check().is_ok());
    }

    #[test]
    fn the_hostile_residual_link_is_refused_with_the_limit() {
        // ?page=residual&c=512&cout=1024&h=64: conv1 alone is 1024·64·64 × 512·3·3.
        let cost = conv2d(
            &[1, 512, 64, 64],
            &[1024, 512, 3, 3],
            Conv2dParams {
                padding: [1, 1],
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(cost.multiply_adds, 19_327_352_832);
        let message = cost.check().unwrap_err().to_string();
        assert!(message.contains("19,327,352,832"), "{message}");
        assert!(message.contains("1,000,000,000"), "{message}");
    }

    #[test]
    fn memory_is_limited_too() {
        let cost = Cost::held(&[4096, 4096, 4]);
        assert!(cost.check().unwrap_err().to_string().contains("128 MiB"));
    }

    #[test]
    fn a_training_batch_of_the_mnist_convnet_fits_and_a_huge_one_does_not() {
        let model = arch::mnist_convnet();
        assert!(forward(&model, &[1, 28, 28], 100).unwrap().check().is_ok());
        assert!(forward(&model, &[1, 28, 28], 100_000)
            .unwrap()
            .check()
            .is_err());
    }

    #[test]
    fn counts_do_not_wrap() {
        let huge = Cost::held(&[usize::MAX; 3]);
        assert_eq!(huge.values, u64::MAX);
        assert_eq!(huge.times(3).values, u64::MAX);
    }
}
