// 2-D convolution (PyTorch's Conv2d, a cross-correlation), forward and backward, and the
// transposed convolution (ConvTranspose2d), which is the backward pass's input gradient.
//
// Layouts are NCHW and row-major, as in PyTorch:
//   x       [N, C_in, H, W]             x[((n * C_in + c) * H + iy) * W + ix]
//   weight  [C_out, C_in / groups, kH, kW]
//   y       [N, C_out, H_out, W_out]
// Output pixel (oy, ox) looks at input rows  iy = oy * stride_h - pad_h + ki * dil_h
// and columns ix = ox * stride_w - pad_w + kj * dil_w; positions outside the input are the
// zero padding, so they add nothing. With groups > 1, output channel co only sees the input
// channels of its group g = co / (C_out / groups).
//
// Every entry point gives each invocation one element of its output to compute, and loops over
// what that element sums: no two invocations write the same place, so no atomics are needed.

struct Params {
    n: u32, c_in: u32, h: u32, w: u32,
    c_out: u32, kh: u32, kw: u32, oh: u32,
    ow: u32, stride_h: u32, stride_w: u32, pad_h: u32,
    pad_w: u32, dil_h: u32, dil_w: u32, groups: u32,
    has_bias: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> grad_y: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
// The bias gradient, which the weight-gradient kernels also write (see grad_bias_at).
@group(0) @binding(6) var<storage, read_write> grad_bias: array<f32>;

// Invocations are laid out in rows of 65,535 workgroups of `size` (the per-dimension dispatch
// limit): invocation gid.x of row gid.y.
fn linear_id_in(gid: vec3<u32>, groups: vec3<u32>, size: u32) -> u32 {
    return gid.x + gid.y * groups.x * size;
}

// linear_id_in for the kernels with workgroups of 64.
fn linear_id(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
    return linear_id_in(gid, groups, 64u);
}

// The workgroups of the tiled kernels are not fixed here: the engine sets these constants for
// the adapter it runs on when it compiles the kernels (crates/convlab-gpu/src/tiles.rs says what
// was measured: a GPU wants many invocations sharing each weight-gradient tile, a CPU adapter one).
override TILED_WORKGROUP: u32 = 64u;
override WEIGHT_GRAD_TILES: u32 = 8u;
override WEIGHT_GRAD_SPLIT: u32 = 1u;
override WEIGHT_GRAD_WORKGROUP: u32 = WEIGHT_GRAD_TILES * WEIGHT_GRAD_SPLIT;

fn x_at(n: u32, c: u32, iy: u32, ix: u32) -> f32 {
    return x[((n * p.c_in + c) * p.h + iy) * p.w + ix];
}

fn weight_at(co: u32, c: u32, ki: u32, kj: u32) -> f32 {
    return weight[((co * (p.c_in / p.groups) + c) * p.kh + ki) * p.kw + kj];
}

fn grad_y_at(n: u32, co: u32, oy: u32, ox: u32) -> f32 {
    return grad_y[((n * p.c_out + co) * p.oh + oy) * p.ow + ox];
}

// The input row (or column) tap k of output position o reads, or -1 inside the padding.
fn source(o: u32, k: u32, stride: u32, pad: u32, dil: u32, size: u32) -> i32 {
    let pos = i32(o * stride + k * dil) - i32(pad);
    if (pos < 0 || pos >= i32(size)) { return -1; }
    return pos;
}

// y[n, co, oy, ox] = bias[co] + sum over c, ki, kj of x[n, g*C_in/groups + c, iy, ix] * weight[co, c, ki, kj]
@compute @workgroup_size(64)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.n * p.c_out * p.oh * p.ow) { return; }
    let ox = i % p.ow;
    let oy = (i / p.ow) % p.oh;
    let co = (i / (p.ow * p.oh)) % p.c_out;
    let n = i / (p.ow * p.oh * p.c_out);
    let in_per_group = p.c_in / p.groups;
    let group = co / (p.c_out / p.groups);
    var acc = 0.0;
    if (p.has_bias == 1u) { acc = bias[co]; }
    for (var c = 0u; c < in_per_group; c++) {
        for (var ki = 0u; ki < p.kh; ki++) {
            let iy = source(oy, ki, p.stride_h, p.pad_h, p.dil_h, p.h);
            if (iy < 0) { continue; }
            for (var kj = 0u; kj < p.kw; kj++) {
                let ix = source(ox, kj, p.stride_w, p.pad_w, p.dil_w, p.w);
                if (ix < 0) { continue; }
                acc += x_at(n, group * in_per_group + c, u32(iy), u32(ix)) * weight_at(co, c, ki, kj);
            }
        }
    }
    out[i] = acc;
}

