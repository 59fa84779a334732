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
@group(0) @binding(4) var<storage, read_write> row_loss: array<f32>;
@group(0) @binding(5) var<storage, read_write> loss: array<f32>;

// One invocation per row: its loss and its row of the gradient.
@compute @workgroup_size(64)
fn rows(@builtin(global_invocation_id) gid: vec3<u32>) {
    let r = gid.x;
    if (r >= p.n) { return; }
    let base = r * p.classes;
    // Subtracting the row's max keeps exp() finite; log-sum-exp does not change.
    var z_max = logits[base];
    for (var c = 1u; c < p.classes; c++) { z_max = max(z_max, logits[base + c]); }
    var sum_exp = 0.0;
    for (var c = 0u; c < p.classes; c++) { sum_exp += exp(logits[base + c] - z_max); }
    let log_sum_exp = z_max + log(sum_exp);
    let t = targets[r];
    row_loss[r] = log_sum_exp - logits[base + t];
    for (var c = 0u; c < p.classes; c++) {
        let softmax = exp(logits[base + c] - log_sum_exp);
        grad[base + c] = (softmax - select(0.0, 1.0, c == t)) / f32(p.n);
    }
}

// A single invocation averages the row losses (batches are small: a loop is enough).
@compute @workgroup_size(1)
fn mean() {
    var sum = 0.0;
    for (var r = 0u; r < p.n; r++) { sum += row_loss[r]; }
    loss[0] = sum / f32(p.n);
}
