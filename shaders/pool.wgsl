// Max and average pooling over each channel's plane, forward and backward.
//
// x is [planes = N * C, H, W]. Window (oy, ox) covers input rows oy * stride_h - pad_h + 0 .. kh - 1
// and columns ox * stride_w - pad_w + 0 .. kw - 1, clipped to the input: max pooling treats the
// padding as minus infinity (it never wins), average pooling as zeros.
// The backward entry points give each invocation one input pixel, which adds up the gradient of
// every window that contains it (no atomics needed).
// relu = 1 (max_backward only): x came out of a ReLU, whose backward is fused here: the gradient
// also passes only where x > 0 (x is the ReLU's output, positive exactly where its input was).

struct Params {
    planes: u32, h: u32, w: u32, oh: u32,
    ow: u32, kh: u32, kw: u32, stride_h: u32,
    stride_w: u32, pad_h: u32, pad_w: u32, count_include_pad: u32,
    relu: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> grad_y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn linear_id(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
    return gid.x + gid.y * groups.x * 64u;
}

// The window's first row / column (may be negative, inside the padding) on one axis.
fn window_start(o: u32, stride: u32, pad: u32) -> i32 {
    return i32(o * stride) - i32(pad);
}

// The flat index in x of the maximum of window (plane, oy, ox): the first in row-major order on
// ties, and a NaN wins so that it is never hidden (as in PyTorch).
fn window_argmax(plane: u32, oy: u32, ox: u32) -> u32 {
    let y0 = window_start(oy, p.stride_h, p.pad_h);
    let x0 = window_start(ox, p.stride_w, p.pad_w);
    var best = 0.0;
    var best_index = 0xffffffffu;
    for (var iy = max(y0, 0); iy < min(y0 + i32(p.kh), i32(p.h)); iy++) {
        for (var ix = max(x0, 0); ix < min(x0 + i32(p.kw), i32(p.w)); ix++) {
            let index = (plane * p.h + u32(iy)) * p.w + u32(ix);
            let v = x[index];
            if (best_index == 0xffffffffu || v > best || v != v) {
                best = v;
                best_index = index;
            }
        }
    }
    return best_index;
}

// The number an average divides by: the whole window, or only its cells inside the input.
fn divisor(oy: u32, ox: u32) -> f32 {
    if (p.count_include_pad == 1u) { return f32(p.kh * p.kw); }
    let y0 = window_start(oy, p.stride_h, p.pad_h);
    let x0 = window_start(ox, p.stride_w, p.pad_w);
    let rows = min(y0 + i32(p.kh), i32(p.h)) - max(y0, 0);
    let cols = min(x0 + i32(p.kw), i32(p.w)) - max(x0, 0);
    return f32(rows * cols);
}

@compute @workgroup_size(64)
fn max_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.planes * p.oh * p.ow) { return; }
    let ox = i % p.ow;
    let oy = (i / p.ow) % p.oh;
    let plane = i / (p.ow * p.oh);
    out[i] = x[window_argmax(plane, oy, ox)];
}

@compute @workgroup_size(64)
fn avg_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.planes * p.oh * p.ow) { return; }
    let ox = i % p.ow;
    let oy = (i / p.ow) % p.oh;
    let plane = i / (p.ow * p.oh);
    let y0 = window_start(oy, p.stride_h, p.pad_h);
    let x0 = window_start(ox, p.stride_w, p.pad_w);
    var sum = 0.0;
    for (var iy = max(y0, 0); iy < min(y0 + i32(p.kh), i32(p.h)); iy++) {
        for (var ix = max(x0, 0); ix < min(x0 + i32(p.kw), i32(p.w)); ix++) {
            sum += x[(plane * p.h + u32(iy)) * p.w + u32(ix)];
        }
    }
    out[i] = sum / divisor(oy, ox);
}

// The range of output rows (or columns) whose windows contain input position pos on one axis:
// o * stride - pad <= pos < o * stride - pad + k.
fn windows_containing(pos: u32, k: u32, stride: u32, pad: u32, size: u32) -> vec2<i32> {
    let t = i32(pos + pad);
    let first = max(t - i32(k) + i32(stride), 0) / i32(stride);
    let last = min(t / i32(stride), i32(size) - 1);
    return vec2<i32>(first, last);
}

// grad_x[i] = sum of grad_y over the windows whose maximum is x[i]
@compute @workgroup_size(64)
fn max_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.planes * p.h * p.w) { return; }
    let ix = i % p.w;
    let iy = (i / p.w) % p.h;
    let plane = i / (p.w * p.h);
    let rows = windows_containing(iy, p.kh, p.stride_h, p.pad_h, p.oh);
    let cols = windows_containing(ix, p.kw, p.stride_w, p.pad_w, p.ow);
    var acc = 0.0;
    for (var oy = rows.x; oy <= rows.y; oy++) {
        for (var ox = cols.x; ox <= cols.y; ox++) {
            if (window_argmax(plane, u32(oy), u32(ox)) == i) {
                acc += grad_y[(plane * p.oh + u32(oy)) * p.ow + u32(ox)];
            }
        }
    }
    out[i] = select(acc, select(0.0, acc, x[i] > 0.0), p.relu == 1u);
}

// grad_x[i] = sum over the windows containing x[i] of grad_y / (that window's divisor)
@compute @workgroup_size(64)
fn avg_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.planes * p.h * p.w) { return; }
    let ix = i % p.w;
    let iy = (i / p.w) % p.h;
    let plane = i / (p.w * p.h);
    let rows = windows_containing(iy, p.kh, p.stride_h, p.pad_h, p.oh);
    let cols = windows_containing(ix, p.kw, p.stride_w, p.pad_w, p.ow);
    var acc = 0.0;
    for (var oy = rows.x; oy <= rows.y; oy++) {
        for (var ox = cols.x; ox <= cols.y; ox++) {
            acc += grad_y[(plane * p.oh + u32(oy)) * p.ow + u32(ox)] / divisor(u32(oy), u32(ox));
        }
    }
    out[i] = acc;
}