// The input value tap (ki, kj) of output pixel (oy, ox) reads from row `row` (the offset of input
// row iy in x), or 0 in the padding; `ox` may lie past the output's right edge (tiles overhang).
fn tap(row: u32, ox: u32, kj: u32) -> f32 {
    if (ox >= p.ow) { return 0.0; }
    let ix = source(ox, kj, p.stride_w, p.pad_w, p.dil_w, p.w);
    if (ix < 0) { return 0.0; }
    return x[row + u32(ix)];
}

// The same sums as `forward`, faster: each invocation computes a tile of 4 output channels ×
// 4 neighbouring columns of one output row, so every input value read serves 4 channels and every
// weight read serves 4 columns (16 multiply-adds per 8 reads, where `forward` does 1 per 2).
// Used when each group's output channels come in whole blocks of 4 (the engine checks).
// acc_j holds output channels co0 .. co0 + 3 at column ox0 + j.
@compute @workgroup_size(TILED_WORKGROUP)
fn forward_tiled(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id_in(gid, groups, TILED_WORKGROUP);
    let col_tiles = (p.ow + 3u) / 4u;
    let chan_tiles = p.c_out / 4u;
    if (i >= p.n * chan_tiles * p.oh * col_tiles) { return; }
    let ox0 = (i % col_tiles) * 4u;
    let oy = (i / col_tiles) % p.oh;
    let co0 = ((i / (col_tiles * p.oh)) % chan_tiles) * 4u;
    let n = i / (col_tiles * p.oh * chan_tiles);
    let in_per_group = p.c_in / p.groups;
    let group = co0 / (p.c_out / p.groups);
    // weight[co0 + k, c, ki, kj] is weight[w0 + k * w_step] with w0 the index of weight[co0, c, ki, kj].
    let w_step = in_per_group * p.kh * p.kw;
    var b = vec4<f32>(0.0);
    if (p.has_bias == 1u) { b = vec4<f32>(bias[co0], bias[co0 + 1u], bias[co0 + 2u], bias[co0 + 3u]); }
    var acc0 = b;
    var acc1 = b;
    var acc2 = b;
    var acc3 = b;
    for (var c = 0u; c < in_per_group; c++) {
        let plane = (n * p.c_in + group * in_per_group + c) * p.h;
        for (var ki = 0u; ki < p.kh; ki++) {
            let iy = source(oy, ki, p.stride_h, p.pad_h, p.dil_h, p.h);
            if (iy < 0) { continue; }
            let row = (plane + u32(iy)) * p.w;
            for (var kj = 0u; kj < p.kw; kj++) {
                let w0 = ((co0 * in_per_group + c) * p.kh + ki) * p.kw + kj;
                let w = vec4<f32>(weight[w0], weight[w0 + w_step], weight[w0 + 2u * w_step], weight[w0 + 3u * w_step]);
                acc0 += tap(row, ox0, kj) * w;
                acc1 += tap(row, ox0 + 1u, kj) * w;
                acc2 += tap(row, ox0 + 2u, kj) * w;
                acc3 += tap(row, ox0 + 3u, kj) * w;
            }
        }
    }
    let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
    for (var j = 0u; j < 4u; j++) {
        if (ox0 + j >= p.ow) { break; }
        for (var k = 0u; k < 4u; k++) {
            out[((n * p.c_out + co0 + k) * p.oh + oy) * p.ow + ox0 + j] = accs[j][k];
        }
    }
}

// The output position o whose tap k reads input position pos: o * stride - pad + k * dil = pos,
// or -1 when no output does (not a multiple of the stride, or outside the output).
fn reader(pos: u32, k: u32, stride: u32, pad: u32, dil: u32, size: u32) -> i32 {
    let t = i32(pos + pad) - i32(k * dil);
    if (t < 0 || t % i32(stride) != 0) { return -1; }
    let o = t / i32(stride);
    if (o >= i32(size)) { return -1; }
    return o;
}

