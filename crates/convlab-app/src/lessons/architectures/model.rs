//! The lesson's math, apart from any view: the edited network rebuilt in the model's tree, its
//! analysis (each layer's output shape and parameters, from the core's shape propagation), the
//! blocks of the diagram, and the texts the table and the export write. Counts are `u64`: in
//! the browser a `usize` has 32 bits, and an edited Linear layer has more parameters than that.

use convlab_core::export;
use convlab_core::nn::model::ModuleKind;
use convlab_core::nn::{Layer, Model, Module};
use convlab_core::ops::{Conv2dParams, ConvTranspose2dParams};

use super::edits::{base_entries, Entry};

/// The network of `entries`, in the model's tree: a layer of the model's own stays where it was,
/// a new layer goes right after the layer before it in the list (in the same `nn.Sequential`),
/// or first of all.
pub fn build(base: &Model, entries: &[Entry]) -> Model {
    let n = base.leaves().len();
    let mut kept: Vec<Option<Layer>> = vec![None; n];
    let mut after: Vec<Vec<Layer>> = vec![vec![]; n];
    let mut front = Vec::new();
    let mut last = None;
    for e in entries {
        match (e.base, last) {
            (Some(i), _) => {
                kept[i] = Some(e.layer.clone());
                last = Some(i);
            }
            (None, Some(i)) => after[i].push(e.layer.clone()),
            (None, None) => front.push(e.layer.clone()),
        }
    }
    fn walk(
        modules: &[Module],
        counter: &mut usize,
        kept: &[Option<Layer>],
        after: &[Vec<Layer>],
    ) -> Vec<Module> {
        let mut out = Vec::new();
        for m in modules {
            match &m.kind {
                ModuleKind::Layer(_) => {
                    let i = *counter;
                    *counter += 1;
                    if let Some(layer) = &kept[i] {
                        out.push(Module::layer(m.name.clone(), layer.clone()));
                    }
                    out.extend(after[i].iter().map(|l| Module::layer("", l.clone())));
                }
                ModuleKind::Sequential(children) => out.push(Module::seq(
                    m.name.clone(),
                    walk(children, counter, kept, after),
                )),
            }
        }
        // Inside an nn.Sequential the children are named by their index.
        for (i, m) in out.iter_mut().enumerate() {
            if m.name.is_empty() || m.name.parse::<usize>().is_ok() {
                m.name = i.to_string();
            }
        }
        out
    }
    let mut modules: Vec<Module> = front.into_iter().map(|l| Module::layer("", l)).collect();
    modules.extend(walk(&base.modules, &mut 0, &kept, &after));
    for (i, m) in modules.iter_mut().enumerate() {
        if m.name.is_empty() || m.name.parse::<usize>().is_ok() {
            m.name = i.to_string();
        }
    }
    Model {
        name: base.name.clone(),
        input_shape: base.input_shape,
        modules,
        lazy: base.lazy,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowState {
    Ok,
    /// The first layer that cannot take its input.
    Broken,
    /// After the broken one: never reached.
    After,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// `0.0`, as summaries name layers.
    pub position: String,
    /// The layer as it runs (sizes that follow the input filled in).
    pub layer: Layer,
    /// The layer as written in the list (what the editor edits).
    pub written: Layer,
    pub shape: Option<Vec<usize>>,
    pub params: Option<u64>,
    pub state: RowState,
    pub base: Option<usize>,
    /// Changed from the model's own layer.
    pub edited: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    pub rows: Vec<Row>,
    pub error: Option<String>,
    pub total: u64,
    /// Parameters in convolutions (Residual blocks included), Linear layers, batch norm.
    pub split: [u64; 3],
}

/// The edited network on one input: each layer's output shape (`Model::propagate`; the layers
/// before a break from `Model::resolve`, which mirrors it) and parameters.
pub fn analyse(
    base: &Model,
    entries: &[Entry],
    input: [usize; 3],
    wire: bool,
) -> (Model, Analysis) {
    let mut model = build(base, entries);
    let own = base_entries(base);
    if wire {
        model.lazy = true;
    }
    let (resolved, shapes, error) = match model.propagate(&input) {
        Ok((resolved, shapes)) => (resolved, shapes, None),
        Err(e) => {
            let r = model.resolve(&input);
            let at = r.error.map(|(i, _)| i);
            (r.model, r.shapes, at.map(|i| (i, e.to_string())))
        }
    };
    let broken = error.as_ref().map(|(i, _)| *i);
    let mut rows = Vec::new();
    let mut split = [0u64; 3];
    for (i, (leaf, e)) in resolved.leaves().into_iter().zip(entries).enumerate() {
        let state = match broken {
            Some(b) if i == b => RowState::Broken,
            Some(b) if i > b => RowState::After,
            _ => RowState::Ok,
        };
        let params = (state == RowState::Ok).then(|| leaf.layer.param_count());
        if state == RowState::Ok {
            let parts = match &leaf.layer {
                Layer::Residual(spec) => spec.sublayers().into_iter().map(|(_, l)| l).collect(),
                layer => vec![layer.clone()],
            };
            for part in parts {
                let k = match part {
                    Layer::Conv2d { .. } | Layer::ConvTranspose2d { .. } => 0,
                    Layer::Linear { .. } => 1,
                    _ => 2,
                };
                split[k] = split[k].saturating_add(part.param_count());
            }
        }
        rows.push(Row {
            position: leaf.position,
            layer: leaf.layer,
            written: e.layer.clone(),
            shape: shapes.get(i).cloned(),
            params,
            state,
            base: e.base,
            edited: e.base.is_none_or(|b| own[b].layer != e.layer),
        });
    }
    let total = split.iter().fold(0, |t: u64, &v| t.saturating_add(v));
    let mut named = resolved;
    named.lazy = model.lazy;
    (
        named,
        Analysis {
            rows,
            error: error.map(|(_, e)| e),
            total,
            split,
        },
    )
}

/// The network as runnable PyTorch code: `resolved` is the analysed network (its sizes found),
/// `lazy` whether the course builds the model with lazy layers (d2l's), `edited` whether the
/// student changed it.
pub fn pytorch_code(resolved: &Model, lazy: bool, edited: bool, input: [usize; 3]) -> String {
    let mut model = resolved.clone();
    // The sizes are resolved already; the note about lazy layers is about d2l's models.
    model.lazy = lazy;
    if edited {
        model.name = format!("{} (edited)", model.name);
    }
    export::pytorch(&model, input)
}

/// Shapes in the core's messages (`[256, 2, 2]`) written the PyTorch way (`(256, 2, 2)`).
pub fn pytorch_shapes(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(start) = rest.find('[') {
        out += &rest[..start];
        let tail = &rest[start + 1..];
        match tail.find(']') {
            Some(end)
                if tail[..end]
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ',' || c == ' ') =>
            {
                out += &format!("({})", &tail[..end]);
                rest = &tail[end + 1..];
            }
            _ => {
                out.push('[');
                rest = tail;
            }
        }
    }
    out + rest
}

/// A layer's output as PyTorch prints a batch of it: `(N, 6, 28, 28)`.
pub fn batch_shape(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    format!("(N, {})", dims.join(", "))
}

/// Bytes as the page writes memory: `223 KB`, `491.2 MB`.
pub fn bytes(n: u64) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < units.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 || v >= 100.0 {
        format!("{v:.0} {}", units[u])
    } else {
        format!("{v:.1} {}", units[u])
    }
}

