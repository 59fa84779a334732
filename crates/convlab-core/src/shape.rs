//! The output-size formula of convolution and pooling, one axis at a time:
//!
//! ```text
//! out = floor((in + 2·p − d·(k − 1) − 1) / s) + 1
//! ```
//!
//! Besides the number, [`AxisOutput`] keeps every intermediate value so the app can write the
//! computation out step by step, and whether the division was exact (the notes' "28.5 → 28":
//! the rows the last window would need are simply dropped). Configurations PyTorch refuses give
//! a [`ShapeError`] whose message tells the student what to change.

use std::fmt;

/// Which spatial axis a size belongs to; errors name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Height,
    Width,
}

impl fmt::Display for Axis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Axis::Height => "height",
            Axis::Width => "width",
        })
    }
}

/// The formula evaluated on one axis, with its steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AxisOutput {
    pub input: usize,
    pub kernel: usize,
    pub stride: usize,
    pub padding: usize,
    pub dilation: usize,
    /// `in + 2p`: the input with its zero border.
    pub padded_input: usize,
    /// `d(k − 1) + 1`: how many input pixels one window spans.
    pub effective_kernel: usize,
    /// `in + 2p − d(k − 1) − 1`: how far the window's first tap can travel.
    pub span: usize,
    /// `span mod s`: the pixels left over at the end that no further window fits (0 when exact).
    pub remainder: usize,
    /// Whether `span / s` divides exactly, i.e. the last window ends on the last padded pixel.
    pub exact: bool,
    /// `floor(span / s) + 1`.
    pub output: usize,
}

impl AxisOutput {
    /// The computation as one line, e.g. `floor((227 + 2×0 − 1×(11 − 1) − 1) / 4) + 1 = floor(54) + 1 = 55`.
    pub fn formula(&self) -> String {
        let quotient = if self.exact {
            format!("{}", self.span / self.stride)
        } else {
            format!("{:.2}", self.span as f64 / self.stride as f64)
        };
        format!(
            "floor(({} + 2×{} − {}×({} − 1) − 1) / {}) + 1 = floor({}) + 1 = {}",
            self.input,
            self.padding,
            self.dilation,
            self.kernel,
            self.stride,
            quotient,
            self.output
        )
    }
}

/// Why a configuration has no output. `axis` is filled in by the 2-D helpers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    pub axis: Option<Axis>,
    pub kind: ShapeErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShapeErrorKind {
    ZeroInput,
    ZeroKernel,
    ZeroStride,
    ZeroDilation,
    /// The window spans more pixels than the padded input has.
    KernelLargerThanInput {
        padded_input: usize,
        effective_kernel: usize,
        input: usize,
        padding: usize,
    },
    /// Pooling pads with at most half a window on each side (PyTorch: `pad <= kernel_size / 2`).
    PoolPaddingTooLarge {
        padding: usize,
        kernel: usize,
    },
    /// A transposed convolution's `output_padding` must be below its stride or its dilation
    /// (PyTorch: it only picks which of the sizes one stride apart is meant).
    OutputPaddingTooLarge {
        output_padding: usize,
        stride: usize,
        dilation: usize,
    },
    /// A transposed convolution whose padding removes every row: `(in − 1)·s − 2p + d(k − 1) +
    /// output_padding + 1` is below 1.
    TransposedOutputBelowOne {
        output: i128,
    },
}

impl ShapeError {
    fn new(kind: ShapeErrorKind) -> Self {
        ShapeError { axis: None, kind }
    }

