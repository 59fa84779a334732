//! The workgroup sizes of the tiled convolution kernels, chosen for the adapter.
//!
//! `forward_tiled`, `backward_input_tiled` and `backward_weight_tiled` (shaders/conv2d.wgsl) read
//! their workgroup sizes from pipeline-overridable constants, which the engine sets when it
//! compiles them.
//!
//! - `forward_tiled` and `backward_input_tiled` give each invocation one 4 × 4 tile of their
//!   output, and there are many tiles. Their workgroup size made no difference beyond the noise
//!   from 16 to 256 on lavapipe, SwiftShader and an NVIDIA H200: 64 everywhere.
//! - `backward_weight_tiled` has few tiles (40 for the first layer of the MNIST ConvNet), each a
//!   sum over the whole batch. On a GPU, which has thousands of lanes to fill, `weight_grad_split`
//!   invocations share one tile's sum and add their parts in a tree. On an NVIDIA H200 the MNIST
//!   ConvNet (batch 100, Adam) trained at 3,100 images/s with one invocation per tile, 15,000 with
//!   8, 27,000 with 32 and 33,000-34,000 with 128 to 512: 256. A CPU adapter runs a workgroup on
//!   one thread a few lanes wide and has few cores to fill: lavapipe trained at 92-115 images/s
//!   and SwiftShader at 23-26 with any of 4 to 32 tiles of one invocation or one tile of 8, and
//!   lavapipe slower with 128 or more sharing a tile (94-103): 8 tiles of one invocation.
//!
//! `convlab bench --tiles` and the browser's `?page=train&bench=1&tiled=T&wgrad=W` time any
//! choice on the machine's adapter.

/// The workgroups of the tiled convolution kernels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tiles {
    /// Invocations per workgroup of `forward_tiled` and `backward_input_tiled`, which compute
    /// one 4 × 4 tile of their output each.
    pub tiled: u32,
    /// Weight-gradient tiles per workgroup of `backward_weight_tiled`.
    pub weight_grad_tiles: u32,
    /// The invocations that share one weight-gradient tile's sum over the batch (a power of
    /// two: they add their parts in a tree).
    pub weight_grad_split: u32,
}

/// Bytes of workgroup memory `backward_weight_tiled` holds per invocation: its 4 × 4 partial
/// sums (`partial` in conv2d.wgsl).
const PARTIAL_BYTES: u32 = 4 * 4 * 4;

/// The largest power of two no larger than `size` (and at least 1).
fn power_of_two_below(size: u32) -> u32 {
    1 << size.max(1).ilog2()
}

impl Tiles {
    /// The sizes for an adapter of this type and these limits: see the module's note.
    pub fn for_adapter(device_type: wgpu::DeviceType, limits: &wgpu::Limits) -> Self {
        let (weight_grad_tiles, weight_grad_split) = match device_type {
            wgpu::DeviceType::Cpu => (8, 1),
            _ => (1, 256),
        };
        Tiles {
            tiled: 64,
            weight_grad_tiles,
            weight_grad_split,
        }
        .within(limits)
    }

    /// These sizes made powers of two the device allows (rounding down): within its workgroup
    /// size and, for the weight gradient's partial sums, its workgroup memory.
    pub fn within(self, limits: &wgpu::Limits) -> Self {
        let cap = limits
            .max_compute_invocations_per_workgroup
            .min(limits.max_compute_workgroup_size_x);
        let weight_cap = cap.min(limits.max_compute_workgroup_storage_size / PARTIAL_BYTES);
        let split = power_of_two_below(self.weight_grad_split.min(weight_cap));
        Tiles {
            tiled: power_of_two_below(self.tiled.min(cap)),
            weight_grad_tiles: power_of_two_below(self.weight_grad_tiles.min(weight_cap / split)),
            weight_grad_split: split,
        }
    }

    /// The sizes `convlab bench --tiles` tries, each within the device's limits: the tiled
    /// kernels' size with the weight gradient's as `base` has them, then the weight gradient's.
    pub fn candidates(base: Tiles, limits: &wgpu::Limits) -> Vec<Self> {
        let tiled = [16, 32, 64, 128, 256].map(|tiled| Tiles { tiled, ..base });
        let weight = [
            (4, 1),
            (8, 1),
            (16, 1),
            (32, 1),
            (1, 8),
            (1, 32),
            (1, 128),
            (1, 256),
            (1, 1024),
            (4, 64),
        ]
        .map(|(weight_grad_tiles, weight_grad_split)| Tiles {
            weight_grad_tiles,
            weight_grad_split,
            ..base
        });
        let mut all: Vec<Tiles> = vec![];
        for t in tiled.into_iter().chain(weight).map(|t| t.within(limits)) {
            if !all.contains(&t) {
                all.push(t);
            }
        }
        all
    }

    /// The pipeline-overridable constants of shaders/conv2d.wgsl that hold these sizes.
    pub(crate) fn constants(self) -> [(&'static str, f64); 3] {
        [
            ("TILED_WORKGROUP", f64::from(self.tiled)),
            ("WEIGHT_GRAD_TILES", f64::from(self.weight_grad_tiles)),
            ("WEIGHT_GRAD_SPLIT", f64::from(self.weight_grad_split)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_stay_within_the_limits_as_powers_of_two() {
        let limits = wgpu::Limits {
            max_compute_invocations_per_workgroup: 96,
            max_compute_workgroup_size_x: 256,
            max_compute_workgroup_storage_size: 2048,
            ..wgpu::Limits::downlevel_defaults()
        };
        let wide = Tiles {
            tiled: 256,
            weight_grad_tiles: 4,
            weight_grad_split: 100,
        };
        // 96 invocations round down to 64; 2,048 bytes hold the partial sums of 32 invocations,
        // all of them one tile's.
        assert_eq!(
            wide.within(&limits),
            Tiles {
                tiled: 64,
                weight_grad_tiles: 1,
                weight_grad_split: 32
            }
        );
        for t in Tiles::candidates(wide, &limits) {
            assert!(t.tiled <= 96 && t.tiled.is_power_of_two(), "{t:?}");
            let weight = t.weight_grad_tiles * t.weight_grad_split;
            assert!(weight <= 32 && weight.is_power_of_two(), "{t:?}");
        }
    }

    #[test]
    fn webgpu_default_limits_hold_either_choice() {
        // WebGPU's defaults: 256 invocations, 16,384 bytes of workgroup memory.
        let limits = wgpu::Limits::default();
        let gpu = Tiles::for_adapter(wgpu::DeviceType::DiscreteGpu, &limits);
        let cpu = Tiles::for_adapter(wgpu::DeviceType::Cpu, &limits);
        assert_eq!((gpu.weight_grad_tiles, gpu.weight_grad_split), (1, 256));
        assert_eq!((cpu.weight_grad_tiles, cpu.weight_grad_split), (8, 1));
        assert!(256 * PARTIAL_BYTES <= limits.max_compute_workgroup_storage_size);
    }
}
