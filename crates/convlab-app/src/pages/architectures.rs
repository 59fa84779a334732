//! The Architectures lesson: the networks of the course as a layer table (output shape and
//! parameters of every layer, from the core's shape propagation), a to-scale block diagram of the
//! feature maps, the totals, and the network as PyTorch code. Every layer can be edited, removed,
//! or followed by a new one, and the input size changed: the shapes propagate at once and the
//! first layer that cannot take its input says why.
//!
//! URL parameters:
//! - `model`: one of [`arch::NAMES`] (default `lenet`);
//! - `input=C,H,W`: the input shape (default the model's own);
//! - `edits`: the edited layer list, relative to the model's own layers (see [`encode`]), absent
//!   when unedited, so that a shared link rebuilds exactly the same network;
//! - `wire=0`: for the notes' explicit models, keep the written `in_channels` / `in_features`
//!   (PyTorch's behaviour) instead of letting them follow the input;
//! - `sel`: the selected row (`in` for the input, else the layer's index in execution order).

use convlab_core::arch;
use convlab_core::export;
use convlab_core::nn::model::ModuleKind;
use convlab_core::nn::{Layer, Model, Module};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::use_i18n;
use crate::url::{use_query, History};
use convlab_core::text::thousands;

// ---------------------------------------------------------------------------------------------
// The models

/// The models as the page lists them: the classics in the order they appeared, then the notes'.
const MODELS: [(&str, &str); 9] = [
    ("lenet", "LeNet"),
    ("alexnet", "AlexNet"),
    ("vgg11", "VGG-11"),
    ("vgg16", "VGG-16"),
    ("resnet18", "ResNet-18"),
    ("small_resnet", "Small ResNet"),
    ("mnist_convnet", "MNIST ConvNet"),
    ("three_layer_cnn", "Three-layer CNN"),
    ("keras_cnn", "Keras CNN"),
];

/// The totals PyTorch printed for the course's models (../shared/golden/architectures.json; VGG-16
/// is not in it). The page shows them beside its own count; a test checks both.
const PYTORCH_TOTALS: [(&str, u64); 7] = [
    ("lenet", 61_706),
    ("alexnet", 46_764_746),
    ("vgg11", 128_806_154),
    ("resnet18", 11_178_378),
    ("mnist_convnet", 29_034),
    ("three_layer_cnn", 61_514),
    ("keras_cnn", 55_744),
];

/// What each model introduced, one short paragraph.
fn story(name: &str) -> &'static str {
    match name {
        "lenet" => "LeNet-5 (LeCun et al., 1998) read handwritten digits on bank cheques: two 5×5 convolutions, each followed by a sigmoid and 2×2 average pooling, then three fully connected layers. Every later network keeps its pattern: convolutions that shrink the picture and add channels, then a classifier.",
        "alexnet" => "AlexNet (Krizhevsky, Sutskever and Hinton, 2012) won ImageNet by a wide margin and started deep learning's boom: LeNet's pattern made much deeper and wider and trained on GPUs, with ReLU instead of the sigmoid (it trains much faster), overlapping max pooling, and dropout against overfitting in its huge fully connected layers. Here, as in d2l, for one-channel 224×224 images and 10 classes.",
        "vgg11" => "VGG (Simonyan and Zisserman, 2014) replaced hand-picked kernel sizes by a rule: blocks of 3×3 convolutions with padding 1 (the size is kept), each block ending in a 2×2 max pool that halves it, while the channels double from 64 to 512. Two stacked 3×3 layers see as far as one 5×5 with fewer weights. VGG-11 has 8 convolutions; look where its parameters are: the first Linear layer alone holds 103 million.",
        "vgg16" => "VGG-16: the same VGG blocks with 13 convolutions (2, 2, 3, 3, 3 per block). Going deeper costs few parameters, since 3×3 convolutions are small, but much computation. It is not in the golden file; the core builds it with the same code as VGG-11.",
        "resnet18" => "ResNet (He et al., 2015) made very deep networks trainable: each residual block adds its input to its output, y = F(x) + x, so a block only learns a correction and the gradient flows straight through the sum. When the channels double and the size halves, a strided 1×1 convolution on the shortcut matches them. Global average pooling replaces the huge fully connected layers: 18 layers, 11 million parameters.",
        "small_resnet" => "ResNet-18's ideas at MNIST's size, small enough to train in the Training lesson: a 3×3 stem, one block with an identity shortcut at 28×28, then two blocks that halve the size and double the channels with a strided 1×1 convolution on the shortcut (28 → 14 → 7), global average pooling and one Linear layer: 77,898 parameters.",
        "mnist_convnet" => "The notes' MNIST ConvNet: two blocks of a 5×5 convolution with padding 2 (the size is kept), batch normalization, ReLU and 2×2 max pooling, then one Linear layer. Batch normalization (Ioffe and Szegedy, 2015) normalizes each channel over the batch, so the network trains quickly even with a large learning rate.",
        "three_layer_cnn" => "The notes' PyTorch CNN: three 3×3 convolutions with padding 1 (\"same\": the size is kept), each followed by ReLU and 2×2 max pooling: 28 → 14 → 7 → 3 (the floor drops the odd row), then a Linear layer on the 64 × 3 × 3 = 576 features.",
        "keras_cnn" => "The notes' Keras CNN: three 3×3 \"valid\" convolutions (no padding: each trims one pixel from every border) with 2×2 max pooling between them: 28 → 26 → 13 → 11 → 5 → 3. Keras's model.summary() totals 55,744 parameters; the notes then add Flatten and Dense layers to classify.",
        _ => "",
    }
}

fn display_name(name: &str) -> &'static str {
    MODELS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, d)| d)
}

// ---------------------------------------------------------------------------------------------
// Edits: the layer list as data, and its compact form in the URL

/// One layer of the edited network: a layer of the model's own (`base`, its index in execution
/// order), possibly with other hyper-parameters, or a new one.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub base: Option<usize>,
    pub layer: Layer,
}

/// A hyper-parameter the page lets the student change, with its letter in `edits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// `in_channels`, BatchNorm2d's channels, `in_features`.
    In,
    /// `out_channels`, `out_features`.
    Out,
    Kernel,
    Stride,
    Padding,
    /// Residual's 1×1 convolution on the shortcut (0 or 1).
    Shortcut,
}

const ALL_FIELDS: [Field; 6] = [
    Field::In,
    Field::Out,
    Field::Kernel,
    Field::Stride,
    Field::Padding,
    Field::Shortcut,
];

impl Field {
    fn code(self) -> char {
        match self {
            Field::In => 'i',
            Field::Out => 'o',
            Field::Kernel => 'k',
            Field::Stride => 's',
            Field::Padding => 'p',
            Field::Shortcut => 'u',
        }
    }

    fn from_code(c: char) -> Option<Field> {
        ALL_FIELDS.into_iter().find(|f| f.code() == c)
    }

    /// The values the page accepts (a link asking for more is refused, not clamped).
    fn range(self, layer: &Layer) -> (usize, usize) {
        match (self, layer) {
            (Field::In | Field::Out, Layer::Linear { .. }) => (1, 1 << 22),
            (Field::In | Field::Out, _) => (1, 4096),
            (Field::Kernel, _) => (1, 15),
            (Field::Stride, _) => (1, 8),
            (Field::Padding, _) => (0, 16),
            (Field::Shortcut, _) => (0, 1),
        }
    }

    fn label(self, layer: &Layer) -> &'static str {
        match (self, layer) {
            (Field::In, Layer::Linear { .. }) => "in_features",
            (Field::Out, Layer::Linear { .. }) => "out_features",
            (Field::In, Layer::BatchNorm2d { .. }) => "num_features",
            (Field::In, _) => "in_channels",
            (Field::Out, _) => "out_channels",
            (Field::Kernel, _) => "kernel_size",
            (Field::Stride, _) => "stride",
            (Field::Padding, _) => "padding",
            (Field::Shortcut, _) => "use_1x1conv",
        }
    }
}

