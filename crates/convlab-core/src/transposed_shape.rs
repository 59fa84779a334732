//! The output-size formula of a transposed convolution, one axis at a time:
//!
//! ```text
//! out = (in − 1)·s − 2·p + d·(k − 1) + output_padding + 1
//! ```
//!
//! It runs the convolution's formula backwards: a convolution with the same kernel, stride,
//! padding and dilation takes an input of `out` pixels back to `in`. With a stride above 1
//! several sizes go to the same `in` (the convolution's floor drops the rest), so
//! `output_padding` says which one is meant; PyTorch refuses one not below the stride or the
//! dilation, and a padding that leaves no output.

use crate::shape::{Axis, ShapeError, ShapeErrorKind};

/// The formula evaluated on one axis, with its terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransposedAxisOutput {
    pub input: usize,
    pub kernel: usize,
    pub stride: usize,
    pub padding: usize,
    pub output_padding: usize,
    pub dilation: usize,
    pub output: usize,
}

impl TransposedAxisOutput {
    /// The computation as one line, e.g. `(7 − 1)×2 − 2×1 + 1×(4 − 1) + 0 + 1 = 14`.
    pub fn formula(&self) -> String {
        format!(
            "({} − 1)×{} − 2×{} + {}×({} − 1) + {} + 1 = {}",
            self.input,
            self.stride,
            self.padding,
            self.dilation,
            self.kernel,
            self.output_padding,
            self.output
        )
    }
}

/// The output length of a transposed convolution along one axis.
pub fn conv_transpose_output_len(
    input: usize,
    kernel: usize,
    stride: usize,
    padding: usize,
    output_padding: usize,
    dilation: usize,
) -> Result<TransposedAxisOutput, ShapeError> {
    use ShapeErrorKind::*;
    let refuse = |kind| Err(ShapeError { axis: None, kind });
    if input == 0 {
        return refuse(ZeroInput);
    }
    if kernel == 0 {
        return refuse(ZeroKernel);
    }
    if stride == 0 {
        return refuse(ZeroStride);
    }
    if dilation == 0 {
        return refuse(ZeroDilation);
    }
    if output_padding >= stride && output_padding >= dilation {
        return refuse(OutputPaddingTooLarge {
            output_padding,
            stride,
            dilation,
        });
    }
    // In i128, saturating: a negative size is a refusal, not a wrapped number, and absurd sizes
    // typed into the page stop at the largest.
    let n = |v: usize| v as i128;
    let output = (n(input) - 1)
        .saturating_mul(n(stride))
        .saturating_sub(2 * n(padding))
        .saturating_add(n(dilation).saturating_mul(n(kernel) - 1))
        .saturating_add(n(output_padding) + 1);
    if output < 1 {
        return refuse(TransposedOutputBelowOne { output });
    }
    Ok(TransposedAxisOutput {
        input,
        kernel,
        stride,
        padding,
        output_padding,
        dilation,
        output: usize::try_from(output).unwrap_or(usize::MAX),
    })
}

/// [`conv_transpose_output_len`] on both axes; `[height, width]` in and out.
pub fn conv_transpose_output_hw(
    input: [usize; 2],
    kernel: [usize; 2],
    stride: [usize; 2],
    padding: [usize; 2],
    output_padding: [usize; 2],
    dilation: [usize; 2],
) -> Result<[TransposedAxisOutput; 2], ShapeError> {
    let axis = |a: usize, name: Axis| {
        conv_transpose_output_len(
            input[a],
            kernel[a],
            stride[a],
            padding[a],
            output_padding[a],
            dilation[a],
        )
        .map_err(|e| e.on_axis(name))
    };
    Ok([axis(0, Axis::Height)?, axis(1, Axis::Width)?])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::conv_output_len;

    /// The transposed convolution undoes the convolution's size: for every small configuration
    /// and each allowed output_padding below the stride, the convolution of the output is the
    /// input again (the definition of the formula, checked against the convolution's own).
    #[test]
    fn the_convolution_of_the_output_is_the_input() {
        for input in 1..9 {
            for kernel in 1..5 {
                for stride in 1..4 {
                    for padding in 0..3 {
                        for dilation in 1..3 {
                            for op in 0..stride {
                                let Ok(t) = conv_transpose_output_len(
                                    input, kernel, stride, padding, op, dilation,
                                ) else {
                                    continue;
                                };
                                let back =
                                    conv_output_len(t.output, kernel, stride, padding, dilation)
                                        .unwrap();
                                assert_eq!(back.output, input, "{t:?}");
                            }
                        }
                    }
                }
            }
        }
    }

    /// The DCGAN generator's upsampling (k 4, s 2, p 1) doubles a size; the course's 28×28 comes
    /// back from 14×14 with k 3, s 2, p 1, output_padding 1.
    #[test]
    fn worked_examples() {
        let t = conv_transpose_output_len(7, 4, 2, 1, 0, 1).unwrap();
        assert_eq!(t.output, 14);
        assert_eq!(t.formula(), "(7 − 1)×2 − 2×1 + 1×(4 − 1) + 0 + 1 = 14");
        assert_eq!(
            conv_transpose_output_len(14, 3, 2, 1, 1, 1).unwrap().output,
            28
        );
    }

    #[test]
    fn pytorch_refusals_are_errors_with_the_axis() {
        let e =
            conv_transpose_output_hw([4, 4], [3, 3], [2, 2], [1, 1], [0, 2], [1, 1]).unwrap_err();
        assert_eq!(e.axis, Some(Axis::Width));
        assert!(e.to_string().contains("output_padding along the width must be smaller than either the stride or the dilation"), "{e}");
        let e =
            conv_transpose_output_hw([1, 1], [1, 1], [1, 1], [1, 1], [0, 0], [1, 1]).unwrap_err();
        assert_eq!(
            e.kind,
            ShapeErrorKind::TransposedOutputBelowOne { output: -1 }
        );
        assert!(e.to_string().contains("would be -1"), "{e}");
        // Absurd sizes give a number or a refusal, never a wrapped one.
        let huge = conv_transpose_output_len(usize::MAX, usize::MAX, usize::MAX, 0, 0, 1).unwrap();
        assert_eq!(huge.output, usize::MAX);
    }
}
