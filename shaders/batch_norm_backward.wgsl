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

// One workgroup per channel reduces both sums at once.
@compute @workgroup_size(256)
fn param_grads(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
    let c = wid.x;
    let t = lid.x;
    var a = 0.0;
    var b = 0.0;
    for (var m = t; m < p.n * p.hw; m += WG) {
        let i = ((m / p.hw) * p.c + c) * p.hw + m % p.hw;
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
    if (t == 0u) {
        grad_beta[c] = sum_dy[0];
        grad_gamma[c] = sum_dy_xhat[0];
    }
}

fn linear_id(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
    return gid.x + gid.y * groups.x * 64u;
}

// Runs after param_grads, whose sums it reads.
@compute @workgroup_size(64)
fn input_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.n * p.c * p.hw) { return; }
    let c = (i / p.hw) % p.c;
    let k = gamma[c] * inv_std[c];
    if (p.training == 0u) {
        out[i] = k * grad_y[i];
        return;
    }
    let m = f32(p.n * p.hw);
    let x_hat = (x[i] - mean[c]) * inv_std[c];
    out[i] = k * (grad_y[i] - grad_beta[c] / m - x_hat * grad_gamma[c] / m);
}
