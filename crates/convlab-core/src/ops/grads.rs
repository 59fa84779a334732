//! What the backward pass of a layer with a weight returns: the gradients of its input, its
//! weight and its bias. Convolution, linear and batch norm (γ is its weight, β its bias) share it.

/// The gradients of a layer `y = f(x; weight, bias)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grads<T> {
    /// ∂L/∂x, the gradient the layer passes back.
    pub input: T,
    /// ∂L/∂weight.
    pub weight: T,
    /// ∂L/∂bias, when the layer has a bias.
    pub bias: Option<T>,
}

/// Where a backward op may write a layer's parameter gradients instead of into fresh tensors:
/// tensors the caller already holds, such as the gradient slots of a parameter group (see
/// [`crate::backend::Backend::upload_group`]), so that an optimizer can step every parameter in
/// one pass. A backend may ignore them (the CPU does): the gradients the op returns are the
/// result either way, and a grouped optimizer step checks where they are before relying on it.
#[derive(Debug)]
pub struct GradsInto<'a, T> {
    pub weight: Option<&'a T>,
    pub bias: Option<&'a T>,
}

impl<T> GradsInto<'_, T> {
    /// No destinations: the op allocates its gradients.
    pub const fn fresh() -> Self {
        GradsInto {
            weight: None,
            bias: None,
        }
    }
}

// Not derived: the references are copied whatever `T` is.
impl<T> Clone for GradsInto<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for GradsInto<'_, T> {}
