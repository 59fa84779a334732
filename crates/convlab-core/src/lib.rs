//! ConvLab's core: everything that is pure arithmetic, with no GPU and no web.
//!
//! - [`tensor`]: a dense NCHW `f32` tensor on the host.
//! - [`shape`]: the output-size formula of convolution and pooling, with its worked steps.
//! - [`transposed_shape`]: the output-size formula of the transposed convolution, and its refusals.
//! - [`ops`]: the CPU reference ops, forward and backward, with PyTorch semantics.
//! - [`backend`]: the op interface every compute backend implements (CPU here, GPU in `convlab-gpu`).
//! - [`conformance`]: the table of cases every backend must pass (CPU reference and finite differences).
//! - [`budget`]: what one computation may cost in a browser tab, estimated from shapes before it runs.
//! - [`nn`]: networks as data (layers, shapes, parameters), their forward and backward passes.
//! - [`optim`]: Adam and SGD with momentum, as `torch.optim` defines them.
//! - [`arch`]: the architectures of the course and their layer-by-layer summaries.
//! - [`activations`]: every layer's output on an image, to look inside a network.
//! - [`explain`]: saliency and Grad-CAM, what in the image a network used for its answer.
//! - [`export`]: a model as runnable PyTorch code (`class Net(nn.Module)`).
//! - [`golden`]: the `convlab-golden/1` case format and a backend-generic evaluator.
//! - [`image_size`]: an image file's width and height from its header, checked before decoding.
//! - [`train`]: a model, its parameters and an optimizer, stepping on batches on any backend.
//! - [`receptive_field`]: the input pixels that can change a unit of any layer (`convlab-rf/1`).
//! - [`rng`]: the seeded generator behind initial weights and shuffling.
//! - [`dataset`]: labelled images: the bundled MNIST digits and IDX files (MNIST, Fashion-MNIST).
//! - [`idx_set`]: the four IDX files of MNIST or Fashion-MNIST, picked in any order, as a split.
//! - [`preprocess`]: a hand-drawn digit turned into an MNIST image (20×20 box, centre of mass).
//! - [`photo_digit`]: a photo of a digit (upload, camera) made into ink, then an MNIST image.
//! - [`safetensors`]: weights saved and loaded as `.safetensors` files under `state_dict` names.

pub mod activations;
pub mod arch;
pub mod backend;
pub mod budget;
pub mod conformance;
pub mod dataset;
pub mod error;
pub mod experiment;
pub mod explain;
pub mod export;
pub mod golden;
pub mod idx_set;
pub mod image_size;
pub mod nn;
pub mod ops;
pub mod optim;
pub mod photo_digit;
pub mod preprocess;
pub mod receptive_field;
pub mod rng;
pub mod safetensors;
pub mod shape;
pub mod tensor;
pub mod text;
pub mod train;
pub mod transposed_shape;

pub use backend::{Backend, CpuBackend, DeviceWork};
pub use error::{Error, Result};
pub use tensor::Tensor;
