//! What an [`Op`] costs, from its shapes alone (see [`convlab_core::budget`]): checked before it
//! runs, on either device, so no configuration a lesson can express freezes the page.

use convlab_core::budget::{self, Cost};
use convlab_core::nn::Model;
use convlab_core::ops::conv_transpose2d::{self, transposed_geometry};
use convlab_core::ops::Conv2dParams;
use convlab_core::Tensor;

use super::Op;

impl Op {
    /// The op's work and memory, estimated from its shapes (see [`convlab_core::budget`]); the
    /// shapes are checked as the op itself would check them.
    pub fn cost(&self) -> convlab_core::Result<Cost> {
        let conv = |input: &Tensor, weight: &Tensor, params: &Conv2dParams| {
            budget::conv2d(&input.shape, &weight.shape, *params)
        };
        let held = |tensors: &[&Tensor]| {
            tensors
                .iter()
                .fold(Cost::default(), |c, t| c.plus(Cost::held(&t.shape)))
        };
        let model = |model: &Model, input: &Tensor| -> convlab_core::Result<Cost> {
            let [n, c, h, w] = input.dims4("the model's input")?;
            budget::forward(model, &[c, h, w], n)
        };
        Ok(match self {
            Op::Conv2d {
                input,
                weight,
                params,
                ..
            } => conv(input, weight, params)?,
            // The input gradient and the weight gradient each cost about the forward pass.
            Op::Conv2dBackward {
                input,
                weight,
                params,
                ..
            } => conv(input, weight, params)?.times(2),
            // The input gradient of the convolution it transposes: that convolution's work.
            Op::ConvTranspose2d {
                input,
                weight,
                params,
                ..
            } => {
                let geo = transposed_geometry(&input.shape, &weight.shape, *params)?;
                budget::conv2d(
                    &conv_transpose2d::output_shape(&geo),
                    &weight.shape,
                    params.conv(),
                )?
            }
            Op::MaxPool2d { input, params } | Op::AvgPool2d { input, params, .. } => {
                budget::pool2d(&input.shape, *params)?
            }
            // The forward pass's windows again, writing into an input-sized gradient.
            Op::Pool2dBackward { input, params, .. } => {
                budget::pool2d(&input.shape, *params)?.plus(Cost::held(&input.shape))
            }
            Op::Linear { input, weight, .. } => {
                let [n, f_in] = input.dims2("the linear layer's input")?;
                let [f_out, _] = weight.dims2("the linear layer's weight")?;
                let out = [n, f_out];
                Cost::elementwise(&out)
                    .times(f_in as u64)
                    .plus(held(&[input, weight]))
            }
            Op::Add { a, b } => Cost::elementwise(&a.shape).plus(held(&[a, b])),
            Op::Each(ops) => ops.iter().try_fold(Cost::default(), |c, op| {
                Ok::<_, convlab_core::Error>(c.plus(op.cost()?))
            })?,
            // The convolution, then one single-channel convolution per (output, input) channel
            // pair: together about twice the convolution's work.
            Op::ConvByChannel {
                input,
                weight,
                params,
                ..
            } => {
                let whole = conv(input, weight, params)?;
                whole.plus(whole)
            }
            Op::BatchNorm { input, earlier, .. } => earlier
                .iter()
                .fold(Cost::elementwise(&input.shape).times(4), |c, t| {
                    c.plus(Cost::elementwise(&t.shape).times(2))
                }),
            Op::BatchNormRunning { batches, .. } => batches.iter().fold(Cost::default(), |c, t| {
                c.plus(Cost::elementwise(&t.shape).times(2))
            }),
            Op::Inside {
                model: m, input, ..
            } => model(m, input)?,
            // A forward and a backward pass (about twice its work) for the saliency and for each
            // block.
            Op::Explain {
                model: m,
                input,
                blocks,
                ..
            } => model(m, input)?.times(3 * (1 + blocks.len() as u64)),
            Op::Residual {
                input,
                main,
                shortcut,
                whole,
                ..
            } => {
                let mut cost = model(main, input)?.plus(Cost::elementwise(&input.shape).times(2));
                for m in shortcut.iter().chain(whole) {
                    cost = cost.plus(model(m, input)?);
                }
                cost
            }
        })
    }
}
