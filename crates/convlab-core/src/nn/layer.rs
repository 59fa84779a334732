//! One layer of a network: its hyper-parameters, the shape it produces, and its parameters.
//! Shapes here leave out the batch dimension: `[C, H, W]` for feature maps, `[F]` for vectors.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ops::{Conv2dParams, ConvTranspose2dParams, Pool2dParams};
use crate::shape::{conv_output_hw, pool_output_hw};
use crate::tensor::count;
use crate::transposed_shape::conv_transpose_output_hw;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Layer {
    Conv2d {
        in_channels: usize,
        out_channels: usize,
        kernel: [usize; 2],
        params: Conv2dParams,
        bias: bool,
    },
    /// `nn.ConvTranspose2d`: weight `[in_channels, out_channels/groups, kH, kW]`.
    ConvTranspose2d {
        in_channels: usize,
        out_channels: usize,
        kernel: [usize; 2],
        params: ConvTranspose2dParams,
        bias: bool,
    },
    BatchNorm2d {
        channels: usize,
        eps: f32,
        momentum: f32,
    },
    ReLU,
    Sigmoid,
    MaxPool2d(Pool2dParams),
    /// `count_include_pad=True`, PyTorch's default.
    AvgPool2d(Pool2dParams),
    /// `AdaptiveAvgPool2d((1, 1))`: global average pooling.
    AdaptiveAvgPool2d,
    Flatten,
    Linear {
        in_features: usize,
        out_features: usize,
        bias: bool,
    },
    Dropout {
        p: f32,
    },
    Residual(ResidualSpec),
}

/// d2l's `Residual`: `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`, 3×3 convolutions
/// with padding 1, the first one strided; the shortcut is the identity or a strided 1×1
/// convolution (`use_1x1conv`) that matches the channels and the size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidualSpec {
    pub in_channels: usize,
    pub out_channels: usize,
    pub use_1x1conv: bool,
    pub stride: usize,
}

/// A parameter (trained) or buffer (running statistics) a layer owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamSpec {
    pub name: String,
    pub shape: Vec<usize>,
    pub trainable: bool,
}

impl Layer {
    /// `nn.Conv2d(in, out, kernel_size=k, stride=s, padding=p)` with PyTorch's defaults for the rest.
    pub fn conv(
        in_channels: usize,
        out_channels: usize,
        kernel: usize,
        stride: usize,
        padding: usize,
    ) -> Layer {
        Layer::Conv2d {
            in_channels,
            out_channels,
            kernel: [kernel, kernel],
            params: Conv2dParams {
                stride: [stride; 2],
                padding: [padding; 2],
                ..Conv2dParams::default()
            },
            bias: true,
        }
    }

    /// `nn.BatchNorm2d(channels)`: eps 1e-5, momentum 0.1.
    pub fn batch_norm(channels: usize) -> Layer {
        Layer::BatchNorm2d {
            channels,
            eps: 1e-5,
            momentum: 0.1,
        }
    }

    pub fn max_pool(kernel: usize, stride: usize, padding: usize) -> Layer {
        Layer::MaxPool2d(Pool2dParams {
            kernel: [kernel; 2],
            stride: [stride; 2],
            padding: [padding; 2],
        })
    }

    pub fn avg_pool(kernel: usize, stride: usize) -> Layer {
        Layer::AvgPool2d(Pool2dParams {
            kernel: [kernel; 2],
            stride: [stride; 2],
            padding: [0; 2],
        })
    }

    pub fn linear(in_features: usize, out_features: usize) -> Layer {
        Layer::Linear {
            in_features,
            out_features,
            bias: true,
        }
    }

