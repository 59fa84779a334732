//! The edited network as data, and its compact form in the URL's `edits`: a small language, so
//! that a shared link rebuilds exactly the same network (see [`encode`]).

use convlab_core::nn::{Layer, Model};
use convlab_core::ops::ConvTranspose2dParams;
use convlab_core::tensor::count;

/// The most layers an edited network may have: every layer is a row of the table and a block of
/// the diagram, redrawn on each edit (the largest model of the course, VGG-16, has 39).
pub const MAX_LAYERS: usize = 96;

/// The longest token [`encode`] writes for one layer, with its `_` (a test checks it), so that
/// any list of [`MAX_LAYERS`] layers fits in [`MAX_EDITS_CHARS`].
const LONGEST_TOKEN: usize = 24;

/// The longest `edits` the lesson reads.
pub const MAX_EDITS_CHARS: usize = MAX_LAYERS * LONGEST_TOKEN;

/// The largest channel count (convolutions, batch norm, residual blocks) and feature count
/// (Linear layers) a student can type.
const MAX_CHANNELS: usize = 4096;
const MAX_FEATURES: usize = 1 << 22;

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
    /// ConvTranspose2d's `output_padding`.
    OutputPadding,
}

const ALL_FIELDS: [Field; 7] = [
    Field::In,
    Field::Out,
    Field::Kernel,
    Field::Stride,
    Field::Padding,
    Field::Shortcut,
    Field::OutputPadding,
];

impl Field {
    pub fn code(self) -> char {
        match self {
            Field::In => 'i',
            Field::Out => 'o',
            Field::Kernel => 'k',
            Field::Stride => 's',
            Field::Padding => 'p',
            Field::Shortcut => 'u',
            Field::OutputPadding => 'q',
        }
    }

    fn from_code(c: char) -> Option<Field> {
        ALL_FIELDS.into_iter().find(|f| f.code() == c)
    }

    /// The values the page accepts (a link asking for more is refused, not clamped).
    pub fn range(self, layer: &Layer) -> (usize, usize) {
        match (self, layer) {
            (Field::In | Field::Out, Layer::Linear { .. }) => (1, MAX_FEATURES),
            (Field::In | Field::Out, _) => (1, MAX_CHANNELS),
            (Field::Kernel, _) => (1, 15),
            (Field::Stride, _) => (1, 8),
            (Field::Padding, _) => (0, 16),
            (Field::Shortcut, _) => (0, 1),
            // PyTorch refuses one not below the stride or the dilation: the page says so.
            (Field::OutputPadding, _) => (0, 7),
        }
    }

    /// The constructor argument it is, as PyTorch names it.
    pub fn label(self, layer: &Layer) -> &'static str {
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
            (Field::OutputPadding, _) => "output_padding",
        }
    }
}

/// The fields of `layer` in their order in `edits` (the `In` ones are shown only when the sizes
/// do not follow by themselves).
pub fn fields(layer: &Layer) -> &'static [Field] {
    use Field::*;
    match layer {
        Layer::Conv2d { .. } => &[In, Out, Kernel, Stride, Padding],
        Layer::ConvTranspose2d { .. } => &[In, Out, Kernel, Stride, Padding, OutputPadding],
        Layer::MaxPool2d(_) | Layer::AvgPool2d(_) => &[Kernel, Stride, Padding],
        Layer::Linear { .. } => &[In, Out],
        Layer::BatchNorm2d { .. } => &[In],
        Layer::Residual(_) => &[In, Out, Stride, Shortcut],
        _ => &[],
    }
}