/// The fields of `layer` in their order in `edits` (the `In` ones are shown only when the sizes
/// do not follow by themselves).
fn fields(layer: &Layer) -> &'static [Field] {
    use Field::*;
    match layer {
        Layer::Conv2d { .. } => &[In, Out, Kernel, Stride, Padding],
        Layer::MaxPool2d(_) | Layer::AvgPool2d(_) => &[Kernel, Stride, Padding],
        Layer::Linear { .. } => &[In, Out],
        Layer::BatchNorm2d { .. } => &[In],
        Layer::Residual(_) => &[In, Out, Stride, Shortcut],
        _ => &[],
    }
}

fn get(layer: &Layer, field: Field) -> usize {
    match (layer, field) {
        (Layer::Conv2d { in_channels, .. }, Field::In) => *in_channels,
        (Layer::Conv2d { out_channels, .. }, Field::Out) => *out_channels,
        (Layer::Conv2d { kernel, .. }, Field::Kernel) => kernel[0],
        (Layer::Conv2d { params, .. }, Field::Stride) => params.stride[0],
        (Layer::Conv2d { params, .. }, Field::Padding) => params.padding[0],
        (Layer::MaxPool2d(p) | Layer::AvgPool2d(p), Field::Kernel) => p.kernel[0],
        (Layer::MaxPool2d(p) | Layer::AvgPool2d(p), Field::Stride) => p.stride[0],
        (Layer::MaxPool2d(p) | Layer::AvgPool2d(p), Field::Padding) => p.padding[0],
        (Layer::Linear { in_features, .. }, Field::In) => *in_features,
        (Layer::Linear { out_features, .. }, Field::Out) => *out_features,
        (Layer::BatchNorm2d { channels, .. }, Field::In) => *channels,
        (Layer::Residual(r), Field::In) => r.in_channels,
        (Layer::Residual(r), Field::Out) => r.out_channels,
        (Layer::Residual(r), Field::Stride) => r.stride,
        (Layer::Residual(r), Field::Shortcut) => r.use_1x1conv as usize,
        _ => 0,
    }
}

fn set(layer: &mut Layer, field: Field, v: usize) {
    match (layer, field) {
        (Layer::Conv2d { in_channels, .. }, Field::In) => *in_channels = v,
        (Layer::Conv2d { out_channels, .. }, Field::Out) => *out_channels = v,
        (Layer::Conv2d { kernel, .. }, Field::Kernel) => *kernel = [v; 2],
        (Layer::Conv2d { params, .. }, Field::Stride) => params.stride = [v; 2],
        (Layer::Conv2d { params, .. }, Field::Padding) => params.padding = [v; 2],
        (Layer::MaxPool2d(p) | Layer::AvgPool2d(p), Field::Kernel) => p.kernel = [v; 2],
        (Layer::MaxPool2d(p) | Layer::AvgPool2d(p), Field::Stride) => p.stride = [v; 2],
        (Layer::MaxPool2d(p) | Layer::AvgPool2d(p), Field::Padding) => p.padding = [v; 2],
        (Layer::Linear { in_features, .. }, Field::In) => *in_features = v,
        (Layer::Linear { out_features, .. }, Field::Out) => *out_features = v,
        (Layer::BatchNorm2d { channels, .. }, Field::In) => *channels = v,
        (Layer::Residual(r), Field::In) => r.in_channels = v,
        (Layer::Residual(r), Field::Out) => r.out_channels = v,
        (Layer::Residual(r), Field::Stride) => r.stride = v,
        (Layer::Residual(r), Field::Shortcut) => r.use_1x1conv = v != 0,
        _ => {}
    }
}

/// The layers a student can insert, with their letter in `edits` and their button text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewKind {
    Conv,
    Relu,
    MaxPool,
    BatchNorm,
    Flatten,
    Linear,
}

const NEW_KINDS: [NewKind; 6] = [
    NewKind::Conv,
    NewKind::Relu,
    NewKind::MaxPool,
    NewKind::BatchNorm,
    NewKind::Flatten,
    NewKind::Linear,
];

impl NewKind {
    fn code(self) -> char {
        match self {
            NewKind::Conv => 'C',
            NewKind::Relu => 'R',
            NewKind::MaxPool => 'M',
            NewKind::BatchNorm => 'B',
            NewKind::Flatten => 'F',
            NewKind::Linear => 'L',
        }
    }

    fn label(self) -> &'static str {
        match self {
            NewKind::Conv => "Conv2d 3×3",
            NewKind::Relu => "ReLU",
            NewKind::MaxPool => "MaxPool2d 2",
            NewKind::BatchNorm => "BatchNorm2d",
            NewKind::Flatten => "Flatten",
            NewKind::Linear => "Linear",
        }
    }

    fn testid(self) -> &'static str {
        match self {
            NewKind::Conv => "insert-conv",
            NewKind::Relu => "insert-relu",
            NewKind::MaxPool => "insert-maxpool",
            NewKind::BatchNorm => "insert-batchnorm",
            NewKind::Flatten => "insert-flatten",
            NewKind::Linear => "insert-linear",
        }
    }

    fn of(layer: &Layer) -> Option<NewKind> {
        Some(match layer {
            Layer::Conv2d { .. } => NewKind::Conv,
            Layer::ReLU => NewKind::Relu,
            Layer::MaxPool2d(_) => NewKind::MaxPool,
            Layer::BatchNorm2d { .. } => NewKind::BatchNorm,
            Layer::Flatten => NewKind::Flatten,
            Layer::Linear { .. } => NewKind::Linear,
            _ => return None,
        })
    }

    /// The new layer for an input of shape `input` (if known): it keeps the shape where it can
    /// (a 3×3 convolution with padding 1 and as many channels out as in), so the layers after it
    /// still fit.
    fn make(self, input: Option<&[usize]>) -> Layer {
        let channels = match input {
            Some(&[c, _, _]) => c,
            _ => 16,
        };
        let features = input.map_or(128, |s| s.iter().product::<usize>().clamp(1, 1 << 22));
        match self {
            NewKind::Conv => Layer::conv(channels, channels.min(4096), 3, 1, 1),
            NewKind::Relu => Layer::ReLU,
            NewKind::MaxPool => Layer::max_pool(2, 2, 0),
            NewKind::BatchNorm => Layer::batch_norm(channels),
            NewKind::Flatten => Layer::Flatten,
            NewKind::Linear => Layer::linear(features, features.min(4096)),
        }
    }

    fn from_code(c: char) -> Option<NewKind> {
        NEW_KINDS.into_iter().find(|k| k.code() == c)
    }
}

/// The model's own layers, unedited.
pub fn base_entries(base: &Model) -> Vec<Entry> {
    base.leaves()
        .into_iter()
        .enumerate()
        .map(|(i, leaf)| Entry {
            base: Some(i),
            layer: leaf.layer,
        })
        .collect()
}

/// The edited list in the URL's form, or `None` when it is the model's own.
///
/// Tokens joined by `_`, one per run of layers: `3-7` (the model's layers 3 to 7, unchanged),
/// `3o128k5` (its layer 3 with `out` 128 and kernel 5: only the fields that differ), `nCi64o64k3s1p1`
/// (a new Conv2d with every field written, so that a link never depends on the page's defaults).
/// A layer of the model missing from the list was removed. The form is canonical (one list, one
/// string), so editing back to the original removes `edits` from the URL.
pub fn encode(base: &Model, entries: &[Entry]) -> Option<String> {
    let own = base_entries(base);
    if entries == own.as_slice() {
        return None;
    }
    let mut tokens: Vec<String> = Vec::new();
    let mut run: Option<(usize, usize)> = None;
    let flush = |run: &mut Option<(usize, usize)>, tokens: &mut Vec<String>| {
        if let Some((a, b)) = run.take() {
            tokens.push(if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            });
        }
    };
    for e in entries {
        match e.base {
            Some(i) if own[i].layer == e.layer => {
                run = match run {
                    Some((a, b)) if b + 1 == i => Some((a, i)),
                    _ => {
                        flush(&mut run, &mut tokens);
                        Some((i, i))
                    }
                };
            }
            Some(i) => {
                flush(&mut run, &mut tokens);
                let mut t = i.to_string();
                for &f in fields(&e.layer) {
                    let v = get(&e.layer, f);
                    if v != get(&own[i].layer, f) {
                        t += &format!("{}{v}", f.code());
                    }
                }
                tokens.push(t);
            }
            None => {
                flush(&mut run, &mut tokens);
                let kind = NewKind::of(&e.layer).map_or('?', NewKind::code);
                let mut t = format!("n{kind}");
                for &f in fields(&e.layer) {
                    t += &format!("{}{}", f.code(), get(&e.layer, f));
                }
                tokens.push(t);
            }
        }
    }
    flush(&mut run, &mut tokens);
    // An empty network (every layer removed) still needs a token.
    Some(if tokens.is_empty() {
        "none".into()
    } else {
        tokens.join("_")
    })
}