    /// The PyTorch class name, as `print(model)` shows it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Layer::Conv2d { .. } => "Conv2d",
            Layer::ConvTranspose2d { .. } => "ConvTranspose2d",
            Layer::BatchNorm2d { .. } => "BatchNorm2d",
            Layer::ReLU => "ReLU",
            Layer::Sigmoid => "Sigmoid",
            Layer::MaxPool2d(_) => "MaxPool2d",
            Layer::AvgPool2d(_) => "AvgPool2d",
            Layer::AdaptiveAvgPool2d => "AdaptiveAvgPool2d",
            Layer::Flatten => "Flatten",
            Layer::Linear { .. } => "Linear",
            Layer::Dropout { .. } => "Dropout",
            Layer::Residual(_) => "Residual",
        }
    }

    /// The parameters and buffers in `state_dict` order, named relative to the layer.
    pub fn params(&self) -> Vec<ParamSpec> {
        let p = |name: &str, shape: Vec<usize>, trainable| ParamSpec {
            name: name.into(),
            shape,
            trainable,
        };
        match *self {
            // A convolution's weight is [C_out, C_in/groups, kH, kW]; a transposed
            // convolution's is [C_in, C_out/groups, kH, kW] (that of the convolution it
            // transposes). Either has one bias per output channel.
            Layer::Conv2d {
                in_channels,
                out_channels,
                kernel,
                params: Conv2dParams { groups, .. },
                bias,
            }
            | Layer::ConvTranspose2d {
                in_channels,
                out_channels,
                kernel,
                params: ConvTranspose2dParams { groups, .. },
                bias,
            } => {
                let (rows, per_group) = match self {
                    Layer::Conv2d { .. } => (out_channels, in_channels),
                    _ => (in_channels, out_channels),
                };
                let mut v = vec![p(
                    "weight",
                    vec![rows, per_group / groups.max(1), kernel[0], kernel[1]],
                    true,
                )];
                if bias {
                    v.push(p("bias", vec![out_channels], true));
                }
                v
            }
            Layer::BatchNorm2d { channels, .. } => vec![
                p("weight", vec![channels], true),
                p("bias", vec![channels], true),
                p("running_mean", vec![channels], false),
                p("running_var", vec![channels], false),
            ],
            Layer::Linear {
                in_features,
                out_features,
                bias,
            } => {
                let mut v = vec![p("weight", vec![out_features, in_features], true)];
                if bias {
                    v.push(p("bias", vec![out_features], true));
                }
                v
            }
            Layer::Residual(spec) => spec
                .sublayers()
                .into_iter()
                .flat_map(|(name, layer)| {
                    layer.params().into_iter().map(move |q| ParamSpec {
                        name: format!("{name}.{}", q.name),
                        ..q
                    })
                })
                .collect(),
            _ => vec![],
        }
    }

    /// The number of trainable values (what PyTorch's summaries count), in `u64`: VGG-16 has
    /// 138 million, and a layer a student types can have more than a 32-bit count holds.
    pub fn param_count(&self) -> u64 {
        self.params()
            .iter()
            .filter(|q| q.trainable)
            .map(|q| count(&q.shape).unwrap_or(u64::MAX))
            .fold(0, u64::saturating_add)
    }

    /// The multiply-adds of one forward pass on one input of shape `input` (`[C, H, W]` or
    /// `[F]`): each output value of a convolution or a linear layer takes one per weight of its
    /// filter; the other layers are not counted (they do no weighted sums). `u64`, since a large
    /// convolution does billions.
    pub fn multiply_adds(&self, input: &[usize]) -> Result<u64> {
        let too_many = || Error::Invalid("too many multiply-adds to count".into());
        match self {
            Layer::Conv2d { .. } | Layer::Linear { .. } => {
                let weight = &self.params()[0].shape;
                let per_output = count(&weight[1..]).ok_or_else(too_many)?;
                let outputs = count(&self.output_shape(input)?).ok_or_else(too_many)?;
                per_output.checked_mul(outputs).ok_or_else(too_many)
            }
            // Each input value is scattered through its group's weights.
            Layer::ConvTranspose2d { .. } => {
                let weight = &self.params()[0].shape;
                let per_input = count(&weight[1..]).ok_or_else(too_many)?;
                let inputs = count(input).ok_or_else(too_many)?;
                per_input.checked_mul(inputs).ok_or_else(too_many)
            }
            Layer::Residual(spec) => {
                let mut total = 0u64;
                let mut shape = input.to_vec();
                for (_, layer) in spec.main_path() {
                    total = total.saturating_add(layer.multiply_adds(&shape)?);
                    shape = layer.output_shape(&shape)?;
                }
                if let Some(conv) = spec.shortcut() {
                    total = total.saturating_add(conv.multiply_adds(input)?);
                }
                Ok(total)
            }
            _ => Ok(0),
        }
    }

    /// The shape this layer produces from `input` (batch dimension left out).
    pub fn output_shape(&self, input: &[usize]) -> Result<Vec<usize>> {
        match self {
            Layer::Conv2d { in_channels, out_channels, kernel, params, .. } => {
                let [h, w] = channels_fit(input, *in_channels, *out_channels, params.groups)?;
                let [oh, ow] = conv_output_hw([h, w], *kernel, params.stride, params.padding, params.dilation)?;
                Ok(vec![*out_channels, oh.output, ow.output])
            }
            Layer::ConvTranspose2d { in_channels, out_channels, kernel, params, .. } => {
                let [h, w] = channels_fit(input, *in_channels, *out_channels, params.groups)?;
                let [oh, ow] = conv_transpose_output_hw(
                    [h, w],
                    *kernel,
                    params.stride,
                    params.padding,
                    params.output_padding,
                    params.dilation,
                )?;
                Ok(vec![*out_channels, oh.output, ow.output])
            }
            Layer::BatchNorm2d { channels, .. } => {
                let [c, _, _] = feature_map(input)?;
                if c != *channels {
                    return Err(Error::Invalid(format!("normalizes {channels} channels but receives {c}")));
                }
                Ok(input.to_vec())
            }
            Layer::ReLU | Layer::Sigmoid | Layer::Dropout { .. } => Ok(input.to_vec()),
            Layer::MaxPool2d(p) | Layer::AvgPool2d(p) => {
                let [c, h, w] = feature_map(input)?;
                let [oh, ow] = pool_output_hw([h, w], p.kernel, p.stride, p.padding)?;
                Ok(vec![c, oh.output, ow.output])
            }
            Layer::AdaptiveAvgPool2d => {
                let [c, _, _] = feature_map(input)?;
                Ok(vec![c, 1, 1])
            }
            Layer::Flatten => match count(input).and_then(|n| usize::try_from(n).ok()) {
                Some(n) => Ok(vec![n]),
                None => Err(Error::Invalid(format!(
                    "cannot flatten {input:?}: it has more values than this computer can address"
                ))),
            },
            Layer::Linear { in_features, out_features, .. } => match input {
                [f] if f == in_features => Ok(vec![*out_features]),
                [f] => Err(Error::Invalid(format!(
                    "expects {in_features} input features but receives {f}: set in_features to {f}"
                ))),
                _ => Err(Error::Invalid(format!(
                    "expects a vector of {in_features} features but receives a feature map {input:?}: add a Flatten before it"
                ))),
            },
            Layer::Residual(spec) => {
                let mut shape = input.to_vec();
                for (_, layer) in spec.main_path() {
                    shape = layer.output_shape(&shape)?;
                }
                let shortcut = match spec.shortcut() {
                    Some(conv) => conv.output_shape(input)?,
                    None => input.to_vec(),
                };
                if shortcut != shape {
                    return Err(Error::Invalid(format!(
                        "the block's output {shape:?} and its shortcut {shortcut:?} differ, so they cannot be added: \
                         use a 1×1 convolution on the shortcut (use_1x1conv) when the channels or the stride change"
                    )));
                }
                Ok(shape)
            }
        }
    }
}