    pub fn on_axis(mut self, axis: Axis) -> Self {
        self.axis = Some(axis);
        self
    }
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let along = self
            .axis
            .map(|a| format!(" along the {a}"))
            .unwrap_or_default();
        match &self.kind {
            ShapeErrorKind::ZeroInput => write!(f, "the input size{along} must be at least 1"),
            ShapeErrorKind::ZeroKernel => write!(f, "the kernel size{along} must be at least 1"),
            ShapeErrorKind::ZeroStride => write!(
                f,
                "the stride{along} must be at least 1: a stride of 0 would never move the window"
            ),
            ShapeErrorKind::ZeroDilation => write!(
                f,
                "the dilation{along} must be at least 1 (1 means the kernel taps touch, with no gaps)"
            ),
            ShapeErrorKind::KernelLargerThanInput { padded_input, effective_kernel, input, padding } => write!(
                f,
                "the kernel is larger than the padded input{along}: the window spans {effective_kernel} pixels \
                 but the input with padding has only {padded_input} ({input} + 2×{padding}); \
                 use a smaller kernel or dilation, or more padding"
            ),
            ShapeErrorKind::PoolPaddingTooLarge { padding, kernel } => write!(
                f,
                "pooling padding{along} must be at most half the kernel size: padding {padding} is more than \
                 {kernel}/2; reduce the padding to {} or less",
                kernel / 2
            ),
            ShapeErrorKind::OutputPaddingTooLarge { output_padding, stride, dilation } => write!(
                f,
                "output_padding{along} must be smaller than either the stride or the dilation: \
                 output_padding {output_padding} is not below stride {stride} or dilation {dilation}; \
                 use an output_padding of at most {}",
                (*stride).max(*dilation) - 1
            ),
            ShapeErrorKind::TransposedOutputBelowOne { output } => write!(
                f,
                "the transposed convolution's output size{along} would be {output}: the padding \
                 removes more rows than the kernel adds; reduce the padding"
            ),
        }
    }
}

impl std::error::Error for ShapeError {}

/// The input position (row or column) that tap `tap` of the window of output position `out`
/// reads: `out·s − p + tap·d`. A position below 0 or at least the input's length lies in the zero
/// padding. This is the one place the window formula is written: the CPU ops, the lessons'
/// highlighting and their arithmetic all call it (the WGSL kernels spell it out for students).
pub fn tap_position(out: usize, tap: usize, stride: usize, padding: usize, dilation: usize) -> i64 {
    let i = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
    i(out)
        .saturating_mul(i(stride))
        .saturating_sub(i(padding))
        .saturating_add(i(tap).saturating_mul(i(dilation)))
}

/// The output length of a convolution along one axis.
pub fn conv_output_len(
    input: usize,
    kernel: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
) -> Result<AxisOutput, ShapeError> {
    use ShapeErrorKind::*;
    if input == 0 {
        return Err(ShapeError::new(ZeroInput));
    }
    if kernel == 0 {
        return Err(ShapeError::new(ZeroKernel));
    }
    if stride == 0 {
        return Err(ShapeError::new(ZeroStride));
    }
    if dilation == 0 {
        return Err(ShapeError::new(ZeroDilation));
    }
    // Saturating arithmetic: absurd sizes typed into the UI must give an error, never an overflow.
    let padded_input = input.saturating_add(padding.saturating_mul(2));
    let effective_kernel = dilation.saturating_mul(kernel - 1).saturating_add(1);
    if effective_kernel > padded_input {
        return Err(ShapeError::new(KernelLargerThanInput {
            padded_input,
            effective_kernel,
            input,
            padding,
        }));
    }
    let span = padded_input - effective_kernel;
    Ok(AxisOutput {
        input,
        kernel,
        stride,
        padding,
        dilation,
        padded_input,
        effective_kernel,
        span,
        remainder: span % stride,
        exact: span.is_multiple_of(stride),
        output: span / stride + 1,
    })
}

/// The output length of max or average pooling along one axis (no dilation, `ceil_mode=False`).
pub fn pool_output_len(
    input: usize,
    kernel: usize,
    stride: usize,
    padding: usize,
) -> Result<AxisOutput, ShapeError> {
    if kernel > 0 && padding > kernel / 2 {
        return Err(ShapeError::new(ShapeErrorKind::PoolPaddingTooLarge {
            padding,
            kernel,
        }));
    }
    conv_output_len(input, kernel, stride, padding, 1)
}

