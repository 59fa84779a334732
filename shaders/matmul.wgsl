// Matrix multiply for fully connected layers, tiled through workgroup memory:
//   out[M, N] = A[M, K] * B[K, N] (+ bias[N])
// where A is stored as [K, M] when trans_a = 1 (A is then read transposed), and B as [N, K]
// when trans_b = 1. Linear layers use all three forms:
//   forward        y  = x * W^T + b     (A = x [N, in],  B = W [out, in], trans_b)
//   backward data  dx = dy * W          (A = dy [N, out], B = W [out, in])
//   backward W     dW = dy^T * x        (A = dy [N, out] read transposed, B = x [N, in])
//
// Each 16 x 16 workgroup computes a 16 x 16 tile of out. It walks along K one 16-wide slab at a
// time: the 256 invocations load the slab of A and of B into workgroup memory together (one
// value each), wait at a barrier, then each one multiplies its row of the A slab by its column
// of the B slab. Every value loaded from memory is reused 16 times.
//
// With a_row_sums = 1 the workgroups of the first column also sum each row of A as its slabs pass
// through workgroup memory, into row_sums[M]. For dW = dy^T * x the rows of A are the columns of
// dy, so that is the bias gradient, dy summed over the batch, without a pass of its own.

struct Params {
    m: u32, k: u32, n: u32, trans_a: u32,
    trans_b: u32, has_bias: u32, a_row_sums: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> row_sums: array<f32>;

const TILE: u32 = 16u;
var<workgroup> tile_a: array<array<f32, 16>, 16>;
var<workgroup> tile_b: array<array<f32, 16>, 16>;

// A[row, col] of the logical M x K matrix (0 outside it, so edge tiles need no special case).
fn a_at(row: u32, col: u32) -> f32 {
    if (row >= p.m || col >= p.k) { return 0.0; }
    if (p.trans_a == 1u) { return a[col * p.m + row]; }
    return a[row * p.k + col];
}

// B[row, col] of the logical K x N matrix.
fn b_at(row: u32, col: u32) -> f32 {
    if (row >= p.k || col >= p.n) { return 0.0; }
    if (p.trans_b == 1u) { return b[col * p.k + row]; }
    return b[row * p.n + col];
}

@compute @workgroup_size(16, 16)
fn matmul(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
    let row = wid.y * TILE + lid.y;
    let col = wid.x * TILE + lid.x;
    // One invocation per row of the tile sums that row of A (the first column of workgroups only).
    let sums_row = p.a_row_sums == 1u && wid.x == 0u && lid.x == 0u;
    var acc = 0.0;
    var row_sum = 0.0;
    for (var k0 = 0u; k0 < p.k; k0 += TILE) {
        tile_a[lid.y][lid.x] = a_at(row, k0 + lid.x);
        tile_b[lid.y][lid.x] = b_at(k0 + lid.y, col);
        workgroupBarrier();
        for (var j = 0u; j < TILE; j++) {
            acc += tile_a[lid.y][j] * tile_b[j][lid.x];
            if (sums_row) { row_sum += tile_a[lid.y][j]; }
        }
        workgroupBarrier();
    }
    if (sums_row && row < p.m) { row_sums[row] = row_sum; }
    if (row < p.m && col < p.n) {
        if (p.has_bias == 1u) { acc += bias[col]; }
        out[row * p.n + col] = acc;
    }
}