// grad_x[n, ci, iy, ix] = sum over every (co, ki, kj) whose window put x[n, ci, iy, ix] under
// weight[co, c, ki, kj], of grad_y at that window's output position times that weight.
fn input_grad_at(n: u32, ci: u32, iy: u32, ix: u32) -> f32 {
    let in_per_group = p.c_in / p.groups;
    let out_per_group = p.c_out / p.groups;
    let group = ci / in_per_group;
    let c = ci % in_per_group;
    var acc = 0.0;
    for (var k = 0u; k < out_per_group; k++) {
        let co = group * out_per_group + k;
        for (var ki = 0u; ki < p.kh; ki++) {
            let oy = reader(iy, ki, p.stride_h, p.pad_h, p.dil_h, p.oh);
            if (oy < 0) { continue; }
            for (var kj = 0u; kj < p.kw; kj++) {
                let ox = reader(ix, kj, p.stride_w, p.pad_w, p.dil_w, p.ow);
                if (ox < 0) { continue; }
                acc += grad_y_at(n, co, u32(oy), u32(ox)) * weight_at(co, c, ki, kj);
            }
        }
    }
    return acc;
}

// Splits invocation i into its (n, ci, iy, ix) of the input-sized output.
fn input_position(i: u32) -> vec4<u32> {
    return vec4<u32>(i / (p.w * p.h * p.c_in), (i / (p.w * p.h)) % p.c_in, (i / p.w) % p.h, i % p.w);
}

@compute @workgroup_size(64)
fn backward_input(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.n * p.c_in * p.h * p.w) { return; }
    let at = input_position(i);
    out[i] = input_grad_at(at.x, at.y, at.z, at.w);
}

// The transposed convolution (ConvTranspose2d) IS the input gradient above. These Params describe
// the convolution it transposes: that convolution's input has the transposed output's shape
// (C_in channels of h × w here) and its output the transposed input's (C_out channels of oh × ow),
// so the transposed input is bound as grad_y; the transposed weight [C_in_t, C_out_t / groups,
// kH, kW] is that convolution's weight [C_out, C_in / groups, kH, kW] as it is. Each output pixel
// gathers every input pixel whose window covers it, times the tap it lies under, plus its bias.
@compute @workgroup_size(64)
fn transposed(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= p.n * p.c_in * p.h * p.w) { return; }
    let at = input_position(i);
    var acc = input_grad_at(at.x, at.y, at.z, at.w);
    if (p.has_bias == 1u) { acc += bias[at.y]; }
    out[i] = acc;
}

// grad_y at the output position whose tap (ki, kj) read input column ix of an input row, or 0
// where no output did; `row` is the offset of that output row oy in grad_y, and `ix` may lie past
// the input's right edge (tiles overhang).
fn grad_tap(row: u32, ix: u32, kj: u32) -> f32 {
    if (ix >= p.w) { return 0.0; }
    let ox = reader(ix, kj, p.stride_w, p.pad_w, p.dil_w, p.ow);
    if (ox < 0) { return 0.0; }
    return grad_y[row + u32(ox)];
}

// The same sums as `backward_input`, tiled like `forward_tiled`: 4 input channels ci0 .. ci0 + 3
// × 4 neighbouring columns ix0 .. ix0 + 3 of one input row per invocation. Used when each group's
// input channels come in whole blocks of 4. acc_j holds the 4 channels at column ix0 + j.
@compute @workgroup_size(TILED_WORKGROUP)
fn backward_input_tiled(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id_in(gid, groups, TILED_WORKGROUP);
    let col_tiles = (p.w + 3u) / 4u;
    let chan_tiles = p.c_in / 4u;
    if (i >= p.n * chan_tiles * p.h * col_tiles) { return; }
    let ix0 = (i % col_tiles) * 4u;
    let iy = (i / col_tiles) % p.h;
    let ci0 = ((i / (col_tiles * p.h)) % chan_tiles) * 4u;
    let n = i / (col_tiles * p.h * chan_tiles);
    let in_per_group = p.c_in / p.groups;
    let out_per_group = p.c_out / p.groups;
    let group = ci0 / in_per_group;
    let c0 = ci0 % in_per_group;
    // weight[co, c0 + k, ki, kj] is weight[w0 + k * w_step] with w0 the index of weight[co, c0, ki, kj].
    let w_step = p.kh * p.kw;
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    for (var k = 0u; k < out_per_group; k++) {
        let co = group * out_per_group + k;
        for (var ki = 0u; ki < p.kh; ki++) {
            let oy = reader(iy, ki, p.stride_h, p.pad_h, p.dil_h, p.oh);
            if (oy < 0) { continue; }
            let row = ((n * p.c_out + co) * p.oh + u32(oy)) * p.ow;
            for (var kj = 0u; kj < p.kw; kj++) {
                let w0 = ((co * in_per_group + c0) * p.kh + ki) * p.kw + kj;
                let w = vec4<f32>(weight[w0], weight[w0 + w_step], weight[w0 + 2u * w_step], weight[w0 + 3u * w_step]);
                acc0 += grad_tap(row, ix0, kj) * w;
                acc1 += grad_tap(row, ix0 + 1u, kj) * w;
                acc2 += grad_tap(row, ix0 + 2u, kj) * w;
                acc3 += grad_tap(row, ix0 + 3u, kj) * w;
            }
        }
    }
    let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
    for (var j = 0u; j < 4u; j++) {
        if (ix0 + j >= p.w) { break; }
        for (var k = 0u; k < 4u; k++) {
            out[((n * p.c_in + ci0 + k) * p.h + iy) * p.w + ix0 + j] = accs[j][k];
        }
    }
}

