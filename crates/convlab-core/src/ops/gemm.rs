//! Row-major matrix multiply, `C += A · B`, blocked for the cache. Convolution (through
//! im2col) and linear layers spend nearly all their time here.
//!
//! The inner loop walks a row of `B` and four rows of `C` together, so each value of `B`
//! loaded from memory feeds four multiply-adds, and the loop over columns vectorizes (SSE on
//! x86-64, SIMD128 in wasm). Blocks of `KC` rows of `B` by `NC` columns stay in the L1/L2 cache
//! while every row of `A` passes over them.

const NC: usize = 256;
const KC: usize = 128;

/// `c[m×n] += a[m×k] · b[k×n]`, all row-major and contiguous.
pub fn matmul_acc(m: usize, k: usize, n: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    assert!(
        a.len() >= m * k && b.len() >= k * n && c.len() >= m * n,
        "matmul_acc: slices too short"
    );
    for j0 in (0..n).step_by(NC) {
        let cols = NC.min(n - j0);
        for k0 in (0..k).step_by(KC) {
            let k1 = (k0 + KC).min(k);
            let mut i = 0;
            while i + 4 <= m {
                let (r0, rest) = c[i * n..(i + 4) * n].split_at_mut(n);
                let (r1, rest) = rest.split_at_mut(n);
                let (r2, r3) = rest.split_at_mut(n);
                let (c0, c1) = (&mut r0[j0..j0 + cols], &mut r1[j0..j0 + cols]);
                let (c2, c3) = (&mut r2[j0..j0 + cols], &mut r3[j0..j0 + cols]);
                for kk in k0..k1 {
                    let brow = &b[kk * n + j0..kk * n + j0 + cols];
                    let a0 = a[i * k + kk];
                    let a1 = a[(i + 1) * k + kk];
                    let a2 = a[(i + 2) * k + kk];
                    let a3 = a[(i + 3) * k + kk];
                    for j in 0..cols {
                        let bv = brow[j];
                        c0[j] += a0 * bv;
                        c1[j] += a1 * bv;
                        c2[j] += a2 * bv;
                        c3[j] += a3 * bv;
                    }
                }
                i += 4;
            }
            for i in i..m {
                let crow = &mut c[i * n + j0..i * n + j0 + cols];
                for kk in k0..k1 {
                    let av = a[i * k + kk];
                    let brow = &b[kk * n + j0..kk * n + j0 + cols];
                    for (cv, bv) in crow.iter_mut().zip(brow) {
                        *cv += av * bv;
                    }
                }
            }
        }
    }
}

/// The transpose of a row-major `rows × cols` matrix, as a new `cols × rows` matrix.
pub fn transpose(rows: usize, cols: usize, src: &[f32]) -> Vec<f32> {
    let mut dst = vec![0.0; rows * cols];
    // Tiles keep both the reads and the writes within a few cache lines.
    const T: usize = 32;
    for r0 in (0..rows).step_by(T) {
        for c0 in (0..cols).step_by(T) {
            for r in r0..(r0 + T).min(rows) {
                for c in c0..(c0 + T).min(cols) {
                    dst[c * rows + r] = src[r * cols + c];
                }
            }
        }
    }
    dst
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(m: usize, k: usize, n: usize, a: &[f32], b: &[f32]) -> Vec<f32> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|kk| a[i * k + kk] * b[kk * n + j]).sum();
            }
        }
        c
    }

    #[test]
    fn matches_the_definition_across_block_edges() {
        // Sizes straddle the 4-row step and the KC / NC block edges.
        for &(m, k, n) in &[
            (1, 1, 1),
            (3, 5, 7),
            (4, 129, 257),
            (9, 130, 300),
            (17, 3, 513),
        ] {
            let a: Vec<f32> = (0..m * k)
                .map(|i| ((i * 7 % 13) as f32 - 6.0) / 4.0)
                .collect();
            let b: Vec<f32> = (0..k * n)
                .map(|i| ((i * 5 % 11) as f32 - 5.0) / 3.0)
                .collect();
            let mut c = vec![0.0; m * n];
            matmul_acc(m, k, n, &a, &b, &mut c);
            for (got, want) in c.iter().zip(naive(m, k, n, &a, &b)) {
                assert!(
                    (got - want).abs() <= 1e-3 * (1.0 + want.abs()),
                    "{m}x{k}x{n}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn transpose_swaps_indices() {
        let src: Vec<f32> = (0..6).map(|v| v as f32).collect();
        assert_eq!(transpose(2, 3, &src), vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0]);
    }
}
