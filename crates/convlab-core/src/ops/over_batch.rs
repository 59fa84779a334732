//! Running one image's work for every image of a batch, on every core.
//!
//! The images of a batch are independent in a convolution's forward pass and input gradient, so
//! each thread takes whole images ([`for_each_image`]). A weight gradient is a sum over the
//! images: the batch is cut into [`PARTS`] runs of images, each run sums into its own buffer, and
//! the buffers are added in order ([`sum_over_images`]). The cut depends on the batch alone, never
//! on the number of threads, so the result is the same, bit for bit, on any machine.
//!
//! Natively rayon runs the work on every core. In wasm, where a page's worker cannot spawn
//! threads, rayon runs the same calls on the calling thread.

use rayon::prelude::*;

/// How many threads the CPU backend runs on: the machine's cores natively, one in wasm.
pub fn threads() -> usize {
    rayon::current_num_threads()
}

/// How many partial sums a weight gradient is split into: enough to keep a few cores busy, few
/// enough that the partial buffers (one weight's size each) stay small.
pub const PARTS: usize = 8;

/// Calls `work(n, image_out, scratch)` for each image `n`, where `image_out` is image `n`'s
/// `image_len` values of `out` and `scratch` a buffer of `scratch_len` values. The scratch is
/// reused between the images one thread takes, so `work` must not rely on what it holds.
pub fn for_each_image(
    out: &mut [f32],
    image_len: usize,
    scratch_len: usize,
    work: impl Fn(usize, &mut [f32], &mut [f32]) + Sync + Send,
) {
    if image_len == 0 {
        return;
    }
    out.par_chunks_mut(image_len).enumerate().for_each_init(
        || vec![0.0; scratch_len],
        |scratch, (n, image_out)| work(n, image_out, scratch),
    );
}

/// `Σ_n` of what `work(n, acc, scratch)` adds onto `acc` (`len` values) for each image `n` of a
/// batch of `batch`, with `scratch` as in [`for_each_image`].
pub fn sum_over_images(
    batch: usize,
    len: usize,
    scratch_len: usize,
    work: impl Fn(usize, &mut [f32], &mut [f32]) + Sync + Send,
) -> Vec<f32> {
    let run = batch.div_ceil(PARTS).max(1);
    let partials: Vec<Vec<f32>> = (0..batch.div_ceil(run))
        .into_par_iter()
        .map(|part| {
            let mut acc = vec![0.0; len];
            let mut scratch = vec![0.0; scratch_len];
            for n in part * run..((part + 1) * run).min(batch) {
                work(n, &mut acc, &mut scratch);
            }
            acc
        })
        .collect();
    let mut total = vec![0.0; len];
    for partial in &partials {
        for (t, p) in total.iter_mut().zip(partial) {
            *t += p;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_image_gets_its_own_slice() {
        let mut out = vec![0.0; 5 * 3];
        for_each_image(&mut out, 3, 2, |n, image, scratch| {
            assert_eq!(scratch.len(), 2);
            image.fill(n as f32);
        });
        let want: Vec<f32> = (0..15).map(|i| (i / 3) as f32).collect();
        assert_eq!(out, want);
    }

    #[test]
    fn the_sum_covers_every_image_once() {
        for batch in [0, 1, 7, 8, 9, 100] {
            let total = sum_over_images(batch, 2, 0, |n, acc, _| {
                acc[0] += 1.0;
                acc[1] += n as f32;
            });
            let want = [batch as f32, (batch * batch.saturating_sub(1) / 2) as f32];
            assert_eq!(total, want, "batch {batch}");
        }
    }
}
