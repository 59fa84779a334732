// Optimizer updates, one invocation per parameter value, exactly as torch.optim computes them.

struct Params {
    len: u32, lr: f32, beta1: f32, beta2: f32,
    eps: f32, weight_decay: f32, bias_correction1: f32, bias_correction2_sqrt: f32,
    momentum: f32, dampening: f32, nesterov: u32, first_step: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
// Adam: the running mean of gradients (exp_avg); SGD: the momentum buffer.
@group(0) @binding(3) var<storage, read_write> state1: array<f32>;
// Adam: the running mean of squared gradients (exp_avg_sq); unused by SGD.
@group(0) @binding(4) var<storage, read_write> state2: array<f32>;

fn linear_id(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
    return gid.x + gid.y * groups.x * 64u;
}

// torch.optim.Adam: m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
// param -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
@compute @workgroup_size(64)
fn adam(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.len) { return; }
    let g = grad[i] + p.weight_decay * param[i];
    state1[i] = p.beta1 * state1[i] + (1.0 - p.beta1) * g;
    state2[i] = p.beta2 * state2[i] + (1.0 - p.beta2) * g * g;
    let denom = sqrt(state2[i]) / p.bias_correction2_sqrt + p.eps;
    param[i] -= (p.lr / p.bias_correction1) * state1[i] / denom;
}

// torch.optim.SGD: buf = g on the first step, then momentum * buf + (1 - dampening) * g;
// param -= lr * buf (or lr * (g + momentum * buf) with Nesterov)
@compute @workgroup_size(64)
fn sgd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.len) { return; }
    var g = grad[i] + p.weight_decay * param[i];
    if (p.momentum != 0.0) {
        if (p.first_step == 1u) {
            state1[i] = g;
        } else {
            state1[i] = p.momentum * state1[i] + (1.0 - p.dampening) * g;
        }
        if (p.nesterov == 1u) { g = g + p.momentum * state1[i]; } else { g = state1[i]; }
    }
    param[i] -= p.lr * g;
}