// grad_bias[co] = sum of grad_y over the batch and every output pixel of channel co
fn grad_bias_at(co: u32) -> f32 {
    var acc = 0.0;
    for (var n = 0u; n < p.n; n++) {
        for (var j = 0u; j < p.oh * p.ow; j++) {
            acc += grad_y[(n * p.c_out + co) * p.oh * p.ow + j];
        }
    }
    return acc;
}

// `backward_weight` runs `items` invocations for the weight and, when has_bias, C_out more after
// them: invocation items + co writes grad_bias[co] (one pass for both gradients). Returns whether
// invocation i was one of those extra ones (or past them all).
fn bias_instead(i: u32, items: u32) -> bool {
    if (i < items) { return false; }
    if (p.has_bias == 1u && i - items < p.c_out) { grad_bias[i - items] = grad_bias_at(i - items); }
    return true;
}

// grad_weight[co, c, ki, kj] = sum over n, oy, ox of grad_y[n, co, oy, ox] * (the input that tap read)
@compute @workgroup_size(64)
fn backward_weight(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let in_per_group = p.c_in / p.groups;
    let i = linear_id(gid, groups);
    if (bias_instead(i, p.c_out * in_per_group * p.kh * p.kw)) { return; }
    let kj = i % p.kw;
    let ki = (i / p.kw) % p.kh;
    let c = (i / (p.kw * p.kh)) % in_per_group;
    let co = i / (p.kw * p.kh * in_per_group);
    let ci = (co / (p.c_out / p.groups)) * in_per_group + c;
    var acc = 0.0;
    for (var n = 0u; n < p.n; n++) {
        for (var oy = 0u; oy < p.oh; oy++) {
            let iy = source(oy, ki, p.stride_h, p.pad_h, p.dil_h, p.h);
            if (iy < 0) { continue; }
            for (var ox = 0u; ox < p.ow; ox++) {
                let ix = source(ox, kj, p.stride_w, p.pad_w, p.dil_w, p.w);
                if (ix < 0) { continue; }
                acc += grad_y_at(n, co, oy, ox) * x_at(n, ci, u32(iy), u32(ix));
            }
        }
    }
    out[i] = acc;
}

// The input value that tap kj of output column ox read from an input row (`row`: its offset in x),
// or 0 in the padding; `kj` may lie past the kernel's right edge (tiles overhang).
fn x_tap(row: u32, ox: u32, kj: u32) -> f32 {
    if (kj >= p.kw) { return 0.0; }
    let ix = source(ox, kj, p.stride_w, p.pad_w, p.dil_w, p.w);
    if (ix < 0) { return 0.0; }
    return x[row + u32(ix)];
}

// The partial sums of one workgroup of `backward_weight_tiled`: invocation lid's 4 × 4 tile.
var<workgroup> partial: array<array<vec4<f32>, 4>, WEIGHT_GRAD_WORKGROUP>;

