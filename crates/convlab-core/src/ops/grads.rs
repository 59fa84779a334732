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
