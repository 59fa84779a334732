//! What in the image a network used for its answer, from its backward pass on any backend:
//!
//! - the **saliency**: `d logit[n, class[n]] / d input`, each image the gradient of its own
//!   class's score (the model in evaluation mode);
//! - **Grad-CAM** after a block: with `A` the block's activation (`[N, K, H, W]`) and
//!   `alpha_k = mean over (i, j) of d logit / d A_k[i, j]`, the map `relu(sum_k alpha_k A_k)`
//!   (`[N, H, W]`): where the channels that raise the class's score are active.
//!
//! A block's `A` and its gradient come from running the model in two parts, the layers up to the
//! block (the head) and those after it (the tail), which keep their `state_dict` names, so the
//! same parameters serve both.

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::nn::{self, Layer, Mode, Model, ParamStore};
use crate::tensor::Tensor;

/// The saliency of each image and one Grad-CAM map per block asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub logits: Tensor,
    /// `[N, C, H, W]`, the input's shape.
    pub saliency: Tensor,
    /// `[N, H, W]` per block, in the order asked.
    pub cams: Vec<Tensor>,
}

/// `[N, classes]` with 1 at each row's class: the gradient that picks `logit[n, class[n]]`.
fn one_hot(n: usize, classes: usize, class: &[usize]) -> Result<Tensor> {
    let mut t = Tensor::zeros(&[n, classes]);
    for (row, &c) in class.iter().enumerate() {
        if c >= classes {
            return Err(Error::Invalid(format!(
                "class {c} is out of range: the model has {classes} classes"
            )));
        }
        t.data[row * classes + c] = 1.0;
    }
    Ok(t)
}

/// `relu(sum_k alpha_k A_k)` with `alpha_k` the spatial mean of `grad`'s channel `k`.
pub fn grad_cam(a: &Tensor, grad: &Tensor) -> Result<Tensor> {
    let &[n, k, h, w] = a.shape.as_slice() else {
        return Err(Error::Invalid(format!(
            "Grad-CAM needs a block output of shape (N, K, H, W), not {:?}",
            a.shape
        )));
    };
    let plane = h * w;
    let mut cam = Tensor::zeros(&[n, h, w]);
    for img in 0..n {
        for ch in 0..k {
            let at = (img * k + ch) * plane;
            let alpha = grad.data[at..at + plane].iter().sum::<f32>() / plane as f32;
            let out = &mut cam.data[img * plane..(img + 1) * plane];
            for (o, &v) in out.iter_mut().zip(&a.data[at..at + plane]) {
                *o += alpha * v;
            }
        }
    }
    for v in &mut cam.data {
        *v = v.max(0.0);
    }
    Ok(cam)
}

/// A forward pass ready for its backward: the logits, the pass's trace, and the gradient that
/// picks `logit[n, class[n]]`.
type Picked<T> = (T, nn::Trace<T>, T);

/// The model's logits on `x` in evaluation mode, the trace of that pass, and the gradient that
/// picks `logit[n, class[n]]`, all on the device: nothing is read back, so this also runs where
/// reading waits (WebGPU in a browser).
fn picked<B: Backend>(
    b: &B,
    model: &Model,
    params: &mut ParamStore<B::Tensor>,
    x: &B::Tensor,
    class: &[usize],
) -> Result<Picked<B::Tensor>> {
    let (logits, trace) = nn::forward(b, model, params, x, Mode::Eval)?;
    let shape = b.shape(&logits);
    let &[n, classes] = shape.as_slice() else {
        return Err(Error::Invalid(format!(
            "the model's output must be (N, classes), not {shape:?}"
        )));
    };
    if class.len() != n {
        return Err(Error::Invalid(format!(
            "{} classes for {n} images: give one class per image",
            class.len()
        )));
    }
    let pick = b.upload(&one_hot(n, classes, class)?)?;
    Ok((logits, trace, pick))
}

/// The saliency `d logit[n, class[n]] / d input` of each image (`[N, C, H, W]`), left on the
/// device (the model in evaluation mode, `params` including the running statistics).
pub fn saliency<B: Backend>(
    b: &B,
    model: &Model,
    params: &ParamStore<B::Tensor>,
    x: &B::Tensor,
    class: &[usize],
) -> Result<B::Tensor> {
    // Evaluation mode changes no parameter; a copy satisfies `forward`'s signature.
    let mut params = params.clone();
    let (_, trace, pick) = picked(b, model, &mut params, x, class)?;
    Ok(nn::backward(b, model, &params, trace, &pick)?.0)
}

/// Grad-CAM's inputs after layer `block` (execution order): the block's activation `A` and
/// `d logit[n, class[n]] / d A`, left on the device. The model runs in two parts, the layers up
/// to the block and those after it, on the same parameters.
pub fn block_gradient<B: Backend>(
    b: &B,
    model: &Model,
    params: &ParamStore<B::Tensor>,
    x: &B::Tensor,
    class: &[usize],
    block: usize,
) -> Result<(B::Tensor, B::Tensor)> {
    let layers = model.leaves().len();
    if block + 1 >= layers || matches!(model.leaves()[block].layer, Layer::Flatten) {
        return Err(Error::Invalid(format!(
            "Grad-CAM needs a block before the model's last layers, not layer {block}"
        )));
    }
    let mut params = params.clone();
    let (head, tail) = (model.part(0..block + 1), model.part(block + 1..layers));
    let (a, _) = nn::forward(b, &head, &mut params, x, Mode::Eval)?;
    let (_, trace, pick) = picked(b, &tail, &mut params, &a, class)?;
    let (grad_a, _) = nn::backward(b, &tail, &params, trace, &pick)?;
    Ok((a, grad_a))
}

/// The explanation of `model` (in evaluation mode, with `params` including the running
/// statistics) on the images `x` for the classes `class` (one per image), with a Grad-CAM map
/// after each layer whose execution-order index is in `blocks` (e.g. each block's ReLU).
pub fn explain<B: Backend>(
    b: &B,
    model: &Model,
    params: &ParamStore<B::Tensor>,
    x: &B::Tensor,
    class: &[usize],
    blocks: &[usize],
) -> Result<Explanation> {
    let mut own = params.clone();
    let (logits, trace, pick) = picked(b, model, &mut own, x, class)?;
    let (saliency, _) = nn::backward(b, model, &own, trace, &pick)?;
    let mut cams = Vec::with_capacity(blocks.len());
    for &block in blocks {
        let (a, grad_a) = block_gradient(b, model, params, x, class, block)?;
        cams.push(grad_cam(&b.download(&a)?, &b.download(&grad_a)?)?);
    }
    Ok(Explanation {
        logits: b.download(&logits)?,
        saliency: b.download(&saliency)?,
        cams,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two channels of 1 × 2: alpha = (mean(1, 3), mean(-2, -2)) = (2, -2);
    /// 2·(1, 2) − 2·(3, 0) = (-4, 4), then relu: (0, 4).
    #[test]
    fn grad_cam_weighs_channels_by_their_mean_gradient() {
        let a = Tensor::new(vec![1, 2, 1, 2], vec![1.0, 2.0, 3.0, 0.0]).unwrap();
        let g = Tensor::new(vec![1, 2, 1, 2], vec![1.0, 3.0, -2.0, -2.0]).unwrap();
        assert_eq!(grad_cam(&a, &g).unwrap().data, vec![0.0, 4.0]);
    }

    #[test]
    fn a_class_out_of_range_is_an_error() {
        assert!(one_hot(1, 10, &[10]).is_err());
    }
}
