// Element-wise ops: invocation i computes out[i] from a[i] (and b[i]).

struct Params {
    len: u32, scalar: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn linear_id(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
    return gid.x + gid.y * groups.x * 64u;
}

// out = max(a, 0); a NaN stays NaN
@compute @workgroup_size(64)
fn relu(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.len) { return; }
    out[i] = select(0.0, a[i], a[i] > 0.0 || a[i] != a[i]);
}

// a = the forward's input, b = grad_y: the gradient passes where the input was positive
@compute @workgroup_size(64)
fn relu_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.len) { return; }
    out[i] = select(0.0, b[i], a[i] > 0.0);
}

@compute @workgroup_size(64)
fn sigmoid(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.len) { return; }
    out[i] = 1.0 / (1.0 + exp(-a[i]));
}

// a = the forward's output y, b = grad_y: d sigmoid / dx = y * (1 - y)
@compute @workgroup_size(64)
fn sigmoid_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.len) { return; }
    out[i] = b[i] * a[i] * (1.0 - a[i]);
}

@compute @workgroup_size(64)
fn add(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.len) { return; }
    out[i] = a[i] + b[i];
}

// out moves towards a by the fraction `scalar`: out = (1 - t) * out + t * a
// (the running statistics of batch norm, with t = momentum)
@compute @workgroup_size(64)
fn lerp(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.len) { return; }
    out[i] = (1.0 - p.scalar) * out[i] + p.scalar * a[i];
}

// out = 1 / sqrt(a + eps), with eps = scalar (a variance to the scale batch norm divides by)
@compute @workgroup_size(64)
fn inv_sqrt(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.len) { return; }
    out[i] = 1.0 / sqrt(a[i] + p.scalar);
}
