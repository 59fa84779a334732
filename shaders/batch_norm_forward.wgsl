// Batch normalization forward (PyTorch's BatchNorm2d): per channel c over the batch and the pixels,
//   y = gamma[c] * (x - mean[c]) * inv_std[c] + beta[c].
// x is [N, C, H*W]: element m of channel c (m = n * HW + j) is x[(n * C + c) * HW + j].
// Training uses the batch's statistics (batch_stats); evaluation the running ones.
// relu = 1 applies the ReLU that follows in the same pass (training fuses them: one pass, not two).
// update_running = 1 moves the running statistics towards the batch's in batch_stats (a layer in
// training does both: one pass, not three).

struct Params {
    n: u32, c: u32, hw: u32, eps: f32,
    relu: u32,
    update_running: u32, momentum: f32,
    // Where the running variance starts in `running` (after the running mean and a gap).
    running_var_at: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> mean: array<f32>;
@group(0) @binding(5) var<storage, read_write> inv_std: array<f32>;
@group(0) @binding(6) var<storage, read_write> var_unbiased: array<f32>;
@group(0) @binding(7) var<storage, read_write> out: array<f32>;
// The running mean (from 0) and the running variance (from running_var_at), one buffer.
@group(0) @binding(8) var<storage, read_write> running: array<f32>;

const WG: u32 = 256u;
var<workgroup> partial: array<f32, 256>;

fn channel_value(c: u32, m: u32) -> f32 {
    return x[((m / p.hw) * p.c + c) * p.hw + m % p.hw];
}

// Sums `partial` across the workgroup by halving (a tree); the total ends in partial[0].
fn reduce_partial(t: u32) {
    for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
        workgroupBarrier();
        if (t < stride) { partial[t] += partial[t + stride]; }
    }
    workgroupBarrier();
}

// One workgroup per channel: the mean, then the variance around it (two passes are more
// accurate than sum-of-squares), then 1/sqrt(var + eps) and the unbiased variance var * M/(M-1)
// for the running statistics, which then move a step when update_running = 1.
@compute @workgroup_size(256)
fn batch_stats(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
    let c = wid.x;
    let t = lid.x;
    let count = p.n * p.hw;
    var s = 0.0;
    for (var m = t; m < count; m += WG) { s += channel_value(c, m); }
    partial[t] = s;
    reduce_partial(t);
    let mu = partial[0] / f32(count);
    workgroupBarrier();
    var sq = 0.0;
    for (var m = t; m < count; m += WG) {
        let d = channel_value(c, m) - mu;
        sq += d * d;
    }
    partial[t] = sq;
    reduce_partial(t);
    if (t == 0u) {
        mean[c] = mu;
        inv_std[c] = 1.0 / sqrt(partial[0] / f32(count) + p.eps);
        let v = partial[0] / f32(count - 1u);
        var_unbiased[c] = v;
        if (p.update_running == 1u) {
            // running = (1 - momentum) * running + momentum * batch (PyTorch's convention)
            running[c] = (1.0 - p.momentum) * running[c] + p.momentum * mu;
            let rv = p.running_var_at + c;
            running[rv] = (1.0 - p.momentum) * running[rv] + p.momentum * v;
        }
    }
}

fn linear_id(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
    return gid.x + gid.y * groups.x * 64u;
}

@compute @workgroup_size(64)
fn normalize(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.n * p.c * p.hw) { return; }
    let c = (i / p.hw) % p.c;
    let y = gamma[c] * (x[i] - mean[c]) * inv_std[c] + beta[c];
    // max(y, 0) when fused with the ReLU; a NaN stays NaN, as in the ReLU's own kernel
    out[i] = select(y, select(0.0, y, y > 0.0 || y != y), p.relu == 1u);
}