/// `(letter, number)` pairs, e.g. `o128k5` → `[('o', 128), ('k', 5)]`.
fn parse_fields(s: &str) -> Result<Vec<(char, usize)>, String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        let v = digits
            .parse()
            .map_err(|_| format!("'{c}' needs a number"))?;
        out.push((c, v));
    }
    Ok(out)
}

fn apply_fields(layer: &mut Layer, pairs: &[(char, usize)]) -> Result<(), String> {
    for &(c, v) in pairs {
        let field = Field::from_code(c)
            .filter(|f| fields(layer).contains(f))
            .ok_or_else(|| format!("{} has no field '{c}'", layer.type_name()))?;
        let (lo, hi) = field.range(layer);
        if !(lo..=hi).contains(&v) {
            return Err(format!("{} must be in {lo}..={hi}", field.label(layer)));
        }
        set(layer, field, v);
    }
    Ok(())
}

/// The list `edits` describes (see [`encode`]), or why it cannot be read.
pub fn decode(base: &Model, text: &str) -> Result<Vec<Entry>, String> {
    let own = base_entries(base);
    if text == "none" {
        return Ok(vec![]);
    }
    let mut entries = Vec::new();
    let mut next = 0; // the model's layers must come in order, each at most once
    for token in text.split('_').filter(|t| !t.is_empty()) {
        if let Some(rest) = token.strip_prefix('n') {
            let mut chars = rest.chars();
            let kind = chars
                .next()
                .and_then(NewKind::from_code)
                .ok_or_else(|| format!("unknown new layer '{token}'"))?;
            let mut layer = kind.make(None);
            apply_fields(&mut layer, &parse_fields(chars.as_str())?)?;
            entries.push(Entry { base: None, layer });
            continue;
        }
        let digits: String = token.chars().take_while(char::is_ascii_digit).collect();
        let first: usize = digits
            .parse()
            .map_err(|_| format!("'{token}' is not a layer"))?;
        let rest = &token[digits.len()..];
        let (last, pairs) = match rest.strip_prefix('-') {
            Some(end) => (
                end.parse::<usize>()
                    .map_err(|_| format!("'{token}' is not a range"))?,
                vec![],
            ),
            None => (first, parse_fields(rest)?),
        };
        if first < next || last < first || last >= own.len() {
            return Err(format!(
                "'{token}': the model's layers must come once each, in order"
            ));
        }
        for e in &own[first..=last] {
            let mut layer = e.layer.clone();
            apply_fields(&mut layer, &pairs)?;
            entries.push(Entry {
                base: e.base,
                layer,
            });
        }
        next = last + 1;
    }
    Ok(entries)
}

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

// ---------------------------------------------------------------------------------------------
// The analysis: what the table, the diagram, the totals and the export show

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

