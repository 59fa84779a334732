//! A model as PyTorch code a student can paste into a file and run: `class Net` built as the
//! model's tree, d2l's `Residual` defined beside it when the model uses it, the expected parameter
//! total, and a `__main__` block that builds the network, runs one random image through it and
//! prints the shape and the parameter count.
//!
//! The modules carry the model's names, so the `state_dict` keys of `Net()` are exactly those of
//! the weights ConvLab saves (`layer1.0.weight`, …, `fc.bias`): `Net().load_state_dict(
//! load_file("mnist_convnet.safetensors"))` loads them strictly. A model whose top-level modules
//! are numbered is an `nn.Sequential` (keys `0.weight`, `1.0.weight`, …); one with named modules
//! (`layer1`, `fc`) is an `nn.Module` with those attributes, run in order.
//!
//! Lazy models (d2l's `LazyConv2d`, `LazyLinear`) are written with explicit sizes, the ones they
//! take for the given input, so every constructor says what it holds. [`Model::resolve`] gives
//! those sizes, and the output shapes, as far as the network runs when some layer cannot take its
//! input.

use crate::nn::model::ModuleKind;
use crate::nn::{Layer, Model, Module};
use crate::ops::{Conv2dParams, ConvTranspose2dParams};
use crate::text::thousands;

/// `text` as `# ` comment lines of at most about `width` characters, broken between words.
fn comment(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() > 1 && line.len() + 1 + word.len() > width {
            out += &line;
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line += word;
    }
    out += &line;
    out.push('\n');
    out
}

/// A shape the PyTorch way: `(16, 28, 28)`, `(400)`.
pub fn shape_text(shape: &[usize]) -> String {
    let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    format!("({})", parts.join(", "))
}

/// `3` for a square pair, `(3, 5)` otherwise: how PyTorch's constructors take sizes.
fn pair(v: [usize; 2]) -> String {
    if v[0] == v[1] {
        v[0].to_string()
    } else {
        format!("({}, {})", v[0], v[1])
    }
}

/// `nn.Conv2d(…)` or `nn.ConvTranspose2d(…)`: PyTorch's defaults left out, the arguments in
/// its signature's order (the transposed one puts output_padding after padding and dilation
/// last).
fn conv_constructor(layer: &Layer) -> String {
    let (in_channels, out_channels, kernel, stride, padding, dilation, groups, bias) = match *layer
    {
        Layer::Conv2d {
            in_channels,
            out_channels,
            kernel,
            params:
                Conv2dParams {
                    stride,
                    padding,
                    dilation,
                    groups,
                },
            bias,
        }
        | Layer::ConvTranspose2d {
            in_channels,
            out_channels,
            kernel,
            params:
                ConvTranspose2dParams {
                    stride,
                    padding,
                    dilation,
                    groups,
                    ..
                },
            bias,
        } => (
            in_channels,
            out_channels,
            kernel,
            stride,
            padding,
            dilation,
            groups,
            bias,
        ),
        _ => return String::new(),
    };
    let mut args = vec![
        in_channels.to_string(),
        out_channels.to_string(),
        format!("kernel_size={}", pair(kernel)),
        format!("stride={}", pair(stride)),
        format!("padding={}", pair(padding)),
    ];
    let dilation = (dilation != [1, 1]).then(|| format!("dilation={}", pair(dilation)));
    let groups = (groups != 1).then(|| format!("groups={groups}"));
    let bias = (!bias).then(|| "bias=False".to_string());
    let rest = match layer {
        Layer::ConvTranspose2d { params, .. } => {
            let op = params.output_padding;
            let op = (op != [0, 0]).then(|| format!("output_padding={}", pair(op)));
            [op, groups, bias, dilation]
        }
        _ => [dilation, groups, bias, None],
    };
    args.extend(rest.into_iter().flatten());
    format!("nn.{}({})", layer.type_name(), args.join(", "))
}