// The same sums as `backward_weight`, tiled: a tile is 4 output channels co0 .. co0 + 3 × 4
// neighbouring taps kj0 .. kj0 + 3 of one kernel row, so each grad_y value read serves 4 taps
// and each input value read serves 4 channels. After the tiles come the bias gradient's, one
// per output channel (when has_bias). There are few tiles (a 16-channel 5×5 conv on one channel
// has 40) and each sums over the whole batch, so WEIGHT_GRAD_SPLIT invocations can share one
// tile's sum: part `part` of a tile takes the output rows (n, oy) numbered part,
// part + WEIGHT_GRAD_SPLIT, part + 2 * WEIGHT_GRAD_SPLIT, ..., and then the parts add their sums
// in a tree. A workgroup holds WEIGHT_GRAD_TILES tiles of WEIGHT_GRAD_SPLIT parts each: a GPU
// wants many parts, a CPU adapter one (see tiles.rs). acc_j holds the 4 channels at tap kj0 + j.
@compute @workgroup_size(WEIGHT_GRAD_WORKGROUP)
fn backward_weight_tiled(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) groups: vec3<u32>) {
    let part = lid % WEIGHT_GRAD_SPLIT;
    let t = (wid.x + wid.y * groups.x) * WEIGHT_GRAD_TILES + lid / WEIGHT_GRAD_SPLIT;
    let in_per_group = p.c_in / p.groups;
    let tap_tiles = (p.kw + 3u) / 4u;
    let tiles = (p.c_out / 4u) * in_per_group * p.kh * tap_tiles;
    let bias_tiles = select(0u, p.c_out, p.has_bias == 1u);
    // Invocations past the last tile still take part in the tree's barriers, with sums of 0.
    let in_range = t < tiles + bias_tiles;
    let kj0 = (t % tap_tiles) * 4u;
    let ki = (t / tap_tiles) % p.kh;
    let c = (t / (tap_tiles * p.kh)) % in_per_group;
    let co0 = (t / (tap_tiles * p.kh * in_per_group)) * 4u;
    let ci = (co0 / (p.c_out / p.groups)) * in_per_group + c;
    // grad_y[n, co0 + k, oy, ox] is grad_y[g0 + k * g_step] with g0 the index of grad_y[n, co0, oy, ox].
    let g_step = p.oh * p.ow;
    // Four named sums rather than an array: an array indexed in a loop may live in memory
    // instead of registers (SwiftShader trained about 20% slower so).
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    for (var r = part; in_range && r < p.n * p.oh; r += WEIGHT_GRAD_SPLIT) {
        let n = r / p.oh;
        let oy = r % p.oh;
        if (t >= tiles) {
            // A bias tile: grad_bias[co] sums grad_y over channel co's output rows.
            let co = t - tiles;
            for (var ox = 0u; ox < p.ow; ox++) { acc0.x += grad_y_at(n, co, oy, ox); }
            continue;
        }
        let iy = source(oy, ki, p.stride_h, p.pad_h, p.dil_h, p.h);
        if (iy < 0) { continue; }
        let row = ((n * p.c_in + ci) * p.h + u32(iy)) * p.w;
        for (var ox = 0u; ox < p.ow; ox++) {
            let g0 = ((n * p.c_out + co0) * p.oh + oy) * p.ow + ox;
            let g = vec4<f32>(grad_y[g0], grad_y[g0 + g_step], grad_y[g0 + 2u * g_step], grad_y[g0 + 3u * g_step]);
            acc0 += x_tap(row, ox, kj0) * g;
            acc1 += x_tap(row, ox, kj0 + 1u) * g;
            acc2 += x_tap(row, ox, kj0 + 2u) * g;
            acc3 += x_tap(row, ox, kj0 + 3u) * g;
        }
    }
    // The tree: each round, the first half of a tile's parts adds the second half's sums.
    partial[lid] = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
    for (var half = WEIGHT_GRAD_SPLIT / 2u; half > 0u; half /= 2u) {
        workgroupBarrier();
        if (part < half) {
            for (var j = 0u; j < 4u; j++) { partial[lid][j] += partial[lid + half][j]; }
        }
    }
    if (!in_range || part != 0u) { return; }
    if (t >= tiles) {
        grad_bias[t - tiles] = partial[lid][0].x;
        return;
    }
    for (var j = 0u; j < 4u; j++) {
        if (kj0 + j >= p.kw) { break; }
        for (var k = 0u; k < 4u; k++) {
            out[(((co0 + k) * in_per_group + c) * p.kh + ki) * p.kw + kj0 + j] = partial[lid][j][k];
        }
    }
}

// The bias gradient alone (a transposed convolution's): out[co] = grad_bias_at(co)
@compute @workgroup_size(64)
fn backward_bias(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let co = linear_id(gid, groups);
    if (co >= p.c_out) { return; }
    out[co] = grad_bias_at(co);
}
