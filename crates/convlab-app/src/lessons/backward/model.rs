//! The backward pass of the lesson's convolution, written out the way it is taught, apart from
//! any view. With Y = X ⋆ K (stride s, padding p, dilation d) and the upstream gradient
//! G = ∂L/∂Y:
//!
//! - **∂L/∂X is a transposed convolution of G with K.** Y[o] used X[o·s − p + t·d] with tap t, so
//!   ∂L/∂X[i] = Σ G[o]·K[t] over every (o, t) with o·s − p + t·d = i. Spread G out (s − 1 zeros
//!   between its rows and columns), surround it with the full padding d·(k − 1) − p (rows are
//!   cut instead where p is larger), and call that E: then ∂L/∂X[i] = Σₐ E[i + a·d]·K[k − 1 − a],
//!   an ordinary correlation of E with the kernel turned 180°.
//! - **∂L/∂W is a correlation of X with G**: ∂L/∂K[t] = Σₒ X[o·s − p + t·d]·G[o], each tap
//!   summing the input values it met, weighted by the gradient of the output it made.
//! - **∂L/∂b = Σₒ G[o]**: the bias is added to every output.
//!
//! The engine computes the numbers shown; these functions give each cell's terms, and the loss
//! itself in f64 for the finite-difference check.

use convlab_core::shape::tap_position;

use super::state::Geometry;

/// What a cell of the expanded gradient E holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// G at this index (row-major in Y).
    Gradient(usize),
    /// A zero inserted between two rows or columns of G (stride > 1).
    Inserted,
    /// The full padding around the spread-out G (and the rows the forward pass never reached).
    Padding,
}

/// The expanded gradient E, `rows × cols` (the input's size plus the kernel's span less one).
#[derive(Clone, Debug, PartialEq)]
pub struct Expanded {
    pub rows: usize,
    pub cols: usize,
    pub cells: Vec<Cell>,
    pub values: Vec<f32>,
}

/// The full padding on one axis, `d·(k − 1) − p` (negative: rows cut).
pub fn full_padding(geo: &Geometry, axis: usize) -> i64 {
    (geo.dilation[axis] * (geo.kernel[axis] - 1)) as i64 - geo.padding[axis] as i64
}

/// Along one axis: position `m` of E is G's row `o`, an inserted zero or padding.
fn along(geo: &Geometry, axis: usize, out: usize, m: usize) -> Result<usize, Cell> {
    let t = m as i64 - full_padding(geo, axis);
    let s = geo.stride[axis] as i64;
    if t < 0 || t > (out as i64 - 1) * s {
        Err(Cell::Padding)
    } else if t % s != 0 {
        Err(Cell::Inserted)
    } else {
        Ok((t / s) as usize)
    }
}

/// E for the gradient `g` of an output of `out_hw`.
pub fn expanded(geo: &Geometry, [oh, ow]: [usize; 2], g: &[f32]) -> Expanded {
    let span = |a: usize| geo.input[a] + geo.dilation[a] * (geo.kernel[a] - 1);
    let (rows, cols) = (span(0), span(1));
    let mut cells = Vec::with_capacity(rows * cols);
    for m in 0..rows {
        for n in 0..cols {
            cells.push(match (along(geo, 0, oh, m), along(geo, 1, ow, n)) {
                (Ok(oy), Ok(ox)) => Cell::Gradient(oy * ow + ox),
                (Err(Cell::Padding), _) | (_, Err(Cell::Padding)) => Cell::Padding,
                _ => Cell::Inserted,
            });
        }
    }
    let values = cells
        .iter()
        .map(|c| match c {
            Cell::Gradient(i) => g.get(*i).copied().unwrap_or(0.0),
            _ => 0.0,
        })
        .collect();
    Expanded {
        rows,
        cols,
        cells,
        values,
    }
}

/// The kernel turned 180°.
pub fn rotated(kernel: &[f32]) -> Vec<f32> {
    kernel.iter().rev().copied().collect()
}

