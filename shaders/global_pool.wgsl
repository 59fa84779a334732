// Global average pooling, AdaptiveAvgPool2d((1, 1)): the mean of each H x W plane.
// x is [planes = N * C, H * W]; y is [planes].

struct Params {
    planes: u32, hw: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> grad_y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn linear_id(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
    return gid.x + gid.y * groups.x * 64u;
}

@compute @workgroup_size(64)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let plane = linear_id(gid, groups);
    if (plane >= p.planes) { return; }
    var sum = 0.0;
    for (var j = 0u; j < p.hw; j++) { sum += x[plane * p.hw + j]; }
    out[plane] = sum / f32(p.hw);
}

// Every pixel gets 1 / (H * W) of its plane's gradient.
@compute @workgroup_size(64)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.planes * p.hw) { return; }
    out[i] = grad_y[i / p.hw] / f32(p.hw);
}