/// A convolution's (or transposed convolution's) check of its input: a feature map of
/// `in_channels` channels, and groups that divide both channel counts. Gives `[H, W]`.
fn channels_fit(
    input: &[usize],
    in_channels: usize,
    out_channels: usize,
    groups: usize,
) -> Result<[usize; 2]> {
    let [c, h, w] = feature_map(input)?;
    if c != in_channels {
        return Err(Error::Invalid(format!(
            "expects {in_channels} input channels but receives {c}"
        )));
    }
    if groups == 0 || !c.is_multiple_of(groups) || !out_channels.is_multiple_of(groups) {
        return Err(Error::Invalid(format!(
            "groups={groups} must divide {c} and {out_channels}"
        )));
    }
    Ok([h, w])
}

fn feature_map(input: &[usize]) -> Result<[usize; 3]> {
    match *input {
        [c, h, w] => Ok([c, h, w]),
        _ => Err(Error::Invalid(format!(
            "expects a feature map (C, H, W) but receives {input:?}"
        ))),
    }
}

impl ResidualSpec {
    /// The layers of the main path in order, with their attribute names.
    pub fn main_path(&self) -> [(&'static str, Layer); 4] {
        let (i, o) = (self.in_channels, self.out_channels);
        [
            ("conv1", Layer::conv(i, o, 3, self.stride, 1)),
            ("bn1", Layer::batch_norm(o)),
            ("conv2", Layer::conv(o, o, 3, 1, 1)),
            ("bn2", Layer::batch_norm(o)),
        ]
    }

    /// The 1×1 convolution of the shortcut, if the block has one.
    pub fn shortcut(&self) -> Option<Layer> {
        self.use_1x1conv
            .then(|| Layer::conv(self.in_channels, self.out_channels, 1, self.stride, 0))
    }

    /// Every sub-layer with parameters, in d2l's `state_dict` order (conv1, conv2, conv3, bn1, bn2).
    pub fn sublayers(&self) -> Vec<(&'static str, Layer)> {
        let [conv1, bn1, conv2, bn2] = self.main_path();
        let mut v = vec![conv1, conv2];
        v.extend(self.shortcut().map(|c| ("conv3", c)));
        v.extend([bn1, bn2]);
        v
    }
}