/// The cells of E under the turned kernel for ∂L/∂X at `(i, j)`: `(E row, E col)` per tap, in the
/// kernel's row-major order.
pub fn input_window(geo: &Geometry, (i, j): (usize, usize)) -> Vec<(usize, usize)> {
    let [kh, kw] = geo.kernel;
    let [dh, dw] = geo.dilation;
    (0..kh)
        .flat_map(|a| (0..kw).map(move |b| (i + a * dh, j + b * dw)))
        .collect()
}

/// ∂L/∂X at `(i, j)` as its terms `(E value, turned-kernel weight)`.
pub fn input_terms(
    geo: &Geometry,
    e: &Expanded,
    turned: &[f32],
    cell: (usize, usize),
) -> Vec<(f32, f32)> {
    input_window(geo, cell)
        .into_iter()
        .zip(turned)
        .map(|((r, c), &k)| (e.values[r * e.cols + c], k))
        .collect()
}

/// One term of ∂L/∂K at a tap: the output cell, the input cell it read there (`None`: the zero
/// padding) with its value, and G at the output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeightTerm {
    pub out: (usize, usize),
    pub input: Option<(usize, usize)>,
    pub x: f32,
    pub g: f32,
}

/// ∂L/∂K at tap `(a, b)` as its terms, one per output cell.
pub fn weight_terms(
    geo: &Geometry,
    [oh, ow]: [usize; 2],
    x: &[f32],
    g: &[f32],
    (a, b): (usize, usize),
) -> Vec<WeightTerm> {
    let [h, w] = geo.input;
    let source = |o: usize, tap: usize, axis: usize, len: usize| {
        let pos = tap_position(
            o,
            tap,
            geo.stride[axis],
            geo.padding[axis],
            geo.dilation[axis],
        );
        usize::try_from(pos).ok().filter(|&p| p < len)
    };
    let mut terms = Vec::with_capacity(oh * ow);
    for oy in 0..oh {
        for ox in 0..ow {
            let input = source(oy, a, 0, h).zip(source(ox, b, 1, w));
            terms.push(WeightTerm {
                out: (oy, ox),
                input,
                x: input.map_or(0.0, |(iy, ix)| x[iy * w + ix]),
                g: g[oy * ow + ox],
            });
        }
    }
    terms
}

/// L = Σₒ Y[o]·G[o] + b·ΣG computed in f64 straight from the definition (the bias term does not
/// depend on X or K, so it is left out): the finite-difference check's own forward pass.
pub fn loss(geo: &Geometry, out_hw: [usize; 2], x: &[f32], k: &[f32], g: &[f32]) -> f64 {
    let [_, kw] = geo.kernel;
    (0..geo.kernel[0])
        .flat_map(|a| (0..kw).map(move |b| (a, b)))
        .map(|(a, b)| {
            let tap = f64::from(k[a * kw + b]);
            weight_terms(geo, out_hw, x, g, (a, b))
                .iter()
                .map(|t| tap * f64::from(t.x) * f64::from(t.g))
                .sum::<f64>()
        })
        .sum()
}

/// The step of the finite differences.
pub const STEP: f64 = 1e-2;

/// (L(v + h) − L(v − h)) / 2h for the value `v` at `index` of X (`of_input`) or of K.
pub fn finite_difference(
    geo: &Geometry,
    out_hw: [usize; 2],
    (x, k, g): (&[f32], &[f32], &[f32]),
    of_input: bool,
    index: usize,
) -> f64 {
    let at = |delta: f64| {
        let (mut x, mut k) = (x.to_vec(), k.to_vec());
        let v = if of_input {
            &mut x[index]
        } else {
            &mut k[index]
        };
        *v = (f64::from(*v) + delta) as f32;
        loss(geo, out_hw, &x, &k, g)
    };
    (at(STEP) - at(-STEP)) / (2.0 * STEP)
}

#[cfg(test)]
mod tests {
    use super::*;
    use convlab_core::ops::conv2d;
    use convlab_core::rng::Rng;

    fn geometries() -> Vec<Geometry> {
        let g = |input, kernel, stride, padding, dilation| Geometry {
            input,
            kernel,
            stride,
            padding,
            dilation,
        };
        vec![
            g([5, 5], [3, 3], [2, 2], [0, 0], [1, 1]),
            g([4, 6], [2, 3], [1, 2], [1, 0], [1, 1]),
            // Padding larger than the kernel's span: E is cut, not padded.
            g([5, 4], [2, 2], [2, 1], [3, 2], [1, 1]),
            g([8, 7], [3, 2], [3, 2], [1, 1], [2, 2]),
        ]
    }