pub fn get(layer: &Layer, field: Field) -> usize {
    match (layer, field) {
        (Layer::Conv2d { in_channels, .. }, Field::In) => *in_channels,
        (Layer::Conv2d { out_channels, .. }, Field::Out) => *out_channels,
        (Layer::Conv2d { kernel, .. }, Field::Kernel) => kernel[0],
        (Layer::Conv2d { params, .. }, Field::Stride) => params.stride[0],
        (Layer::Conv2d { params, .. }, Field::Padding) => params.padding[0],
        (Layer::ConvTranspose2d { in_channels, .. }, Field::In) => *in_channels,
        (Layer::ConvTranspose2d { out_channels, .. }, Field::Out) => *out_channels,
        (Layer::ConvTranspose2d { kernel, .. }, Field::Kernel) => kernel[0],
        (Layer::ConvTranspose2d { params, .. }, Field::Stride) => params.stride[0],
        (Layer::ConvTranspose2d { params, .. }, Field::Padding) => params.padding[0],
        (Layer::ConvTranspose2d { params, .. }, Field::OutputPadding) => params.output_padding[0],
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

pub fn set(layer: &mut Layer, field: Field, v: usize) {
    match (layer, field) {
        (Layer::Conv2d { in_channels, .. }, Field::In) => *in_channels = v,
        (Layer::Conv2d { out_channels, .. }, Field::Out) => *out_channels = v,
        (Layer::Conv2d { kernel, .. }, Field::Kernel) => *kernel = [v; 2],
        (Layer::Conv2d { params, .. }, Field::Stride) => params.stride = [v; 2],
        (Layer::Conv2d { params, .. }, Field::Padding) => params.padding = [v; 2],
        (Layer::ConvTranspose2d { in_channels, .. }, Field::In) => *in_channels = v,
        (Layer::ConvTranspose2d { out_channels, .. }, Field::Out) => *out_channels = v,
        (Layer::ConvTranspose2d { kernel, .. }, Field::Kernel) => *kernel = [v; 2],
        (Layer::ConvTranspose2d { params, .. }, Field::Stride) => params.stride = [v; 2],
        (Layer::ConvTranspose2d { params, .. }, Field::Padding) => params.padding = [v; 2],
        (Layer::ConvTranspose2d { params, .. }, Field::OutputPadding) => {
            params.output_padding = [v; 2]
        }
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
    ConvTranspose,
    Relu,
    MaxPool,
    BatchNorm,
    Flatten,
    Linear,
}

pub const NEW_KINDS: [NewKind; 7] = [
    NewKind::Conv,
    NewKind::ConvTranspose,
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
            NewKind::ConvTranspose => 'T',
            NewKind::Relu => 'R',
            NewKind::MaxPool => 'M',
            NewKind::BatchNorm => 'B',
            NewKind::Flatten => 'F',
            NewKind::Linear => 'L',
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NewKind::Conv => "Conv2d 3×3",
            NewKind::ConvTranspose => "ConvTranspose2d ×2",
            NewKind::Relu => "ReLU",
            NewKind::MaxPool => "MaxPool2d 2",
            NewKind::BatchNorm => "BatchNorm2d",
            NewKind::Flatten => "Flatten",
            NewKind::Linear => "Linear",
        }
    }

    pub fn testid(self) -> &'static str {
        match self {
            NewKind::Conv => "insert-conv",
            NewKind::ConvTranspose => "insert-convtranspose",
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
            Layer::ConvTranspose2d { .. } => NewKind::ConvTranspose,
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
    /// still fit; the transposed convolution doubles the size (kernel 2, stride 2: a decoder's
    /// step). Its sizes stay within what the fields accept.
    pub fn make(self, input: Option<&[usize]>) -> Layer {
        let channels = match input {
            Some(&[c, _, _]) => c.clamp(1, MAX_CHANNELS),
            _ => 16,
        };
        // Counted in u64: a feature map can hold more values than a 32-bit usize.
        let features = input.map_or(128, |s| {
            count(s).map_or(MAX_FEATURES, |n| n.clamp(1, MAX_FEATURES as u64) as usize)
        });
        match self {
            NewKind::Conv => Layer::conv(channels, channels, 3, 1, 1),
            NewKind::ConvTranspose => Layer::ConvTranspose2d {
                in_channels: channels,
                out_channels: channels,
                kernel: [2, 2],
                params: ConvTranspose2dParams {
                    stride: [2, 2],
                    ..ConvTranspose2dParams::default()
                },
                bias: true,
            },
            NewKind::Relu => Layer::ReLU,
            NewKind::MaxPool => Layer::max_pool(2, 2, 0),
            NewKind::BatchNorm => Layer::batch_norm(channels),
            NewKind::Flatten => Layer::Flatten,
            NewKind::Linear => Layer::linear(features, features.min(MAX_CHANNELS)),
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
            tokens.push(range_token(a, b));
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

/// `3-7`, or `3` for a run of one.
fn range_token(first: usize, last: usize) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    }
}

/// The token of every layer of the model, unchanged: what the lesson uses when a link's `edits`
/// cannot be read (the model's own network, written in the same language).
pub fn all_of(base: &Model) -> String {
    range_token(0, base.leaves().len().saturating_sub(1))
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

/// The list `edits` describes (see [`encode`]), or why it cannot be read (in English; the page
/// translates it with the lesson's message templates).
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
        } else {
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
        if entries.len() > MAX_LAYERS {
            return Err(format!(
                "more than {MAX_LAYERS} layers, the most this page draws"
            ));
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use convlab_core::arch;

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
        // Everything removed, and garbage.
        assert_eq!(encode(&base, &[]).as_deref(), Some("none"));
        assert_eq!(decode(&base, "none").unwrap(), vec![]);
        assert!(decode(&base, "3_2").is_err());
        assert!(decode(&base, "0-99").is_err());
        assert!(decode(&base, "3k99").is_err());
        assert!(decode(&base, "nQ").is_err());
        assert_eq!(decode(&base, &all_of(&base)).unwrap(), base_entries(&base));
    }

    /// Hostile edits give a reason, never a panic: numbers too long for any integer, letters
    /// that are not fields, multi-byte characters, and more layers than the page draws.
    #[test]
    fn malformed_edits_are_refused_with_a_reason() {
        let base = arch::lenet();
        for text in [
            "99999999999999999999999999",
            "0-99999999999999999999999",
            "nCo99999999999999999999999",
            "nCé5",
            "0é",
            "n",
            "-",
            "0--1",
            "nLo4194305",
            "nCk0",
        ] {
            let e = decode(&base, text).unwrap_err();
            assert!(!e.is_empty(), "{text}");
        }
        let many = vec!["nR"; MAX_LAYERS + 1].join("_");
        assert_eq!(
            decode(&base, &many).unwrap_err(),
            "more than 96 layers, the most this page draws"
        );
        assert_eq!(
            decode(&base, &vec!["nR"; MAX_LAYERS].join("_"))
                .unwrap()
                .len(),
            MAX_LAYERS
        );
    }

    /// The largest values of every field, on every kind of layer, new or the model's own at the
    /// largest index, fit in the token length the lesson's length cap assumes; and the models of
    /// the course fit in the layer cap.
    #[test]
    fn the_longest_tokens_fit_the_cap() {
        let widest = |mut layer: Layer| {
            for &f in fields(&layer) {
                let (_, hi) = f.range(&layer);
                set(&mut layer, f, hi);
            }
            layer
        };
        let base = arch::resnet18();
        for kind in NEW_KINDS {
            let e = Entry {
                base: None,
                layer: widest(kind.make(None)),
            };
            let token = encode(&base, &[e]).unwrap();
            assert!(token.len() < LONGEST_TOKEN, "{token}");
        }
        // The index written at its widest: the last layer a network may have.
        let index_room = (MAX_LAYERS - 1).to_string().len();
        for name in ["vgg16", "resnet18"] {
            let base = arch::by_name(name).unwrap();
            for (i, own) in base_entries(&base).into_iter().enumerate() {
                let e = Entry {
                    base: Some(i),
                    layer: widest(own.layer),
                };
                let token = encode(&base, &[e]).unwrap();
                let widest_len = token.len() - i.to_string().len() + index_room;
                assert!(widest_len < LONGEST_TOKEN, "{name}: {token}");
            }
        }
        for name in arch::NAMES {
            let n = base_entries(&arch::by_name(name).unwrap()).len();
            assert!(n <= MAX_LAYERS, "{name}: {n}");
        }
    }

    #[test]
    fn a_new_linear_layer_counts_its_features_in_64_bits() {
        // 4096 × 2048 × 2048 values: 2³⁴, more than a 32-bit usize holds.
        let layer = NewKind::Linear.make(Some(&[4096, 2048, 2048][..]));
        assert_eq!(layer, Layer::linear(MAX_FEATURES, MAX_CHANNELS));
    }
}
