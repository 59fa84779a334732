//! Matrix multiply, `C += A · B` (or `C = A · B` into scratch). Convolution (through im2col)
//! and linear layers spend nearly all their time here.
//!
//! The work is done by the `matrixmultiply` crate, built the way oneDNN, XNNPACK and BLIS build
//! theirs: blocks of `A` and `B` are packed into contiguous panels that stay in the L1/L2 cache,
//! and a register-blocked micro-kernel (AVX-512 or AVX2 with FMA, chosen at run time from what the
//! CPU has; SIMD128 in wasm) multiplies one panel pair, holding a whole tile of `C` in registers.
//!
//! Because panels are packed anyway, an operand can be read through any strides: a transposed
//! matrix is a view ([`MatRef::t`]), never a copy.

/// A read-only matrix over a slice: element `(r, c)` is `data[r·row_stride + c·col_stride]`.
#[derive(Debug, Clone, Copy)]
pub struct MatRef<'a> {
    data: &'a [f32],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

impl<'a> MatRef<'a> {
    /// The `rows × cols` matrix stored row by row at the start of `data`.
    pub fn row_major(data: &'a [f32], rows: usize, cols: usize) -> Self {
        MatRef {
            data,
            rows,
            cols,
            row_stride: cols,
            col_stride: 1,
        }
    }

    /// The transpose, reading the same memory.
    pub fn t(self) -> Self {
        MatRef {
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
            ..self
        }
    }

    /// Whether every element's index lies inside `data`.
    fn fits(&self) -> bool {
        self.rows == 0
            || self.cols == 0
            || (self.rows - 1) * self.row_stride + (self.cols - 1) * self.col_stride
                < self.data.len()
    }
}

/// `c[m×n] += a[m×k] · b[k×n]`, with `c` row-major and contiguous.
///
/// Panics when the shapes disagree or a view reaches past its slice: callers check their shapes
/// once, before any product, so this is a programming error.
pub fn gemm_acc(a: MatRef, b: MatRef, c: &mut [f32]) {
    sgemm(a, b, 1.0, c);
}

/// `c[m×n] = a[m×k] · b[k×n]`: like [`gemm_acc`], but `c`'s old values are never read, so a
/// scratch buffer needs no zeroing first (a memset of the whole product saved).
pub fn gemm_into(a: MatRef, b: MatRef, c: &mut [f32]) {
    sgemm(a, b, 0.0, c);
}

/// `c = a · b + beta · c`; with `beta` 0 the product never reads `c` (matrixmultiply's contract).
fn sgemm(a: MatRef, b: MatRef, beta: f32, c: &mut [f32]) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    assert!(
        b.rows == k && a.fits() && b.fits() && c.len() >= m * n,
        "gemm: {m}×{k} · {}×{n} into {} values",
        b.rows,
        c.len()
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        // An empty sum: `c` keeps its values, or is zero when they are not to be read.
        if beta == 0.0 {
            c[..m * n].fill(0.0);
        }
        return;
    }
    let stride = |s: usize| isize::try_from(s).expect("a stride within a slice fits in isize");
    // SAFETY: the assertion above keeps every index the product reads (through `a` and `b`'s
    // strides) or writes (`c`, row-major `m × n`) inside its slice, and `c` is borrowed mutably,
    // so it aliases neither operand.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.data.as_ptr(),
            stride(a.row_stride),
            stride(a.col_stride),
            b.data.as_ptr(),
            stride(b.row_stride),
            stride(b.col_stride),
            beta,
            c.as_mut_ptr(),
            stride(n),
            1,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `A · B` from the definition, reading element `(r, c)` of each operand through a closure.
    fn naive(
        m: usize,
        k: usize,
        n: usize,
        a: impl Fn(usize, usize) -> f32,
        b: impl Fn(usize, usize) -> f32,
    ) -> Vec<f32> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|kk| a(i, kk) * b(kk, j)).sum();
            }
        }
        c
    }

    fn values(len: usize, mul: usize, modulus: usize) -> Vec<f32> {
        (0..len)
            .map(|i| ((i * mul % modulus) as f32 - (modulus / 2) as f32) / 4.0)
            .collect()
    }

    fn assert_close(got: &[f32], want: &[f32], what: &str) {
        for (g, w) in got.iter().zip(want) {
            assert!(
                (g - w).abs() <= 1e-3 * (1.0 + w.abs()),
                "{what}: {g} vs {w}"
            );
        }
    }

    #[test]
    fn matches_the_definition_across_tile_edges_and_accumulates() {
        // Sizes straddle the micro-kernel's tiles (8 or 16 wide) and the packing blocks.
        for &(m, k, n) in &[(1, 1, 1), (3, 5, 7), (17, 129, 257), (33, 400, 196)] {
            let (a, b) = (values(m * k, 7, 13), values(k * n, 5, 11));
            let mut c = vec![1.0; m * n];
            gemm_acc(
                MatRef::row_major(&a, m, k),
                MatRef::row_major(&b, k, n),
                &mut c,
            );
            let want = naive(m, k, n, |i, j| a[i * k + j], |i, j| b[i * n + j]);
            let plus_one: Vec<f32> = want.iter().map(|v| v + 1.0).collect();
            assert_close(&c, &plus_one, &format!("{m}x{k}x{n}"));
        }
    }

    #[test]
    fn gemm_into_never_reads_what_c_held() {
        for &(m, k, n) in &[(3, 5, 7), (33, 400, 196), (4, 0, 6)] {
            let (a, b) = (values(m * k, 7, 13), values(k * n, 5, 11));
            let mut c = vec![f32::NAN; m * n];
            gemm_into(
                MatRef::row_major(&a, m, k),
                MatRef::row_major(&b, k, n),
                &mut c,
            );
            let want = naive(m, k, n, |i, j| a[i * k + j], |i, j| b[i * n + j]);
            assert_close(&c, &want, &format!("{m}x{k}x{n} over NaN"));
        }
    }

    #[test]
    fn transposed_views_read_the_same_memory_transposed() {
        let (m, k, n) = (9, 13, 11);
        // a is stored as its transpose (k × m), b as its transpose (n × k).
        let (a_t, b_t) = (values(k * m, 7, 13), values(n * k, 5, 11));
        let mut c = vec![0.0; m * n];
        gemm_acc(
            MatRef::row_major(&a_t, k, m).t(),
            MatRef::row_major(&b_t, n, k).t(),
            &mut c,
        );
        let want = naive(m, k, n, |i, j| a_t[j * m + i], |i, j| b_t[j * k + i]);
        assert_close(&c, &want, "Aᵀᵀ·Bᵀᵀ");
    }

    #[test]
    #[should_panic(expected = "gemm: 2×3")]
    fn a_view_past_its_slice_is_refused() {
        let a = [0.0; 5];
        let mut c = [0.0; 4];
        gemm_acc(
            MatRef::row_major(&a, 2, 3),
            MatRef::row_major(&a, 3, 2),
            &mut c,
        );
    }
}
