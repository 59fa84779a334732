//! The Gradients lesson's URL state: one convolution of a single channel like the Convolution
//! lesson's (`h`, `w`, `k`, `s`, `p`, `d`, each also per axis, `x` and `wt` for the input and
//! kernel values), `g` for the upstream gradient ∂L/∂Y (L = Σ Y·G; absent: all ones, L = ΣY) and
//! `check=x,row,col` or `check=w,row,col`, the cell of ∂L/∂X or ∂L/∂W checked by finite
//! differences. The sizes are smaller than the forward lesson's: the padded, stride-dilated
//! gradient grid is about twice the input's size.

use convlab_core::ops::Conv2dParams;
use convlab_core::shape::conv_output_hw;

use crate::format;
use crate::lessons::conv::state as conv;
pub use crate::lessons::conv::state::PairSpec;
use crate::lessons::conv::state::VALUE_RANGE;
use crate::url::lesson::LessonState;
use crate::url::reader::{Reader, Reason};
use crate::url::writer::Writer;

// The Convolution lesson's keys and limits, with smaller maxima (and stride 2 by default, so
// the spread-out gradient shows its inserted zeros).
pub const INPUT: PairSpec = conv::INPUT.with(5, 8);
pub const KERNEL: PairSpec = conv::KERNEL.with(3, 4);
pub const STRIDE: PairSpec = conv::STRIDE.with(2, 3);
pub const PADDING: PairSpec = conv::PADDING.with(0, 3);
pub const DILATION: PairSpec = conv::DILATION.with(1, 2);

/// The lesson's convolution: sizes only (one input and one output channel).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    pub input: [usize; 2],
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    pub padding: [usize; 2],
    pub dilation: [usize; 2],
}

impl Geometry {
    pub fn params(&self) -> Conv2dParams {
        Conv2dParams {
            stride: self.stride,
            padding: self.padding,
            dilation: self.dilation,
            groups: 1,
        }
    }

    /// `[rows, cols]` of Y, or why there is none (the core's message).
    pub fn out_hw(&self) -> Result<[usize; 2], String> {
        conv_output_hw(
            self.input,
            self.kernel,
            self.stride,
            self.padding,
            self.dilation,
        )
        .map(|[h, w]| [h.output, w.output])
        .map_err(|e| e.to_string())
    }
}

/// Which gradient a checked cell belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grad {
    Input,
    Weight,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BackwardState {
    pub geo: Geometry,
    /// The input values, `h·w`; `None` for the default.
    pub x: Option<Vec<f32>>,
    /// The kernel values, `kh·kw`; `None` for the default.
    pub wt: Option<Vec<f32>>,
    /// ∂L/∂Y, one value per output cell; `None` for all ones.
    pub g: Option<Vec<f32>>,
    /// The cell checked by finite differences.
    pub check: Option<(Grad, [usize; 2])>,
}

impl Default for BackwardState {
    fn default() -> Self {
        let mut r = Reader::new(&[]);
        Self::read(&mut r)
    }
}

/// `check=x,row,col` or `check=w,row,col`, inside that gradient (the input's or the kernel's size).
fn read_check(r: &mut Reader, geo: &Geometry) -> Option<(Grad, [usize; 2])> {
    let text = r.raw("check")?;
    let mut parts = text.split(',').map(str::trim);
    let grad = match parts.next() {
        Some("x") => Some((Grad::Input, geo.input)),
        Some("w") => Some((Grad::Weight, geo.kernel)),
        _ => None,
    };
    let cell: Option<Vec<usize>> = parts.map(|v| v.parse().ok()).collect();
    match (grad, cell.as_deref()) {
        (Some((grad, [h, w])), Some(&[y, x])) if y < h && x < w => Some((grad, [y, x])),
        _ => {
            r.adjust(
                "check",
                text,
                "—",
                Reason::Other("not a cell of ∂L/∂X (x,row,col) or ∂L/∂W (w,row,col)".into()),
            );
            None
        }
    }
}

impl LessonState for BackwardState {
    const KEYS: &'static [&'static str] = &[
        "h", "w", "k", "kh", "kw", "s", "sh", "sw", "p", "ph", "pw", "d", "dh", "dw", "x", "wt",
        "g", "check",
    ];

    fn read(r: &mut Reader) -> Self {
        let geo = Geometry {
            input: INPUT.read(r),
            kernel: KERNEL.read(r),
            stride: STRIDE.read(r),
            padding: PADDING.read(r),
            dilation: DILATION.read(r),
        };
        let [h, w] = geo.input;
        let [kh, kw] = geo.kernel;
        let [oh, ow] = geo.out_hw().unwrap_or([0, 0]);
        let written = |v: Option<Vec<f32>>| v.map(|v| v.into_iter().map(format::written).collect());
        BackwardState {
            geo,
            x: written(r.values("x", h * w, VALUE_RANGE)),
            wt: written(r.values("wt", kh * kw, VALUE_RANGE)),
            g: written(r.values("g", oh * ow, VALUE_RANGE)),
            check: read_check(r, &geo),
        }
    }

    fn write(&self, w: &mut Writer) {
        let g = &self.geo;
        INPUT.write(w, g.input);
        KERNEL.write(w, g.kernel);
        STRIDE.write(w, g.stride);
        PADDING.write(w, g.padding);
        DILATION.write(w, g.dilation);
        w.values("x", self.x.as_deref());
        w.values("wt", self.wt.as_deref());
        w.values("g", self.g.as_deref());
        if let Some((grad, [y, x])) = self.check {
            let name = match grad {
                Grad::Input => "x",
                Grad::Weight => "w",
            };
            w.put("check", format!("{name},{y},{x}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::lesson::{assert_laws, hostile_queries, parse, query};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_query_gives_a_valid_state(q in hostile_queries(BackwardState::KEYS)) {
            assert_laws::<BackwardState>(&q);
        }
    }

    #[test]
    fn a_gradient_list_of_the_wrong_length_or_a_cell_outside_is_noted() {
        // 5×5, k 3, s 2: Y is 2×2, so g needs 4 values.
        let (s, adjusted) = parse::<BackwardState>(&query(&[("g", "1,2,3"), ("check", "w,3,0")]));
        assert_eq!((s.g, s.check), (None, None));
        let keys: Vec<&str> = adjusted.iter().map(|a| a.key).collect();
        assert_eq!(keys, ["g", "check"]);
        let (s, adjusted) = parse::<BackwardState>(&query(&[("g", "1,2,3,4"), ("check", "x,4,1")]));
        assert!(adjusted.is_empty());
        assert_eq!(s.g, Some(vec![1.0, 2.0, 3.0, 4.0]));
        assert_eq!(s.check, Some((Grad::Input, [4, 1])));
    }
}