    /// The written-out terms sum to the CPU reference's gradients (a different computation:
    /// im2col and matrix products), and the finite differences agree with both.
    #[test]
    fn the_written_out_gradients_are_the_engines() {
        let mut rng = Rng::new(11);
        for geo in geometries() {
            let out_hw = geo.out_hw().unwrap();
            let [h, w] = geo.input;
            let [kh, kw] = geo.kernel;
            let x = rng.tensor(&[1, 1, h, w]);
            let k = rng.tensor(&[1, 1, kh, kw]);
            let g = rng.tensor(&[1, 1, out_hw[0], out_hw[1]]);
            let grads = conv2d::backward(&x, &k, &g, geo.params(), true).unwrap();
            let e = expanded(&geo, out_hw, &g.data);
            assert_eq!(
                (e.rows, e.cols),
                (
                    h + geo.dilation[0] * (kh - 1),
                    w + geo.dilation[1] * (kw - 1)
                )
            );
            let turned = rotated(&k.data);
            for i in 0..h {
                for j in 0..w {
                    let sum: f32 = input_terms(&geo, &e, &turned, (i, j))
                        .iter()
                        .map(|(a, b)| a * b)
                        .sum();
                    let want = grads.input.data[i * w + j];
                    assert!(
                        (sum - want).abs() < 1e-5,
                        "{geo:?} dX[{i},{j}]: {sum} vs {want}"
                    );
                    let fd = finite_difference(
                        &geo,
                        out_hw,
                        (&x.data, &k.data, &g.data),
                        true,
                        i * w + j,
                    );
                    assert!(
                        (fd - f64::from(want)).abs() < 1e-4,
                        "{geo:?} fd dX[{i},{j}]: {fd} vs {want}"
                    );
                }
            }
            for a in 0..kh {
                for b in 0..kw {
                    let sum: f32 = weight_terms(&geo, out_hw, &x.data, &g.data, (a, b))
                        .iter()
                        .map(|t| t.x * t.g)
                        .sum();
                    let want = grads.weight.data[a * kw + b];
                    assert!(
                        (sum - want).abs() < 1e-5,
                        "{geo:?} dK[{a},{b}]: {sum} vs {want}"
                    );
                    let fd = finite_difference(
                        &geo,
                        out_hw,
                        (&x.data, &k.data, &g.data),
                        false,
                        a * kw + b,
                    );
                    assert!(
                        (fd - f64::from(want)).abs() < 1e-4,
                        "{geo:?} fd dK[{a},{b}]: {fd} vs {want}"
                    );
                }
            }
            let total: f32 = g.data.iter().sum();
            assert!((grads.bias.unwrap().data[0] - total).abs() < 1e-5);
        }
    }

    /// The notes' kind of example, by hand: 3×3 input, 2×2 kernel, stride 2, padding 1 gives a
    /// 2×2 output; E is G spread with one zero between, with d(k − 1) − p = 0 padding, and one
    /// row and column of padding after it (3 + 1 = 4 rows).
    #[test]
    fn a_small_expanded_gradient_by_hand() {
        let geo = Geometry {
            input: [3, 3],
            kernel: [2, 2],
            stride: [2, 2],
            padding: [1, 1],
            dilation: [1, 1],
        };
        let e = expanded(&geo, [2, 2], &[1.0, 2.0, 3.0, 4.0]);
        assert_eq!((e.rows, e.cols), (4, 4));
        #[rustfmt::skip]
        let want = [
            1.0, 0.0, 2.0, 0.0,
            0.0, 0.0, 0.0, 0.0,
            3.0, 0.0, 4.0, 0.0,
            0.0, 0.0, 0.0, 0.0,
        ];
        assert_eq!(e.values, want);
        assert_eq!(e.cells[1], Cell::Inserted);
        assert_eq!(e.cells[3], Cell::Padding);
        assert_eq!(rotated(&[1.0, 2.0, 3.0, 4.0]), [4.0, 3.0, 2.0, 1.0]);
    }
}