/// The layer's PyTorch constructor, e.g. `nn.Conv2d(1, 16, kernel_size=5, stride=1, padding=2)`.
pub fn constructor(layer: &Layer) -> String {
    match layer {
        Layer::Conv2d { .. } | Layer::ConvTranspose2d { .. } => conv_constructor(layer),
        Layer::BatchNorm2d {
            channels,
            eps,
            momentum,
        } => {
            let mut s = format!("nn.BatchNorm2d({channels}");
            if *eps != 1e-5 {
                s += &format!(", eps={eps}");
            }
            if *momentum != 0.1 {
                s += &format!(", momentum={momentum}");
            }
            s + ")"
        }
        Layer::ReLU => "nn.ReLU()".into(),
        Layer::Sigmoid => "nn.Sigmoid()".into(),
        Layer::MaxPool2d(p) | Layer::AvgPool2d(p) => {
            let class = layer.type_name();
            let mut s = format!(
                "nn.{class}(kernel_size={}, stride={}",
                pair(p.kernel),
                pair(p.stride)
            );
            if p.padding != [0, 0] {
                s += &format!(", padding={}", pair(p.padding));
            }
            s + ")"
        }
        Layer::AdaptiveAvgPool2d => "nn.AdaptiveAvgPool2d((1, 1))".into(),
        Layer::Flatten => "nn.Flatten()".into(),
        Layer::Linear {
            in_features,
            out_features,
            bias,
        } => {
            if *bias {
                format!("nn.Linear({in_features}, {out_features})")
            } else {
                format!("nn.Linear({in_features}, {out_features}, bias=False)")
            }
        }
        Layer::Dropout { p } => format!("nn.Dropout(p={p})"),
        Layer::Residual(spec) => {
            let mut s = format!("Residual({}, {}", spec.in_channels, spec.out_channels);
            if spec.use_1x1conv {
                s += ", use_1x1conv=True";
            }
            if spec.stride != 1 {
                s += &format!(", stride={}", spec.stride);
            }
            s + ")"
        }
    }
}

/// d2l's residual block (8.6), as the exported code defines it.
const RESIDUAL_CLASS: &str = r#"class Residual(nn.Module):
    """d2l's residual block: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))."""

    def __init__(self, in_channels, out_channels, use_1x1conv=False, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, stride=stride)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            # The shortcut matches the channels and the size with a strided 1×1 convolution.
            self.conv3 = nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        if self.conv3 is not None:
            x = self.conv3(x)
        return torch.relu(y + x)


"#;

struct Writer<'a> {
    out: String,
    shapes: &'a [Vec<usize>],
    broken: Option<usize>,
    leaf: usize,
}

/// Whether `modules` are named by their positions (`0`, `1`, …), as `nn.Sequential` names them.
fn numbered(modules: &[Module]) -> bool {
    modules
        .iter()
        .enumerate()
        .all(|(i, m)| m.name == i.to_string())
}

impl Writer<'_> {
    /// The next layer's output shape and parameters, or where the network broke.
    fn note(&mut self, layer: &Layer) -> String {
        let note = match (self.shapes.get(self.leaf), self.broken) {
            (Some(shape), _) => {
                let params = layer.param_count();
                if params > 0 {
                    format!("{}, {} params", shape_text(shape), thousands(params))
                } else {
                    shape_text(shape)
                }
            }
            (None, Some(b)) if b == self.leaf => "breaks here (see the note above)".into(),
            _ => "not reached".into(),
        };
        self.leaf += 1;
        note
    }

    /// `m` after `start` (`self.layer1 = `, or nothing inside a sequence), then `end`.
    fn module(&mut self, m: &Module, pos: &str, depth: usize, start: &str, end: &str) {
        let indent = "    ".repeat(depth);
        // Positions are what the summary calls the layers; names are what the keys say.
        let name = if m.name == pos.rsplit('.').next().unwrap_or("") {
            String::new()
        } else {
            format!(" {}", m.name)
        };
        match &m.kind {
            ModuleKind::Sequential(children) => {
                self.out += &format!("{indent}{start}nn.Sequential(  # {pos}{name}\n");
                for (i, child) in children.iter().enumerate() {
                    self.module(child, &format!("{pos}.{i}"), depth + 1, "", ",");
                }
                self.out += &format!("{indent}){end}\n");
            }
            ModuleKind::Layer(layer) => {
                let note = self.note(layer);
                self.out += &format!(
                    "{indent}{start}{}{end}  # {pos}{name} → {note}\n",
                    constructor(layer)
                );
            }
        }
    }
}

