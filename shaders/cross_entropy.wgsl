// Softmax cross-entropy with mean reduction (PyTorch's CrossEntropyLoss on logits [N, classes]):
//   loss_r = log(sum_c exp(z_rc)) - z_r,target_r          loss = mean over rows r
//   d loss / d z_rc = (softmax(z_r)_c - [c == target_r]) / N

struct Params {
    n: u32, classes: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<u32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;
@group(0) @binding(4) var<storage, read_write> loss: array<f32>;

const WG: u32 = 64u;
// Each invocation's sum of its rows' losses.
var<workgroup> partial: array<f32, 64>;

// Row r's loss; writes its row of the gradient on the way.
fn row(r: u32) -> f32 {
    let base = r * p.classes;
    // Subtracting the row's max keeps exp() finite; log-sum-exp does not change.
    var z_max = logits[base];
    for (var c = 1u; c < p.classes; c++) { z_max = max(z_max, logits[base + c]); }
    var sum_exp = 0.0;
    for (var c = 0u; c < p.classes; c++) { sum_exp += exp(logits[base + c] - z_max); }
    let log_sum_exp = z_max + log(sum_exp);
    let t = targets[r];
    for (var c = 0u; c < p.classes; c++) {
        let softmax = exp(logits[base + c] - log_sum_exp);
        grad[base + c] = (softmax - select(0.0, 1.0, c == t)) / f32(p.n);
    }
    return log_sum_exp - logits[base + t];
}

// One workgroup for the whole batch (batches are small): invocation t takes rows t, t + 64, ...,
// then the workgroup sums the row losses by halving (a tree) and averages them. One pass gives
// the loss and its gradient.
@compute @workgroup_size(64)
fn forward(@builtin(local_invocation_id) lid: vec3<u32>) {
    let t = lid.x;
    var sum = 0.0;
    for (var r = t; r < p.n; r += WG) { sum += row(r); }
    partial[t] = sum;
    for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
        workgroupBarrier();
        if (t < stride) { partial[t] += partial[t + stride]; }
    }
    if (t == 0u) { loss[0] = partial[0] / f32(p.n); }
}