/// The short form of a layer's hyper-parameters, after its input size (`in` is shown apart so
/// the page can mark it when it followed the input).
pub fn details(layer: &Layer) -> (Option<usize>, String) {
    let sq = |v: [usize; 2]| {
        if v[0] == v[1] {
            format!("{}", v[0])
        } else {
            format!("{}×{}", v[0], v[1])
        }
    };
    match layer {
        Layer::Conv2d {
            in_channels,
            out_channels,
            kernel,
            params: Conv2dParams {
                stride, padding, ..
            },
            ..
        }
        | Layer::ConvTranspose2d {
            in_channels,
            out_channels,
            kernel,
            params: ConvTranspose2dParams {
                stride, padding, ..
            },
            ..
        } => {
            // A transposed convolution also shows its output padding.
            let op = match layer {
                Layer::ConvTranspose2d { params, .. } => {
                    format!(", op{}", sq(params.output_padding))
                }
                _ => String::new(),
            };
            (
                Some(*in_channels),
                format!(
                    "→{out_channels}, {}×{}, s{}, p{}{op}",
                    kernel[0],
                    kernel[1],
                    sq(*stride),
                    sq(*padding)
                ),
            )
        }
        Layer::BatchNorm2d { channels, .. } => (Some(*channels), String::new()),
        Layer::MaxPool2d(p) | Layer::AvgPool2d(p) => (
            None,
            format!(
                "{}×{}, s{}, p{}",
                p.kernel[0],
                p.kernel[1],
                sq(p.stride),
                sq(p.padding)
            ),
        ),
        Layer::Linear {
            in_features,
            out_features,
            ..
        } => (Some(*in_features), format!("→{out_features}")),
        Layer::Residual(r) => (
            Some(r.in_channels),
            format!("→{}, s{}", r.out_channels, r.stride),
        ),
        Layer::Dropout { p } => (None, format!("p={p}")),
        Layer::AdaptiveAvgPool2d => (None, "(1, 1)".into()),
        _ => (None, String::new()),
    }
}