/// The model as a runnable PyTorch module for inputs of shape `input` (`[C, H, W]`).
///
/// If some layer cannot take its input, the code is still written (with the sizes found up to
/// that layer) and a note at the top says where and why: running it raises the error there.
pub fn pytorch(model: &Model, input: [usize; 3]) -> String {
    let resolved = model.resolve(&input);
    let [c, h, w] = input;
    let leaves = resolved.model.leaves();
    let uses_residual = leaves.iter().any(|l| matches!(l.layer, Layer::Residual(_)));
    let mut out = format!(
        "# ConvLab: {} as a PyTorch module, for inputs of shape (N, {c}, {h}, {w}).\n",
        model.name
    );
    if model.lazy {
        out += "# d2l builds it with lazy layers (LazyConv2d, LazyLinear, ...); here every size is written out.\n";
    }
    if let Some((_, e)) = &resolved.error {
        out += "#\n# Note: this network cannot run on this input.\n";
        out += &comment(&e.to_string(), 96);
        out += "# Running the code below raises an error at that layer.\n";
    }
    out += "import torch\nfrom torch import nn\n\n\n";
    if uses_residual {
        out += RESIDUAL_CLASS;
    }
    let mut writer = Writer {
        out: String::new(),
        shapes: &resolved.shapes,
        broken: resolved.error.as_ref().map(|(i, _)| *i),
        leaf: 0,
    };
    let modules = &resolved.model.modules;
    if numbered(modules) {
        for (i, m) in modules.iter().enumerate() {
            writer.module(m, &i.to_string(), 3, "", ",");
        }
        out += "class Net(nn.Sequential):\n    def __init__(self):\n        super().__init__(\n";
        out += &writer.out;
        out += "        )\n\n\n";
    } else {
        for (i, m) in modules.iter().enumerate() {
            writer.module(m, &i.to_string(), 2, &format!("self.{} = ", m.name), "");
        }
        out += "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n";
        out += &writer.out;
        out += "\n    def forward(self, x):\n";
        for m in modules {
            out += &format!("        x = self.{}(x)\n", m.name);
        }
        out += "        return x\n\n\n";
    }
    let total = leaves
        .iter()
        .map(|l| l.layer.param_count())
        .fold(0, u64::saturating_add);
    let output = resolved.shapes.last().map(|s| {
        let dims: Vec<String> = std::iter::once(1)
            .chain(s.iter().copied())
            .map(|d| d.to_string())
            .collect();
        dims.join(", ")
    });
    match (&resolved.error, &output) {
        (None, Some(dims)) => {
            out += &format!(
                "# Expected: {} trainable parameters; output shape (1, {}).\n",
                thousands(total),
                &dims[3..]
            );
        }
        (None, None) => {
            out += &format!("# Expected: {} trainable parameters.\n", thousands(total));
        }
        (Some(_), _) => {}
    }
    out += "\nif __name__ == \"__main__\":\n";
    out += "    model = Net()\n";
    out += "    model.eval()  # batch norm uses its running statistics, dropout is off\n";
    out += &format!("    x = torch.randn(1, {c}, {h}, {w})\n");
    out += "    with torch.no_grad():\n";
    match (&resolved.error, &output) {
        (None, Some(dims)) => {
            out += &format!("        print(model(x).shape)  # torch.Size([{dims}])\n")
        }
        _ => out += "        print(model(x).shape)\n",
    }
    if resolved.error.is_none() {
        out += &format!("    print(sum(p.numel() for p in model.parameters()))  # {total}\n");
    } else {
        out += "    print(sum(p.numel() for p in model.parameters()))\n";
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch;

    /// The numbers inside `name(` ... `)` on `line`, up to the first keyword argument, and the
    /// keyword arguments as (key, value) pairs.
    /// A call's positional numbers and its `key=value` arguments.
    type Args<'a> = (Vec<usize>, Vec<(&'a str, &'a str)>);

    fn call_args<'a>(line: &'a str, name: &str) -> Option<Args<'a>> {
        let start = line.find(name)? + name.len();
        let rest = &line[start..];
        let mut depth = 1;
        let mut end = None;
        for (i, ch) in rest.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let inner = &rest[..end?];
        let mut positional = Vec::new();
        let mut keywords = Vec::new();
        // Split at top-level commas only (kernel_size=(3, 5) holds one).
        let (mut depth, mut from) = (0, 0);
        let mut parts = Vec::new();
        for (i, ch) in inner.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&inner[from..i]);
                    from = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&inner[from..]);
        for part in parts.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once('=') {
                Some((k, v)) => keywords.push((k.trim(), v.trim())),
                None => positional.push(part.parse().ok()?),
            }
        }
        Some((positional, keywords))
    }

    /// `kernel_size=5` is 5×5, `kernel_size=(3, 5)` is 3×5.
    fn kernel_area(v: &str) -> usize {
        let dims: Vec<usize> = v
            .trim_matches(|c| c == '(' || c == ')')
            .split(',')
            .map(|d| d.trim().parse().unwrap())
            .collect();
        match dims[..] {
            [k] => k * k,
            [kh, kw] => kh * kw,
            _ => panic!("kernel_size={v}"),
        }
    }

    /// The trainable parameters the constructors inside `class Net` imply, counted the way
    /// PyTorch counts them, and the constructor names in order.
    fn parse_back(code: &str) -> (u64, Vec<String>) {
        let net = &code[code.find("class Net(").expect("class Net")..];
        let mut total = 0;
        let mut names = Vec::new();
        for line in net.lines() {
            // `self.fc = nn.Linear(...)`: the constructor after the attribute.
            let line = line
                .trim_start()
                .strip_prefix("self.")
                .and_then(|rest| rest.split_once(" = "))
                .map_or(line, |(_, constructor)| constructor);
            let has_bias =
                |kw: &[(&str, &str)]| !kw.iter().any(|&(k, v)| k == "bias" && v == "False");
            if let Some((a, kw)) = call_args(line, "nn.Conv2d(") {
                let k = kw.iter().find(|(k, _)| *k == "kernel_size").unwrap().1;
                let groups = kw
                    .iter()
                    .find(|(k, _)| *k == "groups")
                    .map_or(1, |(_, v)| v.parse().unwrap());
                total +=
                    a[1] * (a[0] / groups) * kernel_area(k) + if has_bias(&kw) { a[1] } else { 0 };
                names.push("Conv2d".to_string());
            } else if let Some((a, kw)) = call_args(line, "nn.Linear(") {
                total += a[0] * a[1] + if has_bias(&kw) { a[1] } else { 0 };
                names.push("Linear".to_string());
            } else if let Some((a, _)) = call_args(line, "nn.BatchNorm2d(") {
                total += 2 * a[0];
                names.push("BatchNorm2d".to_string());
            } else if let Some((a, kw)) = call_args(line, "Residual(") {
                let (i, o) = (a[0], a[1]);
                let conv = |cin: usize, cout: usize, k: usize| cout * cin * k * k + cout;
                total += conv(i, o, 3) + conv(o, o, 3) + 4 * o;
                if kw.contains(&("use_1x1conv", "True")) {
                    total += conv(i, o, 1);
                }
                names.push("Residual".to_string());
            } else if let Some(rest) = line.trim_start().strip_prefix("nn.") {
                let name = &rest[..rest.find('(').unwrap()];
                if name != "Sequential" {
                    names.push(name.to_string());
                }
            }
        }
        (total as u64, names)
    }

    /// The `state_dict` keys PyTorch gives the module `code` builds, read from the code as
    /// PyTorch names them: attributes by their names, an `nn.Sequential`'s children by their
    /// positions, each constructor's parameters and buffers by PyTorch's names.
    fn state_dict_keys(code: &str) -> Vec<String> {
        let net = &code[code.find("class Net(").expect("class Net")..];
        let net = &net[..net.find("if __name__").unwrap_or(net.len())];
        // The open `nn.Sequential`s: their key prefixes and how many children they have so far.
        let mut open: Vec<(String, usize)> = Vec::new();
        let mut keys = Vec::new();
        let join = |a: &str, b: &str| {
            if a.is_empty() {
                b.to_string()
            } else {
                format!("{a}.{b}")
            }
        };
        for line in net.lines().map(str::trim) {
            if line == ")" || line == ")," {
                open.pop();
                continue;
            }
            if line.starts_with("super().__init__(") && line.ends_with('(') {
                open.push((String::new(), 0)); // Net itself is the sequence.
                continue;
            }
            // Where this line's module sits: an attribute, or the next child of a sequence.
            let (prefix, module) =
                match line.strip_prefix("self.").and_then(|r| r.split_once(" = ")) {
                    Some((name, module)) => (name.to_string(), module),
                    None => match open.last_mut() {
                        Some((parent, count))
                            if line.starts_with("nn.") || line.starts_with("Residual(") =>
                        {
                            *count += 1;
                            (join(parent, &(*count - 1).to_string()), line)
                        }
                        _ => continue,
                    },
                };
            let bias = !module.contains("bias=False");
            let conv = |p: &str, bias: bool| {
                let mut k = vec![join(p, "weight")];
                if bias {
                    k.push(join(p, "bias"));
                }
                k
            };
            let bn = |p: &str| {
                [
                    "weight",
                    "bias",
                    "running_mean",
                    "running_var",
                    "num_batches_tracked",
                ]
                .map(|n| join(p, n))
                .to_vec()
            };
            if module.starts_with("nn.Sequential(") {
                open.push((prefix, 0));
            } else if module.starts_with("nn.Conv2d(") || module.starts_with("nn.Linear(") {
                keys.extend(conv(&prefix, bias));
            } else if module.starts_with("nn.BatchNorm2d(") {
                keys.extend(bn(&prefix));
            } else if module.starts_with("Residual(") {
                for c in ["conv1", "conv2"] {
                    keys.extend(conv(&join(&prefix, c), true));
                }
                if module.contains("use_1x1conv=True") {
                    keys.extend(conv(&join(&prefix, "conv3"), true));
                }
                for b in ["bn1", "bn2"] {
                    keys.extend(bn(&join(&prefix, b)));
                }
            }
        }
        keys.sort();
        keys
    }

    /// `Net().load_state_dict(saved)` is strict: the exported module's keys must be exactly the
    /// names ConvLab saves (the parameters, the running statistics and `num_batches_tracked`).
    #[test]
    fn the_exported_keys_are_the_saved_weights_names() {
        for name in arch::NAMES {
            let model = arch::by_name(name).unwrap();
            let (resolved, _) = model.propagate(&model.input_shape).unwrap();
            let mut saved: Vec<String> = resolved
                .param_specs()
                .into_iter()
                .map(|p| p.name)
                .chain(
                    crate::safetensors::batch_norm_counters(&resolved, 0)
                        .into_iter()
                        .map(|c| c.name),
                )
                .collect();
            saved.sort();
            let code = pytorch(&model, model.input_shape);
            assert_eq!(state_dict_keys(&code), saved, "{name}");
        }
    }

    #[test]
    fn every_built_in_model_round_trips() {
        for name in arch::NAMES {
            let model = arch::by_name(name).unwrap();
            let input = model.input_shape;
            let summary = model.summary(&input).unwrap();
            let code = pytorch(&model, input);
            let (total, names) = parse_back(&code);
            assert_eq!(
                total, summary.total_params,
                "{name}: parameters implied by the code"
            );
            let types: Vec<String> = summary.layers.iter().map(|r| r.type_name.clone()).collect();
            assert_eq!(names, types, "{name}: the layers in order");
            // Each layer's line carries its position and output shape, in order.
            let mut from = 0;
            for row in &summary.layers {
                let tag = format!("# {}", row.layer);
                let at = code[from..]
                    .find(&tag)
                    .unwrap_or_else(|| panic!("{name}: {tag} after byte {from}"));
                from += at + tag.len();
                assert!(code[from..]
                    .lines()
                    .next()
                    .unwrap()
                    .contains(&shape_text(&row.output_shape)));
            }
            assert!(
                code.contains(&format!("# {}\n", summary.total_params)),
                "{name}: the printed total"
            );
            assert!(code.contains(&format!(
                "torch.randn(1, {}, {}, {})",
                input[0], input[1], input[2]
            )));
            let residual = name.contains("resnet");
            assert_eq!(code.contains("class Residual"), residual, "{name}");
        }
    }

    /// The totals PyTorch printed (tests/golden/architectures.json) equal the parameters the
    /// exported constructors imply, model by model.
    #[test]
    fn exported_totals_equal_pytorchs() {
        let text = include_str!("../../../tests/golden/architectures.json");
        let golden: serde_json::Value = serde_json::from_str(text).unwrap();
        let models = golden["models"].as_array().unwrap();
        assert_eq!(models.len(), 7);
        for m in models {
            let name = m["name"].as_str().unwrap();
            let input: Vec<usize> = m["input_shape"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_u64().unwrap() as usize)
                .collect();
            let code = pytorch(
                &arch::by_name(name).unwrap(),
                [input[0], input[1], input[2]],
            );
            let (total, _) = parse_back(&code);
            assert_eq!(total, m["total_params"].as_u64().unwrap(), "{name}");
        }
    }

    #[test]
    fn resolve_agrees_with_propagate() {
        for name in arch::NAMES {
            let model = arch::by_name(name).unwrap();
            let (propagated, shapes) = model.propagate(&model.input_shape).unwrap();
            let r = model.resolve(&model.input_shape);
            assert_eq!(r.error, None);
            assert_eq!(r.shapes, shapes, "{name}");
            assert_eq!(r.model, propagated, "{name}");
        }
        // AlexNet on 28×28 breaks at its second pooling layer, as propagate says.
        let alexnet = arch::alexnet();
        let err = alexnet.propagate(&[1, 28, 28]).unwrap_err();
        let r = alexnet.resolve(&[1, 28, 28]);
        let (index, e) = r.error.clone().unwrap();
        assert_eq!((index, e.to_string()), (5, err.to_string()));
        assert!(err.to_string().starts_with("layer 5 (MaxPool2d)"), "{err}");
        assert_eq!(r.shapes.len(), 5);
        assert_eq!(r.shapes[4], vec![256, 2, 2]);
    }

    #[test]
    fn a_broken_network_is_still_written_with_a_note() {
        let code = pytorch(&arch::alexnet(), [1, 28, 28]);
        assert!(code.contains("# layer 5 (MaxPool2d) cannot take an input of shape"));
        // The note is wrapped.
        assert!(
            code.lines()
                .filter(|l| l.starts_with('#'))
                .all(|l| l.chars().count() <= 100),
            "{code}"
        );
        assert!(code.contains("# 5 → breaks here"));
        assert!(code.contains("# 6 → not reached"));
        assert!(!code.contains("# Expected:"));
        assert!(code.contains("if __name__ == \"__main__\":"));
    }

    #[test]
    fn lazy_sizes_are_written_out_for_the_input() {
        // ResNet-18 on 3-channel 64×64 images: the stem takes 3 channels.
        let code = pytorch(&arch::resnet18(), [3, 64, 64]);
        assert!(
            code.contains("nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3),  # 0.0 → (64, 32, 32), 9,472 params\n"),
            "{code}"
        );
        assert!(
            code.contains("Residual(64, 128, use_1x1conv=True, stride=2),  # 2.0 → (128, 8, 8)")
        );
        assert!(code.contains("nn.Sequential(  # 0 b1\n"));
        let model = arch::mnist_convnet();
        let code = pytorch(&model, [1, 28, 28]);
        assert!(
            code.contains("self.fc = nn.Linear(1568, 10)  # 3 fc → (10), 15,690 params"),
            "{code}"
        );
        assert!(code.contains("# Expected: 29,034 trainable parameters; output shape (1, 10).\n"));
    }

    #[test]
    fn constructors_and_numbers() {
        assert_eq!(
            constructor(&Layer::max_pool(3, 2, 1)),
            "nn.MaxPool2d(kernel_size=3, stride=2, padding=1)"
        );
        assert_eq!(
            constructor(&Layer::avg_pool(2, 2)),
            "nn.AvgPool2d(kernel_size=2, stride=2)"
        );
        assert_eq!(
            constructor(&Layer::conv(1, 6, 5, 1, 2)),
            "nn.Conv2d(1, 6, kernel_size=5, stride=1, padding=2)"
        );
        assert_eq!(constructor(&Layer::Dropout { p: 0.5 }), "nn.Dropout(p=0.5)");
        assert_eq!(shape_text(&[400]), "(400)");
    }
}