/// [`conv_output_len`] on both axes; `[height, width]` in and out.
pub fn conv_output_hw(
    input: [usize; 2],
    kernel: [usize; 2],
    stride: [usize; 2],
    padding: [usize; 2],
    dilation: [usize; 2],
) -> Result<[AxisOutput; 2], ShapeError> {
    let h = conv_output_len(input[0], kernel[0], stride[0], padding[0], dilation[0])
        .map_err(|e| e.on_axis(Axis::Height))?;
    let w = conv_output_len(input[1], kernel[1], stride[1], padding[1], dilation[1])
        .map_err(|e| e.on_axis(Axis::Width))?;
    Ok([h, w])
}

/// [`pool_output_len`] on both axes; `[height, width]` in and out.
pub fn pool_output_hw(
    input: [usize; 2],
    kernel: [usize; 2],
    stride: [usize; 2],
    padding: [usize; 2],
) -> Result<[AxisOutput; 2], ShapeError> {
    let h = pool_output_len(input[0], kernel[0], stride[0], padding[0])
        .map_err(|e| e.on_axis(Axis::Height))?;
    let w = pool_output_len(input[1], kernel[1], stride[1], padding[1])
        .map_err(|e| e.on_axis(Axis::Width))?;
    Ok([h, w])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The five exercises of the course notes (001), computed by hand there.
    #[test]
    fn course_exercises() {
        let cases = [
            ([227, 227], 11, 4, 0, [55, 55]),
            ([64, 64], 7, 2, 0, [29, 29]),
            ([32, 32], 5, 1, 2, [32, 32]),
            ([32, 64], 5, 1, 0, [28, 60]),
            ([64, 32], 3, 1, 1, [64, 32]),
        ];
        for (input, k, s, p, want) in cases {
            let [h, w] = conv_output_hw(input, [k, k], [s, s], [p, p], [1, 1]).unwrap();
            assert_eq!([h.output, w.output], want, "input {input:?} k{k} s{s} p{p}");
        }
    }

    #[test]
    fn inexact_division_is_floored_and_reported() {
        // 64 − 7 = 57, 57 / 2 = 28.5 → 28, + 1 = 29.
        let out = conv_output_len(64, 7, 2, 0, 1).unwrap();
        assert_eq!(
            (out.span, out.remainder, out.exact, out.output),
            (57, 1, false, 29)
        );
        assert_eq!(
            out.formula(),
            "floor((64 + 2×0 − 1×(7 − 1) − 1) / 2) + 1 = floor(28.50) + 1 = 29"
        );
        assert!(conv_output_len(227, 11, 4, 0, 1).unwrap().exact);
    }

    #[test]
    fn dilation_widens_the_window() {
        let out = conv_output_len(11, 3, 1, 2, 2).unwrap();
        assert_eq!((out.effective_kernel, out.output), (5, 11));
    }

    #[test]
    fn invalid_configurations_are_errors_with_the_axis() {
        let e = conv_output_hw([4, 4], [5, 5], [1, 1], [0, 0], [1, 1]).unwrap_err();
        assert_eq!(e.axis, Some(Axis::Height));
        assert!(
            e.to_string().contains("larger than the padded input"),
            "{e}"
        );
        let e = conv_output_hw([8, 8], [3, 3], [1, 0], [0, 0], [1, 1]).unwrap_err();
        assert_eq!(
            (e.axis, e.kind),
            (Some(Axis::Width), ShapeErrorKind::ZeroStride)
        );
        let e = pool_output_hw([4, 4], [3, 3], [2, 2], [2, 2]).unwrap_err();
        assert!(matches!(
            e.kind,
            ShapeErrorKind::PoolPaddingTooLarge {
                padding: 2,
                kernel: 3
            }
        ));
        assert!(e.to_string().contains("reduce the padding to 1"), "{e}");
        assert!(conv_output_len(usize::MAX, usize::MAX, 1, usize::MAX, usize::MAX).is_ok());
    }
}
