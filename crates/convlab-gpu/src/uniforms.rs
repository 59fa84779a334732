//! The `Params` uniform of each WGSL file as a `#[repr(C)]` Pod struct with the same fields in
//! the same order (wgpu's shadow example does the same): the backend fills them by name, and the
//! bytes it uploads are exactly the struct the shader reads. A test reads every file's
//! `struct Params` and checks it against these, field by field, so the two cannot drift apart.
//!
//! Every field is a 4-byte `u32` or `f32`, so the layout has no padding on either side.

use convlab_core::{Error, Result};

use crate::shaders::Shader;

/// A shader family's `Params`: the shader it belongs to and its fields as `(name, WGSL type)`.
pub trait Uniform: bytemuck::Pod {
    const SHADER: Shader;
    const FIELDS: &'static [(&'static str, &'static str)];
}

/// Declares a uniform struct and its [`Uniform`] description from one list of fields.
macro_rules! uniform {
    ($(#[$doc:meta])* $name:ident for $shader:path { $($field:ident: $ty:ident),* $(,)? }) => {
        $(#[$doc])*
        #[repr(C)]
        #[derive(Clone, Copy, Debug, Default, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
        pub struct $name {
            $(pub $field: $ty),*
        }

        impl Uniform for $name {
            const SHADER: Shader = $shader;
            const FIELDS: &'static [(&'static str, &'static str)] =
                &[$((stringify!($field), stringify!($ty))),*];
        }
    };
}

uniform! {
    /// `conv2d.wgsl`: the sizes of one convolution (`has_bias` 0 or 1).
    ConvParams for Shader::Conv2d {
        n: u32, c_in: u32, h: u32, w: u32,
        c_out: u32, kh: u32, kw: u32, oh: u32,
        ow: u32, stride_h: u32, stride_w: u32, pad_h: u32,
        pad_w: u32, dil_h: u32, dil_w: u32, groups: u32,
        has_bias: u32,
    }
}

uniform! {
    /// `pool.wgsl`: one max or average pooling over `planes` = N·C planes.
    PoolParams for Shader::Pool {
        planes: u32, h: u32, w: u32, oh: u32,
        ow: u32, kh: u32, kw: u32, stride_h: u32,
        stride_w: u32, pad_h: u32, pad_w: u32, count_include_pad: u32,
        relu: u32,
    }
}

uniform! {
    /// `batch_norm_forward.wgsl`.
    BatchNormForwardParams for Shader::BatchNormForward {
        n: u32, c: u32, hw: u32, eps: f32,
        relu: u32,
        update_running: u32, momentum: f32, running_var_at: u32,
    }
}

uniform! {
    /// `batch_norm_backward.wgsl` (`training` 0 or 1).
    BatchNormBackwardParams for Shader::BatchNormBackward {
        n: u32, c: u32, hw: u32, training: u32,
    }
}

uniform! {
    /// `elementwise.wgsl`: `len` values; `scalar` is the op's constant (momentum, ε).
    ElementwiseParams for Shader::Elementwise {
        len: u32, scalar: f32,
    }
}

uniform! {
    /// `global_pool.wgsl`: the mean of each of `planes` planes of `hw` values.
    GlobalPoolParams for Shader::GlobalPool {
        planes: u32, hw: u32,
    }
}

uniform! {
    /// `matmul.wgsl`: `out[m×n] = A[m×k] · B[k×n]`, either side transposed, plus a bias.
    MatmulParams for Shader::Matmul {
        m: u32, k: u32, n: u32, trans_a: u32,
        trans_b: u32, has_bias: u32, a_row_sums: u32,
    }
}

uniform! {
    /// `cross_entropy.wgsl`.
    CrossEntropyParams for Shader::CrossEntropy {
        n: u32, classes: u32,
    }
}

uniform! {
    /// `optim.wgsl`: Adam's fields and SGD's share one struct (each kernel reads its own).
    OptimParams for Shader::Optim {
        len: u32, lr: f32, beta1: f32, beta2: f32,
        eps: f32, weight_decay: f32, bias_correction1: f32, bias_correction2_sqrt: f32,
        momentum: f32, dampening: f32, nesterov: u32, first_step: u32,
    }
}

/// A size as a `u32` field; a size beyond `u32` is refused, not truncated.
pub fn size(v: usize) -> Result<u32> {
    u32::try_from(v).map_err(|_| Error::Invalid(format!("the size {v} is too large for the GPU")))
}

/// A flag field: 1 or 0.
pub fn flag(b: bool) -> u32 {
    u32::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(name, type)` of every field of `struct Params` in `source`.
    fn wgsl_fields(source: &str) -> Vec<(String, String)> {
        let start = source.find("struct Params {").expect("a Params struct") + 15;
        let body = &source[start..start + source[start..].find('}').expect("its end")];
        // Without its comments, which explain fields to students.
        let body: String = body
            .lines()
            .map(|line| line.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        body.split(',')
            .filter_map(|f| f.split_once(':'))
            .map(|(n, t)| (n.trim().to_string(), t.trim().to_string()))
            .collect()
    }

    fn check<P: Uniform>() {
        let want = wgsl_fields(P::SHADER.source());
        let got: Vec<(String, String)> = P::FIELDS
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        assert_eq!(got, want, "{}'s Params", P::SHADER.name());
        assert_eq!(std::mem::size_of::<P>(), 4 * want.len());
    }

    #[test]
    fn every_uniform_mirrors_its_wgsl_struct() {
        check::<ConvParams>();
        check::<PoolParams>();
        check::<BatchNormForwardParams>();
        check::<BatchNormBackwardParams>();
        check::<ElementwiseParams>();
        check::<GlobalPoolParams>();
        check::<MatmulParams>();
        check::<CrossEntropyParams>();
        check::<OptimParams>();
    }

    #[test]
    fn every_shader_has_a_uniform() {
        let covered = [
            ConvParams::SHADER,
            PoolParams::SHADER,
            BatchNormForwardParams::SHADER,
            BatchNormBackwardParams::SHADER,
            ElementwiseParams::SHADER,
            GlobalPoolParams::SHADER,
            MatmulParams::SHADER,
            CrossEntropyParams::SHADER,
            OptimParams::SHADER,
        ];
        for shader in Shader::ALL {
            assert!(
                covered.contains(&shader),
                "{} has no uniform",
                shader.name()
            );
        }
    }

    #[test]
    fn sizes_beyond_u32_are_refused() {
        assert_eq!(size(7).unwrap(), 7);
        #[cfg(target_pointer_width = "64")]
        assert!(size(1 << 40).is_err());
    }
}