/// Trainable values of a layer, as PyTorch counts them, in 64 bits (a wasm32 `usize` overflows
/// on absurd edits such as a Linear layer on a huge feature map).
pub fn params_of(layer: &Layer) -> u64 {
    layer
        .params()
        .iter()
        .filter(|q| q.trainable)
        .map(|q| q.shape.iter().map(|&d| d as u64).product::<u64>())
        .sum()
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
        let params = (state == RowState::Ok).then(|| params_of(&leaf.layer));
        if state == RowState::Ok {
            let parts = match &leaf.layer {
                Layer::Residual(spec) => spec.sublayers().into_iter().map(|(_, l)| l).collect(),
                layer => vec![layer.clone()],
            };
            for part in parts {
                let k = match part {
                    Layer::Conv2d { .. } => 0,
                    Layer::Linear { .. } => 1,
                    _ => 2,
                };
                split[k] += params_of(&part);
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
    let total = split.iter().sum();
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

/// Shapes in the core's messages (`[256, 2, 2]`) written the PyTorch way (`(256, 2, 2)`).
fn pytorch_shapes(message: &str) -> String {
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

/// Bytes as the page writes memory: `223 KB`, `491.2 MB`.
fn bytes(n: u64) -> String {
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
fn details(layer: &Layer) -> (Option<usize>, String) {
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
            params,
            ..
        } => (
            Some(*in_channels),
            format!(
                "→{out_channels}, {}×{}, s{}, p{}",
                kernel[0],
                kernel[1],
                sq(params.stride),
                sq(params.padding)
            ),
        ),
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

// ---------------------------------------------------------------------------------------------
// The page

/// What a click selected: the input, or a layer row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Selection {
    Input,
    Row(usize),
}

fn parse_input(text: Option<String>, default: [usize; 3]) -> [usize; 3] {
    let Some(text) = text else { return default };
    let dims: Vec<usize> = text
        .split(',')
        .filter_map(|d| d.trim().parse().ok())
        .collect();
    match dims[..] {
        [c, h, w] if (1..=16).contains(&c) && (1..=512).contains(&h) && (1..=512).contains(&w) => {
            [c, h, w]
        }
        _ => default,
    }
}

/// Copies `text` to the clipboard; the promise's outcome is reported through `done`.
fn copy_to_clipboard(text: String, done: impl FnOnce(bool) + 'static) {
    let navigator = window().navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok();
    let write = clipboard.as_ref().and_then(|c| {
        js_sys::Reflect::get(c, &"writeText".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    let promise = match (clipboard, write) {
        (Some(c), Some(f)) => f
            .call1(&c, &text.into())
            .ok()
            .and_then(|p| p.dyn_into::<js_sys::Promise>().ok()),
        _ => None,
    };
    match promise {
        Some(p) => leptos::task::spawn_local(async move {
            done(wasm_bindgen_futures::JsFuture::from(p).await.is_ok());
        }),
        None => done(false),
    }
}

/// Offers `text` as a file to save (no request leaves the page: a blob URL).
fn download(text: &str, file_name: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let Ok(blob) = web_sys::Blob::new_with_str_sequence(&parts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document().create_element("a") {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", file_name);
        if let Ok(click) = js_sys::Reflect::get(&a, &"click".into()) {
            if let Ok(click) = click.dyn_into::<js_sys::Function>() {
                let _ = click.call0(&a);
            }
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[component]
pub fn ArchitecturesPage() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();
    let t = move |en: &'static str| i18n.t(en);

    let name = Memo::new(move |_| {
        query
            .get("model")
            .filter(|m| arch::NAMES.contains(&m.as_str()))
            .unwrap_or_else(|| "lenet".into())
    });
    let base = Memo::new(move |_| arch::by_name(&name.get()).expect("a name of arch::NAMES"));
    let input = Memo::new(move |_| parse_input(query.get("input"), base.with(|b| b.input_shape)));
    let wire = Memo::new(move |_| query.get("wire").as_deref() != Some("0"));
    // The edited list, or the model's own with the reason a link's edits could not be read.
    let edits = Memo::new(move |_| {
        base.with(|b| match query.get("edits") {
            None => (base_entries(b), None),
            Some(text) => match decode(b, &text) {
                Ok(entries) => (entries, None),
                Err(e) => (base_entries(b), Some(e)),
            },
        })
    });
    let entries = Memo::new(move |_| edits.with(|(e, _)| e.clone()));
    let result =
        Memo::new(move |_| base.with(|b| entries.with(|e| analyse(b, e, input.get(), wire.get()))));
    let analysis = Memo::new(move |_| result.with(|(_, a)| a.clone()));
    let is_edited = Memo::new(move |_| query.get("edits").is_some());
    let selection = Memo::new(move |_| {
        let n = entries.with(Vec::len);
        match query.get("sel").as_deref() {
            Some("in") => Some(Selection::Input),
            Some(s) => s.parse().ok().filter(|&i| i < n).map(Selection::Row),
            None => None,
        }
    });
    let hovered = RwSignal::new(None::<Vec<usize>>);

    // ---- Actions (each one writes the URL; everything else follows from it)
    let commit = move |list: Vec<Entry>, sel: Option<Selection>, history: History| {
        let text = base.with_untracked(|b| encode(b, &list));
        let sel = sel.map(|s| match s {
            Selection::Input => "in".to_string(),
            Selection::Row(i) => i.to_string(),
        });
        query.set_all(&[("edits", text), ("sel", sel)], history);
    };
    let select = move |s: Option<Selection>| {
        let v = s.map(|s| match s {
            Selection::Input => "in".to_string(),
            Selection::Row(i) => i.to_string(),
        });
        query.set_all(&[("sel", v)], History::Replace);
    };
    let set_field = move |row: usize, field: Field, v: usize| {
        let mut list = entries.get_untracked();
        let Some(e) = list.get_mut(row) else { return };
        let (lo, hi) = field.range(&e.layer);
        set(&mut e.layer, field, v.clamp(lo, hi));
        commit(list, Some(Selection::Row(row)), History::Replace);
    };
    let insert = move |after: Option<usize>, kind: NewKind| {
        let mut list = entries.get_untracked();
        let shape = match after {
            None => Some(input.get_untracked().to_vec()),
            Some(i) => analysis.with_untracked(|a| a.rows.get(i).and_then(|r| r.shape.clone())),
        };
        let at = after.map_or(0, |i| i + 1);
        list.insert(
            at,
            Entry {
                base: None,
                layer: kind.make(shape.as_deref()),
            },
        );
        commit(list, Some(Selection::Row(at)), History::Push);
    };
    let remove = move |row: usize| {
        let mut list = entries.get_untracked();
        if row >= list.len() {
            return;
        }
        list.remove(row);
        let sel = if list.is_empty() {
            None
        } else {
            Some(Selection::Row(row.min(list.len() - 1)))
        };
        commit(list, sel, History::Push);
    };
    let set_input = move |dims: [usize; 3]| {
        let text = (dims != base.with_untracked(|b| b.input_shape))
            .then(|| format!("{},{},{}", dims[0], dims[1], dims[2]));
        query.set_all(&[("input", text)], History::Replace);
    };
    let choose_model = move |n: &'static str| {
        query.set_all(
            &[
                ("model", Some(n.to_string())),
                ("edits", None),
                ("input", None),
                ("sel", None),
                ("wire", None),
            ],
            History::Push,
        );
    };
    let reset = move || {
        query.set_all(
            &[
                ("edits", None),
                ("input", None),
                ("sel", None),
                ("wire", None),
            ],
            History::Push,
        );
    };

    // ---- Model picker and input
    let picker = move || {
        let button = move |(n, label): (&'static str, &'static str)| {
            view! {
                <button
                    class="model"
                    data-testid=format!("model-{n}")
                    aria-pressed=move || (name.get() == n).to_string()
                    on:click=move |_| choose_model(n)
                >
                    {move || t(label)}
                </button>
            }
        };
        view! {
            <div class="arch-models" role="group" aria-label=move || t("Models")>
                <span class="group-label">{move || t("Classics")}</span>
                {MODELS[..6].iter().copied().map(button).collect_view()}
                <span class="group-label">{move || t("The notes")}</span>
                {MODELS[6..].iter().copied().map(button).collect_view()}
            </div>
        }
    };

    let dim_field = move |label: &'static str, axis: usize, max: usize| {
        let testid = ["input-c", "input-h", "input-w"][axis];
        view! {
            <label class="param">
                <span>{move || t(label)}</span>
                <input
                    type="number"
                    inputmode="numeric"
                    min="1"
                    max=max.to_string()
                    data-testid=testid
                    prop:value=move || input.get()[axis].to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).trim().parse::<usize>() {
                            let mut dims = input.get_untracked();
                            dims[axis] = v.clamp(1, max);
                            set_input(dims);
                        }
                    }
                />
            </label>
        }
    };
    let presets: [(&str, [usize; 3]); 5] = [
        ("1×28×28", [1, 28, 28]),
        ("3×32×32", [3, 32, 32]),
        ("1×96×96", [1, 96, 96]),
        ("1×224×224", [1, 224, 224]),
        ("3×224×224", [3, 224, 224]),
    ];
    let controls = move || {
        view! {
            <div class="controls arch-controls">
                <fieldset class="input-shape">
                    <legend>{move || t("Input (C, H, W)")}</legend>
                    {dim_field("Channels", 0, 16)}
                    {dim_field("Height", 1, 512)}
                    {dim_field("Width", 2, 512)}
                    <div class="presets">
                        {presets
                            .into_iter()
                            .map(|(label, dims)| {
                                view! {
                                    <button
                                        class="preset"
                                        aria-pressed=move || (input.get() == dims).to_string()
                                        on:click=move |_| set_input(dims)
                                    >
                                        {label}
                                    </button>
                                }
                            })
                            .collect_view()}
                    </div>
                </fieldset>
                {move || {
                    (!base.with(|b| b.lazy))
                        .then(|| {
                            view! {
                                <label class="wire check">
                                    <input
                                        type="checkbox"
                                        data-testid="wire"
                                        prop:checked=move || wire.get()
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            query
                                                .set_all(
                                                    &[("wire", (!on).then(|| "0".to_string()))],
                                                    History::Replace,
                                                );
                                        }
                                    />
                                    <span>{move || t("in_channels / in_features follow the input")}</span>
                                </label>
                            }
                        })
                }}
                {move || {
                    (is_edited.get() || input.get() != base.with(|b| b.input_shape) || !wire.get())
                        .then(|| {
                            view! {
                                <button class="reset" data-testid="reset" on:click=move |_| reset()>
                                    {move || t("Back to the original")}
                                </button>
                            }
                        })
                }}
            </div>
        }
    };

    // ---- Totals
    let totals = move || {
        let a = analysis.get();
        let n = name.get();
        let pristine = !is_edited.get() && input.get() == base.with(|b| b.input_shape);
        let golden = PYTORCH_TOTALS
            .iter()
            .find(|(m, _)| *m == n)
            .map(|(_, v)| *v);
        let reference = match (pristine, golden, a.error.is_some()) {
            (_, _, true) => None,
            (true, Some(g), _) => Some(view! {
                <p class="golden" data-testid="golden-params" class:same=g == a.total>
                    {t("PyTorch counts")} " " <strong>{thousands(g)}</strong> " "
                    {if g == a.total { t("(architectures.json): the same.") } else { t("(architectures.json): different!") }}
                </p>
            }.into_any()),
            (true, None, _) => Some(view! {
                <p class="golden" data-testid="golden-params">{t("Not in architectures.json: counted by the core from the layers.")}</p>
            }.into_any()),
            (false, _, _) => Some(view! {
                <p class="golden" data-testid="golden-params">{t("Edited: counted by the core from the layers as they are now.")}</p>
            }.into_any()),
        };
        let output = a
            .rows
            .last()
            .and_then(|r| r.shape.clone())
            .filter(|_| a.error.is_none());
        let share = |v: u64| {
            if a.total == 0 {
                0.0
            } else {
                v as f64 / a.total as f64 * 100.0
            }
        };
        let [conv, linear, other] = a.split;
        let percent = |v: u64| {
            let p = share(v);
            if v > 0 && p < 0.1 {
                "<0.1%".to_string()
            } else if v < a.total && p > 99.9 {
                ">99.9%".to_string()
            } else {
                format!("{p:.1}%")
            }
        };
        view! {
            <div class="arch-totals">
                <div class="total">
                    <span class="label">{t("Parameters")}</span>
                    <output data-testid="total-params" class:unknown=a.error.is_some()>
                        {if a.error.is_some() { "—".to_string() } else { thousands(a.total) }}
                    </output>
                    <span class="sub">
                        {if a.error.is_some() {
                            t("unknown: the network breaks").to_string()
                        } else {
                            t("{} of weights (float32)").replace("{}", &bytes(a.total * 4))
                        }}
                    </span>
                </div>
                <div class="split" data-testid="params-split" class:hidden=a.error.is_some()>
                    <div class="bar" aria-hidden="true">
                        <span class="conv" style=format!("width: {:.2}%", share(conv))></span>
                        <span class="linear" style=format!("width: {:.2}%", share(linear))></span>
                        <span class="other" style=format!("width: {:.2}%", share(other))></span>
                    </div>
                    <p>
                        <span class="key conv"></span>
                        {format!("{} {} ({})", t("convolutions"), thousands(conv), percent(conv))}
                        " · "
                        <span class="key linear"></span>
                        {format!("{} {} ({})", t("Linear"), thousands(linear), percent(linear))}
                        {(other > 0).then(|| view! {
                            " · " <span class="key other"></span>
                            {format!("{} {} ({})", t("batch norm"), thousands(other), percent(other))}
                        })}
                    </p>
                </div>
                <div class="out">
                    <span class="label">{t("Output")}</span>
                    <code data-testid="output-shape">
                        {output.map_or("—".to_string(), |s| format!("(N, {})", s.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")))}
                    </code>
                </div>
                {reference}
            </div>
        }
    };

    // ---- The layer table
    let table = move || {
        let a = analysis.get();
        let lazy_model = base.with(|b| b.lazy);
        let followed = wire.get() && !lazy_model;
        let max_params = a
            .rows
            .iter()
            .filter_map(|r| r.params)
            .max()
            .unwrap_or(0)
            .max(1);
        let in_dims = input.get();
        let input_row = view! {
            <tr
                class="input-row"
                class:selected=move || selection.get() == Some(Selection::Input)
                aria-selected=move || (selection.get() == Some(Selection::Input)).to_string()
            >
                <td>
                    <button class="row-select" on:click=move |_| select(Some(Selection::Input))>
                        {t("input")}
                    </button>
                </td>
                <td></td>
                <td class="details"></td>
                <td class="shape">{export::shape_text(&in_dims)}</td>
                <td class="num"></td>
            </tr>
        };
        let rows = a
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let selected = move || selection.get() == Some(Selection::Row(i));
                let (in_value, mut rest) = details(&row.layer);
                if matches!(row.layer, Layer::Residual(r) if r.use_1x1conv) {
                    rest = format!("{rest}, {}", t("1×1 shortcut"));
                }
                let written_in = details(&row.written).0;
                let wired = followed && row.state == RowState::Ok && in_value != written_in;
                let in_view = in_value.map(|v| {
                    if wired {
                        let title = format!(
                            "{} {}",
                            t("written as"),
                            written_in.unwrap_or_default()
                        );
                        view! { <mark class="wired" title=title>{v.to_string()}</mark> }.into_any()
                    } else {
                        view! { <span>{v.to_string()}</span> }.into_any()
                    }
                });
                let shape = match (&row.shape, row.state) {
                    (Some(s), _) => export::shape_text(s),
                    (None, RowState::Broken) => format!("✕ {}", t("breaks here")),
                    _ => "—".into(),
                };
                let params = row.params.map_or("—".to_string(), thousands);
                let share = row.params.map_or(0.0, |p| p as f64 / max_params as f64 * 100.0);
                let type_name = row.layer.type_name();
                let tag = match (row.base, row.edited) {
                    (None, _) => Some(("new", t("new"))),
                    (Some(_), true) => Some(("edited", t("edited"))),
                    _ => None,
                };
                view! {
                    <tr
                        data-testid="layer-row"
                        class:selected=selected
                        class:broken=row.state == RowState::Broken
                        class:after=row.state == RowState::After
                        class:lit=move || hovered.get().is_some_and(|l| l.contains(&i))
                        aria-selected=move || selected().to_string()
                        on:mouseenter=move |_| hovered.set(Some(vec![i]))
                        on:mouseleave=move |_| hovered.set(None)
                    >
                        <td class="pos">
                            <button
                                class="row-select"
                                data-testid="layer-name"
                                on:click=move |_| {
                                    let now = selection.get_untracked() == Some(Selection::Row(i));
                                    select((!now).then_some(Selection::Row(i)));
                                }
                            >
                                {row.position.clone()}
                            </button>
                            {tag.map(|(class, text)| view! { <span class=format!("tag {class}")>{text}</span> })}
                        </td>
                        <td class="type" data-testid="layer-type">{type_name}</td>
                        <td class="details">{in_view}{rest}</td>
                        <td class="shape" data-testid="layer-shape">{shape}</td>
                        <td class="num" data-testid="layer-params" style=format!("--share: {share:.2}%")>{params}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="layer-table" data-testid="layer-table">
                <thead>
                    <tr>
                        <th scope="col">{t("Layer")}</th>
                        <th scope="col">{t("Type")}</th>
                        <th scope="col" class="details">{t("Configuration")}</th>
                        <th scope="col">{t("Output shape")}</th>
                        <th scope="col" class="num">{t("Parameters")}</th>
                    </tr>
                </thead>
                <tbody>{input_row}{rows}</tbody>
                <tfoot>
                    <tr>
                        <td>{t("Total")}</td>
                        <td></td>
                        <td class="details"></td>
                        <td></td>
                        <td class="num">{if a.error.is_some() { "—".into() } else { thousands(a.total) }}</td>
                    </tr>
                </tfoot>
            </table>
        }
    };

    // ---- The editor of the selected row. Its fields are rebuilt only when the selection or the
    // kind of layer changes (not on every value), so typing in them keeps the focus.
    let editor_key = Memo::new(move |_| {
        let sel = selection.get();
        let show_in = !wire.get() && !base.with(|b| b.lazy);
        let layer_fields: Vec<(Field, &'static str, (usize, usize))> = match sel {
            Some(Selection::Row(i)) => entries.with(|e| {
                e.get(i).map_or(vec![], |e| {
                    fields(&e.layer)
                        .iter()
                        .copied()
                        .filter(|f| show_in || *f != Field::In)
                        .map(|f| (f, f.label(&e.layer), f.range(&e.layer)))
                        .collect()
                })
            }),
            _ => vec![],
        };
        (sel, layer_fields)
    });
    let editor = move || {
        let (sel, layer_fields) = editor_key.get();
        let insert_buttons = move |after: Option<usize>| {
            view! {
                <div class="insert">
                    <span class="label">{move || t("Insert after it:")}</span>
                    {NEW_KINDS
                        .into_iter()
                        .map(|k| {
                            view! {
                                <button data-testid=k.testid() on:click=move |_| insert(after, k)>
                                    {"+ "}{k.label()}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            }
        };
        match sel {
            None => view! {
                <div class="editor empty" data-testid="editor">
                    <p>{move || t("Select a layer (click its name) to change it, remove it or insert a layer after it. Select the input to insert a layer first.")}</p>
                </div>
            }
            .into_any(),
            Some(Selection::Input) => view! {
                <div class="editor" data-testid="editor">
                    <h2>{move || t("The input")}</h2>
                    <p class="note">{move || t("One image: channels, height, width. The batch dimension N is left out.")}</p>
                    {insert_buttons(None)}
                </div>
            }
            .into_any(),
            Some(Selection::Row(i)) => {
                let row = move || analysis.with(|a| a.rows.get(i).cloned());
                let value = move |f: Field| entries.with(|e| e.get(i).map_or(0, |e| get(&e.layer, f)));
                let no_fields = layer_fields.is_empty();
                let inputs = layer_fields
                    .into_iter()
                    .map(|(f, label, (lo, hi))| {
                        if f == Field::Shortcut {
                            view! {
                                <label class="param check">
                                    <input
                                        type="checkbox"
                                        data-testid="edit-u"
                                        prop:checked=move || value(f) != 0
                                        on:change=move |ev| set_field(i, f, event_target_checked(&ev) as usize)
                                    />
                                    <code>{label}</code>
                                </label>
                            }
                            .into_any()
                        } else {
                            view! {
                                <label class="param">
                                    <code>{label}</code>
                                    <input
                                        type="number"
                                        inputmode="numeric"
                                        min=lo.to_string()
                                        max=hi.to_string()
                                        data-testid=format!("edit-{}", f.code())
                                        prop:value=move || value(f).to_string()
                                        on:input=move |ev| {
                                            if let Ok(v) = event_target_value(&ev).trim().parse::<usize>() {
                                                set_field(i, f, v);
                                            }
                                        }
                                    />
                                </label>
                            }
                            .into_any()
                        }
                    })
                    .collect_view();
                view! {
                    <div class="editor" data-testid="editor">
                        <h2>
                            {move || row().map(|r| format!("{} {} · {}", t("Layer"), r.position, r.layer.type_name()))}
                        </h2>
                        <p class="line">
                            <code data-testid="layer-pytorch">{move || row().map(|r| export::constructor(&r.layer))}</code>
                        </p>
                        <p class="note">
                            {move || t("Output")} " "
                            <code data-testid="layer-output">
                                {move || row().and_then(|r| r.shape).map_or("—".to_string(), |s| {
                                    let dims: Vec<String> = s.iter().map(|d| d.to_string()).collect();
                                    format!("(N, {})", dims.join(", "))
                                })}
                            </code>
                        </p>
                        <div class="fields">{inputs}</div>
                        {no_fields.then(|| view! { <p class="note">{move || t("Nothing to set here: its sizes come from its input.")}</p> })}
                        <button class="remove" data-testid="remove-layer" on:click=move |_| remove(i)>
                            {move || t("Remove this layer")}
                        </button>
                        {insert_buttons(Some(i))}
                    </div>
                }
                .into_any()
            }
        }
    };

    // ---- The diagram
    let diagram = move || {
        let a = analysis.get();
        let bs = blocks(input.get(), &a.rows);
        const MAX_H: f64 = 150.0;
        const MAX_W: f64 = 96.0;
        const GAP: f64 = 14.0;
        let maps: Vec<&Block> = bs.iter().filter(|b| b.shape.len() == 3).collect();
        let max_hw = maps.iter().map(|b| b.shape[1]).max().unwrap_or(1).max(1) as f64;
        let max_c = maps.iter().map(|b| b.shape[0]).max().unwrap_or(1).max(1) as f64;
        let max_f = bs
            .iter()
            .filter(|b| b.shape.len() == 1)
            .map(|b| b.shape[0])
            .max()
            .unwrap_or(1)
            .max(2) as f64;
        let char_w = 6.6;
        let top = 18.0;
        let mut x = 8.0;
        let mut parts = Vec::new();
        for (k, b) in bs.iter().enumerate() {
            let (w, h, is_vector) = match b.shape[..] {
                [c, hh, _] => (
                    (c as f64 / max_c * MAX_W).max(2.0),
                    (hh as f64 / max_hw * MAX_H).max(1.5),
                    false,
                ),
                [f] => (
                    8.0,
                    ((f as f64 + 1.0).log10() / (max_f + 1.0).log10() * MAX_H).max(3.0),
                    true,
                ),
                _ => (4.0, 4.0, false),
            };
            let shape = export::shape_text(&b.shape);
            let label_w = shape.len().max(b.label.chars().count()) as f64 * char_w;
            let slot = w.max(label_w);
            let bx = x + (slot - w) / 2.0;
            let by = top + (MAX_H - h) / 2.0;
            let cx = x + slot / 2.0;
            let rows = b.rows.clone();
            let lit_rows = b.rows.clone();
            let on = move || {
                let lit = hovered.get().unwrap_or_default();
                let sel = selection.get();
                lit_rows
                    .iter()
                    .any(|r| lit.contains(r) || sel == Some(Selection::Row(*r)))
            };
            let first = b.rows.first().copied();
            parts.push(view! {
                <g
                    class="block"
                    class:vector=is_vector
                    class:input=b.rows.is_empty()
                    class:lit=on
                    data-testid="diagram-block"
                    on:mouseenter=move |_| hovered.set(Some(rows.clone()))
                    on:mouseleave=move |_| hovered.set(None)
                    on:click=move |_| select(Some(first.map_or(Selection::Input, Selection::Row)))
                >
                    <rect x=format!("{bx:.1}") y=format!("{by:.1}") width=format!("{w:.1}") height=format!("{h:.1}") rx="1.5"></rect>
                    <text class="op" x=format!("{cx:.1}") y="12" text-anchor="middle">{if b.rows.is_empty() { t("input").to_string() } else { b.label.clone() }}</text>
                    <text class="dims" x=format!("{cx:.1}") y=format!("{:.1}", top + MAX_H + 16.0) text-anchor="middle">{shape}</text>
                </g>
            }.into_any());
            x += slot + GAP;
            // An arrow to the next block.
            if k + 1 < bs.len() || a.error.is_some() {
                let y = top + MAX_H / 2.0;
                parts.push(view! {
                    <path class="link" d=format!("M{:.1} {y:.1} h{:.1}", x - GAP + 2.0, GAP - 4.0)></path>
                }.into_any());
            }
        }
        if a.error.is_some() {
            let y = top + MAX_H / 2.0;
            parts.push(view! {
                <g class="break" data-testid="diagram-break">
                    <text x=format!("{:.1}", x + 6.0) y=format!("{:.1}", y + 6.0) text-anchor="middle">"✕"</text>
                </g>
            }.into_any());
            x += 24.0;
        }
        let width = x + 8.0;
        let height = top + MAX_H + 26.0;
        // rem, so presentation mode scales the drawing with the page.
        let style = format!("width: {:.3}rem", width / 16.0);
        let scale = format!(
            "{} H ({} px = {}) · {} C ({} px = {} {})",
            t("Drawn to scale: height ∝"),
            MAX_H as usize,
            max_hw as usize,
            t("width ∝"),
            MAX_W as usize,
            max_c as usize,
            t("channels")
        );
        view! {
            <figure class="arch-diagram">
                <div class="scroll">
                    <svg
                        data-testid="diagram"
                        role="img"
                        aria-label=move || t("Block diagram of the feature maps")
                        viewBox=format!("0 0 {width:.1} {height:.1}")
                        style=style
                    >
                        {parts}
                    </svg>
                </div>
                <figcaption>
                    <span data-testid="diagram-scale">{scale}</span>
                    " · "
                    {t("vectors (after Flatten): height on a log scale")}
                </figcaption>
            </figure>
        }
    };

    // ---- The export
    let copied = RwSignal::new(None::<bool>);
    let code = Memo::new(move |_| {
        let (mut model, _) = result.get();
        // The sizes are resolved already; the note about lazy layers is about d2l's models.
        model.lazy = base.with(|b| b.lazy);
        if is_edited.get() {
            model.name = format!("{} (edited)", model.name);
        }
        export::pytorch(&model, input.get())
    });
    let export_view = move || {
        view! {
            <section class="arch-export">
                <div class="export-head">
                    <h2>{move || t("PyTorch")}</h2>
                    <button
                        data-testid="copy-export"
                        on:click=move |_| {
                            copied.set(None);
                            copy_to_clipboard(code.get_untracked(), move |ok| copied.set(Some(ok)));
                        }
                    >
                        {move || t("Copy")}
                    </button>
                    <button
                        data-testid="download-export"
                        on:click=move |_| download(&code.get_untracked(), &format!("{}.py", name.get_untracked()))
                    >
                        {move || t("Download .py")}
                    </button>
                    <span class="copied" role="status">
                        {move || match copied.get() {
                            Some(true) => t("Copied."),
                            Some(false) => t("The browser refused: select the code and copy it."),
                            None => "",
                        }}
                    </span>
                </div>
                <p class="note">{move || t("An nn.Module you can paste into a file and run: it builds the network, passes one random image through it and prints the output shape and the number of parameters.")}</p>
                <pre data-testid="pytorch-export"><code>{move || code.get()}</code></pre>
            </section>
        }
    };

    view! {
        <section class="lesson" data-page="architectures">
            <h1>{move || t("Architectures")}</h1>
            {picker}
            <p class="story" data-testid="story">
                <strong>{move || t(display_name(&name.get()))}</strong>
                " · "
                {move || t(story(&name.get()))}
            </p>
            {controls}
            {move || edits.with(|(_, e)| e.clone()).map(|e| view! {
                <p class="note bad-link" role="status">{t("This link's edits could not be read, so the original network is shown:")} " " {e}</p>
            })}
            {totals}
            {move || analysis.with(|a| a.error.clone()).map(|e| view! {
                <p class="error arch-error" role="alert" data-testid="arch-error">{i18n.message(&pytorch_shapes(&e))}</p>
            })}
            {diagram}
            <div class="arch-layout">
                <div class="table-wrap">{table}</div>
                <aside class="arch-side">
                    {editor}
                    {move || (!base.with(|b| b.lazy)).then(|| view! {
                        <details class="why">
                            <summary>{move || t("Why do the sizes follow?")}</summary>
                            <p>{move || t("This model is written with explicit sizes, nn.Conv2d(32, 64, 3): in PyTorch, when you change a layer's out_channels you must also change the next layer's in_channels yourself. The page does it for you (a marked number followed its input), like d2l's LazyConv2d, so you can explore; the export writes the numbers it found. Untick the box to keep the numbers as written and see the error PyTorch would raise.")}</p>
                        </details>
                    })}
                    <details class="why">
                        <summary>{move || t("How is it drawn?")}</summary>
                        <p>{move || t("Each block is a feature map: its height is proportional to H, its width to the channels C, on linear scales so that halving the size looks like halving it (a 1×1 map after global pooling is a thin line, which is the truth). Layers that keep the shape (ReLU, batch norm) share their input's block. Vectors after Flatten are thin bars on a log scale, since they range from 10 to tens of thousands.")}</p>
                    </details>
                </aside>
            </div>
            {export_view}
        </section>
    }
}

/// The Korean of this page's texts (see `i18n`).
pub const KO: &[(&str, &str)] = &[
    ("Models", "모델"),
    ("Classics", "고전 모델"),
    ("The notes", "강의 노트"),
    ("LeNet", "LeNet"),
    ("AlexNet", "AlexNet"),
    ("VGG-11", "VGG-11"),
    ("VGG-16", "VGG-16"),
    ("ResNet-18", "ResNet-18"),
    ("Small ResNet", "작은 ResNet"),
    ("MNIST ConvNet", "MNIST ConvNet"),
    ("Three-layer CNN", "3층 CNN"),
    ("Keras CNN", "Keras CNN"),
    ("Input (C, H, W)", "입력 (C, H, W)"),
    ("in_channels / in_features follow the input", "in_channels / in_features를 입력에 맞춤"),
    ("Back to the original", "원래대로"),
    ("PyTorch counts", "PyTorch 집계"),
    ("(architectures.json): the same.", "(architectures.json): 같습니다."),
    ("(architectures.json): different!", "(architectures.json): 다릅니다!"),
    ("Not in architectures.json: counted by the core from the layers.", "architectures.json에는 없습니다: 코어가 층들로부터 센 값입니다."),
    ("Edited: counted by the core from the layers as they are now.", "편집됨: 코어가 현재의 층들로부터 센 값입니다."),
    ("Parameters", "파라미터"),
    ("unknown: the network breaks", "알 수 없음: 네트워크가 중간에 막힙니다"),
    ("{} of weights (float32)", "가중치 {} (float32)"),
    ("convolutions", "합성곱"),
    ("Linear", "Linear"),
    ("batch norm", "배치 정규화"),
    // "input" (입력) is in the convolution lesson's table, "Channels" (채널) in the shell's.
    ("written as", "코드에 적힌 값:"),
    ("breaks here", "여기서 막힘"),
    ("1×1 shortcut", "1×1 지름길"),
    ("new", "새 층"),
    ("edited", "편집됨"),
    ("Layer", "층"),
    ("Type", "종류"),
    ("Configuration", "설정"),
    ("Output shape", "출력 모양"),
    ("Total", "합계"),
    ("Insert after it:", "뒤에 추가:"),
    ("Select a layer (click its name) to change it, remove it or insert a layer after it. Select the input to insert a layer first.", "층의 이름을 눌러 선택하면 값을 바꾸거나, 지우거나, 그 뒤에 새 층을 넣을 수 있습니다. 맨 앞에 넣으려면 입력을 선택하세요."),
    ("The input", "입력"),
    ("One image: channels, height, width. The batch dimension N is left out.", "이미지 한 장: 채널, 높이, 너비. 배치 차원 N은 생략합니다."),
    ("Nothing to set here: its sizes come from its input.", "설정할 값이 없습니다: 크기는 입력에서 정해집니다."),
    ("Remove this layer", "이 층 지우기"),
    ("Drawn to scale: height ∝", "실제 비율: 높이 ∝"),
    ("width ∝", "너비 ∝"),
    ("channels", "채널"),
    ("Block diagram of the feature maps", "특성 맵의 블록 다이어그램"),
    ("vectors (after Flatten): height on a log scale", "벡터(Flatten 이후): 높이는 로그 척도"),
    ("PyTorch", "PyTorch"),
    ("Copy", "복사"),
    ("Download .py", ".py 내려받기"),
    ("Copied.", "복사했습니다."),
    ("The browser refused: select the code and copy it.", "브라우저가 거부했습니다: 코드를 선택해서 복사하세요."),
    ("An nn.Module you can paste into a file and run: it builds the network, passes one random image through it and prints the output shape and the number of parameters.", "파일에 붙여 넣고 바로 실행할 수 있는 nn.Module입니다: 네트워크를 만들고, 무작위 이미지 한 장을 통과시킨 뒤 출력 모양과 파라미터 수를 출력합니다."),
    ("This link's edits could not be read, so the original network is shown:", "이 링크의 편집 내용을 읽을 수 없어 원래 네트워크를 보여 줍니다:"),
    ("Why do the sizes follow?", "왜 크기가 저절로 맞춰지나요?"),
    ("This model is written with explicit sizes, nn.Conv2d(32, 64, 3): in PyTorch, when you change a layer's out_channels you must also change the next layer's in_channels yourself. The page does it for you (a marked number followed its input), like d2l's LazyConv2d, so you can explore; the export writes the numbers it found. Untick the box to keep the numbers as written and see the error PyTorch would raise.", "이 모델은 nn.Conv2d(32, 64, 3)처럼 크기를 직접 적어 만듭니다: PyTorch에서는 한 층의 out_channels를 바꾸면 다음 층의 in_channels도 직접 고쳐야 합니다. 이 페이지는 d2l의 LazyConv2d처럼 그것을 대신 해 주므로(표시된 숫자가 입력에 맞춰진 값) 마음껏 바꿔 볼 수 있고, 내보낸 코드에는 찾은 숫자가 적힙니다. 상자를 해제하면 적힌 숫자를 그대로 두고 PyTorch가 낼 오류를 볼 수 있습니다."),
    ("How is it drawn?", "어떻게 그렸나요?"),
    ("Each block is a feature map: its height is proportional to H, its width to the channels C, on linear scales so that halving the size looks like halving it (a 1×1 map after global pooling is a thin line, which is the truth). Layers that keep the shape (ReLU, batch norm) share their input's block. Vectors after Flatten are thin bars on a log scale, since they range from 10 to tens of thousands.", "각 블록은 특성 맵입니다: 높이는 H에, 너비는 채널 수 C에 비례하며, 크기가 절반이 되면 그림도 절반이 되도록 선형 척도를 씁니다(전역 풀링 뒤의 1×1 맵은 가는 선인데, 그것이 사실입니다). 모양을 바꾸지 않는 층(ReLU, 배치 정규화)은 입력의 블록을 함께 씁니다. Flatten 이후의 벡터는 길이가 10에서 수만까지이므로 로그 척도의 가는 막대로 그립니다."),
    (
        "LeNet-5 (LeCun et al., 1998) read handwritten digits on bank cheques: two 5×5 convolutions, each followed by a sigmoid and 2×2 average pooling, then three fully connected layers. Every later network keeps its pattern: convolutions that shrink the picture and add channels, then a classifier.",
        "LeNet-5(LeCun 외, 1998)는 은행 수표의 손글씨 숫자를 읽었습니다: 5×5 합성곱 두 개 뒤에 각각 시그모이드와 2×2 평균 풀링, 그다음 완전 연결층 세 개. 이후의 모든 네트워크가 이 틀을 따릅니다: 그림을 줄이고 채널을 늘리는 합성곱, 그다음 분류기.",
    ),
    (
        "AlexNet (Krizhevsky, Sutskever and Hinton, 2012) won ImageNet by a wide margin and started deep learning's boom: LeNet's pattern made much deeper and wider and trained on GPUs, with ReLU instead of the sigmoid (it trains much faster), overlapping max pooling, and dropout against overfitting in its huge fully connected layers. Here, as in d2l, for one-channel 224×224 images and 10 classes.",
        "AlexNet(Krizhevsky, Sutskever, Hinton, 2012)은 ImageNet에서 큰 차이로 우승하며 딥러닝 붐을 열었습니다: LeNet의 틀을 훨씬 깊고 넓게 만들어 GPU로 학습했고, 시그모이드 대신 ReLU(학습이 훨씬 빠름), 겹치는 최대 풀링, 거대한 완전 연결층의 과적합을 막는 드롭아웃을 썼습니다. 여기서는 d2l처럼 1채널 224×224 이미지와 10개 클래스용입니다.",
    ),
    (
        "VGG (Simonyan and Zisserman, 2014) replaced hand-picked kernel sizes by a rule: blocks of 3×3 convolutions with padding 1 (the size is kept), each block ending in a 2×2 max pool that halves it, while the channels double from 64 to 512. Two stacked 3×3 layers see as far as one 5×5 with fewer weights. VGG-11 has 8 convolutions; look where its parameters are: the first Linear layer alone holds 103 million.",
        "VGG(Simonyan, Zisserman, 2014)는 손으로 고른 커널 크기 대신 규칙을 썼습니다: 패딩 1의 3×3 합성곱(크기 유지)으로 된 블록, 블록 끝마다 크기를 절반으로 줄이는 2×2 최대 풀링, 채널은 64에서 512까지 두 배씩. 3×3 층 두 개는 5×5 하나만큼 넓게 보면서 가중치는 더 적습니다. VGG-11에는 합성곱이 8개 있습니다. 파라미터가 어디 있는지 보세요: 첫 Linear 층 하나에 1억 300만 개가 있습니다.",
    ),
    (
        "VGG-16: the same VGG blocks with 13 convolutions (2, 2, 3, 3, 3 per block). Going deeper costs few parameters, since 3×3 convolutions are small, but much computation. It is not in the golden file; the core builds it with the same code as VGG-11.",
        "VGG-16: 같은 VGG 블록에 합성곱 13개(블록마다 2, 2, 3, 3, 3). 3×3 합성곱은 작아서 깊어져도 파라미터는 조금 늘지만 계산량은 크게 늘어납니다. golden 파일에는 없고, 코어가 VGG-11과 같은 코드로 만듭니다.",
    ),
    (
        "ResNet (He et al., 2015) made very deep networks trainable: each residual block adds its input to its output, y = F(x) + x, so a block only learns a correction and the gradient flows straight through the sum. When the channels double and the size halves, a strided 1×1 convolution on the shortcut matches them. Global average pooling replaces the huge fully connected layers: 18 layers, 11 million parameters.",
        "ResNet(He 외, 2015)은 아주 깊은 네트워크를 학습할 수 있게 했습니다: 잔차 블록은 입력을 출력에 더하므로(y = F(x) + x) 블록은 보정만 배우면 되고, 기울기는 덧셈을 그대로 통과합니다. 채널이 두 배가 되고 크기가 절반이 될 때는 지름길의 스트라이드 1×1 합성곱이 둘을 맞춥니다. 전역 평균 풀링이 거대한 완전 연결층을 대신합니다: 18층, 파라미터 1,100만 개.",
    ),
    (
        "ResNet-18's ideas at MNIST's size, small enough to train in the Training lesson: a 3×3 stem, one block with an identity shortcut at 28×28, then two blocks that halve the size and double the channels with a strided 1×1 convolution on the shortcut (28 → 14 → 7), global average pooling and one Linear layer: 77,898 parameters.",
        "MNIST 크기에 맞춘 ResNet-18의 아이디어로, 학습 단원에서 직접 학습할 수 있을 만큼 작습니다: 3×3 줄기(stem), 28×28에서 항등 지름길을 쓰는 블록 하나, 그다음 지름길의 스트라이드 1×1 합성곱으로 크기를 절반으로 줄이고 채널을 두 배로 늘리는 블록 두 개(28 → 14 → 7), 전역 평균 풀링과 Linear 층 하나: 파라미터 77,898개.",
    ),
    (
        "The notes' MNIST ConvNet: two blocks of a 5×5 convolution with padding 2 (the size is kept), batch normalization, ReLU and 2×2 max pooling, then one Linear layer. Batch normalization (Ioffe and Szegedy, 2015) normalizes each channel over the batch, so the network trains quickly even with a large learning rate.",
        "강의 노트의 MNIST ConvNet: 패딩 2의 5×5 합성곱(크기 유지), 배치 정규화, ReLU, 2×2 최대 풀링으로 된 블록 두 개, 그다음 Linear 층 하나. 배치 정규화(Ioffe, Szegedy, 2015)는 각 채널을 배치 전체에 대해 정규화하므로 큰 학습률에서도 빠르게 학습됩니다.",
    ),
    (
        "The notes' PyTorch CNN: three 3×3 convolutions with padding 1 (\"same\": the size is kept), each followed by ReLU and 2×2 max pooling: 28 → 14 → 7 → 3 (the floor drops the odd row), then a Linear layer on the 64 × 3 × 3 = 576 features.",
        "강의 노트의 PyTorch CNN: 패딩 1의 3×3 합성곱(\"same\": 크기 유지) 세 개 뒤에 각각 ReLU와 2×2 최대 풀링: 28 → 14 → 7 → 3(내림으로 남는 한 줄이 버려짐), 그다음 64 × 3 × 3 = 576개 특성에 대한 Linear 층.",
    ),
    (
        "The notes' Keras CNN: three 3×3 \"valid\" convolutions (no padding: each trims one pixel from every border) with 2×2 max pooling between them: 28 → 26 → 13 → 11 → 5 → 3. Keras's model.summary() totals 55,744 parameters; the notes then add Flatten and Dense layers to classify.",
        "강의 노트의 Keras CNN: \"valid\" 3×3 합성곱(패딩 없음: 가장자리마다 한 픽셀씩 줄어듦) 세 개와 그 사이의 2×2 최대 풀링: 28 → 26 → 13 → 11 → 5 → 3. Keras의 model.summary()는 파라미터 55,744개를 보여 주며, 노트는 이어서 분류를 위해 Flatten과 Dense 층을 더합니다.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(a.total, summary.total_params as u64, "{name}");
            for (row, s) in a.rows.iter().zip(&summary.layers) {
                assert_eq!(row.position, s.layer);
                assert_eq!(row.shape.as_ref(), Some(&s.output_shape));
                assert_eq!(row.params, Some(s.params as u64));
            }
            if let Some((_, g)) = PYTORCH_TOTALS.iter().find(|(m, _)| *m == name) {
                assert_eq!(a.total, *g, "{name}");
            }
        }
    }

    #[test]
    fn edits_round_trip_through_the_url() {
        let base = arch::keras_cnn();
        let mut list = base_entries(&base);
        set(&mut list[3].layer, Field::Out, 128);
        list.insert(
            4,
            Entry {
                base: None,
                layer: NewKind::BatchNorm.make(Some(&[128, 11, 11][..])),
            },
        );
        list.remove(8); // the last ReLU (index 7 of the model)
        let text = encode(&base, &list).unwrap();
        assert_eq!(text, "0-2_3o128_nBi128_4-6");
        assert_eq!(decode(&base, &text).unwrap(), list);
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
        // Everything removed, and garbage.
        assert_eq!(encode(&base, &[]).as_deref(), Some("none"));
        assert_eq!(decode(&base, "none").unwrap(), vec![]);
        assert!(decode(&base, "3_2").is_err());
        assert!(decode(&base, "0-99").is_err());
        assert!(decode(&base, "3k99").is_err());
        assert!(decode(&base, "nQ").is_err());
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
                layer: Layer::batch_norm(1),
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
