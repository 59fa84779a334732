// Batch normalization backward. With x_hat = (x - mean) * inv_std and M = N * H * W values per channel:
//   grad_beta[c]  = sum of grad_y over channel c
//   grad_gamma[c] = sum of grad_y * x_hat over channel c
//   grad_x = gamma * inv_std * (grad_y - grad_beta / M - x_hat * grad_gamma / M)   in training,
//   grad_x = gamma * inv_std * grad_y                                             in evaluation,
// because in training the mean and variance are themselves functions of x.

struct Params {
    n: u32, c: u32, hw: u32, training: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> grad_y: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> inv_std: array<f32>;
@group(0) @binding(6) var<storage, read_write> grad_beta: array<f32>;
@group(0) @binding(7) var<storage, read_write> grad_gamma: array<f32>;
@group(0) @binding(8) var<storage, read_write> out: array<f32>;

const WG: u32 = 256u;
var<workgroup> sum_dy: array<f32, 256>;
var<workgroup> sum_dy_xhat: array<f32, 256>;

// Element m of channel c (m = n * HW + j) is at x[(n * C + c) * HW + j], and the same in grad_y.
fn at(c: u32, m: u32) -> u32 {
    return ((m / p.hw) * p.c + c) * p.hw + m % p.hw;
}

// One workgroup per channel c, one pass: the workgroup reduces both sums at once (the
// parameters' gradients), then each invocation writes its share of the channel's input gradient,
// which needs both sums. Only C workgroups write that gradient, where a pass of its own could
// spread it over many more; a training step of the course's small nets is dominated by the
// number of passes, not by this.
@compute @workgroup_size(256)
fn backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
    let c = wid.x;
    let t = lid.x;
    let count = p.n * p.hw;
    var a = 0.0;
    var b = 0.0;
    for (var m = t; m < count; m += WG) {
        let i = at(c, m);
        a += grad_y[i];
        b += grad_y[i] * (x[i] - mean[c]) * inv_std[c];
    }
    sum_dy[t] = a;
    sum_dy_xhat[t] = b;
    for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
        workgroupBarrier();
        if (t < stride) {
            sum_dy[t] += sum_dy[t + stride];
            sum_dy_xhat[t] += sum_dy_xhat[t + stride];
        }
    }
    workgroupBarrier();
    let g_beta = sum_dy[0];
    let g_gamma = sum_dy_xhat[0];
    if (t == 0u) {
        grad_beta[c] = g_beta;
        grad_gamma[c] = g_gamma;
    }
    let k = gamma[c] * inv_std[c];
    let total = f32(count);
    for (var m = t; m < count; m += WG) {
        let i = at(c, m);
        if (p.training == 0u) {
            out[i] = k * grad_y[i];
        } else {
            let x_hat = (x[i] - mean[c]) * inv_std[c];
            out[i] = k * (grad_y[i] - g_beta / total - x_hat * g_gamma / total);
        }
    }
}