/// A short name for the diagram.
fn abbreviation(layer: &Layer) -> &'static str {
    match layer {
        Layer::Conv2d { .. } => "conv",
        Layer::ConvTranspose2d { .. } => "convT",
        Layer::BatchNorm2d { .. } => "BN",
        Layer::ReLU => "ReLU",
        Layer::Sigmoid => "σ",
        Layer::MaxPool2d(_) => "max",
        Layer::AvgPool2d(_) => "avg",
        Layer::AdaptiveAvgPool2d => "GAP",
        Layer::Flatten => "flat",
        Layer::Linear { .. } => "FC",
        Layer::Dropout { .. } => "drop",
        Layer::Residual(_) => "res",
    }
}

/// One block of the diagram: a run of layers with the same output shape (the input first).
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub shape: Vec<usize>,
    /// Row indices (none for the input).
    pub rows: Vec<usize>,
    pub label: String,
}

pub fn blocks(input: [usize; 3], rows: &[Row]) -> Vec<Block> {
    let mut out = vec![Block {
        shape: input.to_vec(),
        rows: vec![],
        label: "input".into(),
    }];
    for (i, row) in rows.iter().enumerate() {
        let Some(shape) = &row.shape else { break };
        let last = out.last_mut().expect("the input block");
        if &last.shape == shape && !last.rows.is_empty() {
            last.rows.push(i);
            let a = abbreviation(&row.layer);
            if !last.label.split('·').any(|s| s == a) {
                last.label += "·";
                last.label += a;
            }
        } else {
            out.push(Block {
                shape: shape.clone(),
                rows: vec![i],
                label: abbreviation(&row.layer).into(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::architectures::catalogue::pytorch_total;
    use crate::lessons::architectures::edits::{decode, encode, get, Field, NewKind};
    use convlab_core::arch;
    use convlab_core::text::thousands;

    #[test]
    fn unedited_models_have_no_edits_and_match_pytorch() {
        for name in arch::NAMES {
            let base = arch::by_name(name).unwrap();
            let own = base_entries(&base);
            assert_eq!(encode(&base, &own), None);
            assert_eq!(build(&base, &own), base, "{name}: rebuilt unchanged");
            let (_, a) = analyse(&base, &own, base.input_shape, true);
            assert_eq!(a.error, None);
            let summary = base.summary(&base.input_shape).unwrap();
            assert_eq!(a.total, summary.total_params, "{name}");
            for (row, s) in a.rows.iter().zip(&summary.layers) {
                assert_eq!(row.position, s.layer);
                assert_eq!(row.shape.as_ref(), Some(&s.output_shape));
                assert_eq!(row.params, Some(s.params));
            }
            if let Some(g) = pytorch_total(name) {
                assert_eq!(a.total, g, "{name}");
            }
        }
    }

    /// The issue's link: the MNIST ConvNet's Linear layer made 4,194,304 wide. Its parameters,
    /// worked by hand: (7·7·32 + 1) · 4,194,304 for the Linear layer, plus the rest of the
    /// network (PyTorch's 29,034 less the original Linear's 1,568 · 10 + 10). More than 2³², so
    /// a 32-bit count would wrap; the table, the totals and the export must all say it.
    #[test]
    fn the_issues_wide_linear_layer_is_counted_in_64_bits() {
        let base = arch::mnist_convnet();
        let entries = decode(&base, "0-8_9o4194304").unwrap();
        let (resolved, a) = analyse(&base, &entries, base.input_shape, true);
        let linear = 1569 * 4_194_304u64;
        let want = linear + (29_034 - (1568 * 10 + 10));
        assert_eq!(want, 6_580_876_320);
        assert!(want > u64::from(u32::MAX));
        assert_eq!(a.total, want);
        assert_eq!(a.rows[9].params, Some(linear));
        assert_eq!(a.split[1], linear);
        assert_eq!(bytes(a.total * 4), "26.3 GB");
        let code = pytorch_code(&resolved, base.lazy, true, base.input_shape);
        assert!(
            code.contains("# Expected: 6,580,876,320 trainable parameters"),
            "{code}"
        );
    }

    #[test]
    fn an_edited_network_is_analysed_as_written_or_as_pytorch_would_fail() {
        let base = arch::keras_cnn();
        let text = "0-2_3o128_nBi128_4-6";
        let list = decode(&base, text).unwrap();
        let model = build(&base, &list);
        let positions: Vec<String> = model.leaves().into_iter().map(|l| l.position).collect();
        assert_eq!(positions.len(), 8);
        let (_, a) = analyse(&base, &list, [1, 28, 28], true);
        assert_eq!(a.error, None);
        assert_eq!(a.rows[7].shape, Some(vec![64, 3, 3]));
        // The next convolution followed the 128 channels.
        assert_eq!(get(&a.rows[7].layer, Field::In), 128);
        assert_eq!(get(&a.rows[7].written, Field::In), 64);
        // Without following, PyTorch's error at that layer.
        let (_, strict) = analyse(&base, &list, [1, 28, 28], false);
        assert!(strict.error.unwrap().starts_with("layer 7 (Conv2d)"));
        assert_eq!(strict.rows[7].state, RowState::Broken);
        assert_eq!(strict.rows[6].state, RowState::Ok);
        assert!(a.rows[4].edited && a.rows[4].base.is_none());
        assert!(!a.rows[0].edited);
    }

    #[test]
    fn insertions_go_into_the_right_sequential() {
        let base = arch::resnet18();
        let mut list = base_entries(&base);
        // After 0.3 (the stem's max pool): inside b1, as 0.4.
        list.insert(
            4,
            Entry {
                base: None,
                layer: Layer::ReLU,
            },
        );
        // First of all: a new top-level layer 0, the stem becomes 1.
        list.insert(
            0,
            Entry {
                base: None,
                layer: NewKind::BatchNorm.make(Some(&[1, 224, 224][..])),
            },
        );
        let model = build(&base, &list);
        let positions: Vec<String> = model.leaves().into_iter().map(|l| l.position).collect();
        assert_eq!(
            &positions[..7],
            ["0", "1.0", "1.1", "1.2", "1.3", "1.4", "2.0"]
        );
        assert_eq!(decode(&base, &encode(&base, &list).unwrap()).unwrap(), list);
    }

    #[test]
    fn the_pages_checks() {
        let resnet = arch::resnet18();
        let (_, a) = analyse(&resnet, &base_entries(&resnet), [1, 96, 96], true);
        assert_eq!(thousands(a.total), "11,178,378");
        let before_pool = a
            .rows
            .iter()
            .position(|r| r.layer == Layer::AdaptiveAvgPool2d)
            .unwrap()
            - 1;
        assert_eq!(a.rows[before_pool].shape, Some(vec![512, 3, 3]));
        let alexnet = arch::alexnet();
        let (_, a) = analyse(&alexnet, &base_entries(&alexnet), [1, 28, 28], true);
        let e = a.error.unwrap();
        assert!(e.starts_with("layer 5 (MaxPool2d)"), "{e}");
        assert_eq!(a.rows[5].state, RowState::Broken);
        assert!(
            pytorch_shapes(&e).contains("(256, 2, 2)"),
            "{}",
            pytorch_shapes(&e)
        );
        let keras = arch::keras_cnn();
        let (_, a) = analyse(&keras, &base_entries(&keras), [1, 28, 28], true);
        assert_eq!(thousands(a.total), "55,744");
        assert_eq!(blocks([1, 28, 28], &a.rows).len(), 6);
        assert_eq!(bytes(223_000), "223 KB");
        assert_eq!(bytes(515_224_616), "515 MB");
    }
}
