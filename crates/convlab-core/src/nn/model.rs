//! A network as a tree of named modules, like an `nn.Module` hierarchy.
//!
//! Each module has the attribute name PyTorch would give it (`layer1`, `fc`, or `0`, `1`, ... in
//! an `nn.Sequential`); the `state_dict` names are those attribute names joined with dots
//! (`layer1.0.weight`). The summary names layers by their position instead (`0.0`, `0.1`, ...),
//! as d2l's `layer_summary` and the golden architectures do.

use serde::{Deserialize, Serialize};

use super::layer::{Layer, ParamSpec};
use super::params::join;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Module {
    pub name: String,
    pub kind: ModuleKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ModuleKind {
    Layer(Layer),
    Sequential(Vec<Module>),
}

impl Module {
    pub fn layer(name: impl Into<String>, layer: Layer) -> Self {
        Module {
            name: name.into(),
            kind: ModuleKind::Layer(layer),
        }
    }

    pub fn seq(name: impl Into<String>, children: Vec<Module>) -> Self {
        Module {
            name: name.into(),
            kind: ModuleKind::Sequential(children),
        }
    }

    /// An `nn.Sequential` of layers named `0`, `1`, ...
    pub fn indexed(name: impl Into<String>, layers: Vec<Layer>) -> Self {
        Module::seq(
            name,
            layers
                .into_iter()
                .enumerate()
                .map(|(i, l)| Module::layer(i.to_string(), l))
                .collect(),
        )
    }
}

/// A layer in execution order, with both of its names.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    /// Position in the tree, e.g. `1.0`: how summaries name it.
    pub position: String,
    /// The `state_dict` prefix of its parameters, e.g. `layer2.0`.
    pub path: String,
    pub layer: Layer,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub name: String,
    /// `(C, H, W)` of one input image, the default for summaries.
    pub input_shape: [usize; 3],
    pub modules: Vec<Module>,
    /// Built from d2l's `LazyConv2d` / `LazyLinear` / `LazyBatchNorm2d`: input channels and
    /// features are taken from whatever arrives, so any input size the layers allow works.
    /// Otherwise (the notes' explicit `Conv2d(1, 16, ...)`) a mismatch is an error.
    pub lazy: bool,
}

impl Model {
    /// The layers in the order the forward pass runs them.
    pub fn leaves(&self) -> Vec<Leaf> {
        fn walk(modules: &[Module], position: &str, path: &str, out: &mut Vec<Leaf>) {
            for (i, m) in modules.iter().enumerate() {
                let (pos, p) = (join(position, &i.to_string()), join(path, &m.name));
                match &m.kind {
                    ModuleKind::Layer(layer) => out.push(Leaf {
                        position: pos,
                        path: p,
                        layer: layer.clone(),
                    }),
                    ModuleKind::Sequential(children) => walk(children, &pos, &p, out),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.modules, "", "", &mut out);
        out
    }

    /// The layers `range` (in execution order) as a model of their own, each under its
    /// `state_dict` prefix, so that the whole model's parameters still name them: a model run in
    /// parts (to look at what one part gives, or at its gradient) uses one set of parameters.
    pub fn part(&self, range: std::ops::Range<usize>) -> Model {
        let leaves = self.leaves();
        Model {
            name: format!("{} [{}..{}]", self.name, range.start, range.end),
            input_shape: self.input_shape,
            modules: leaves[range]
                .iter()
                .map(|leaf| Module::layer(leaf.path.clone(), leaf.layer.clone()))
                .collect(),
            lazy: self.lazy,
        }
    }

    /// Mutable access to the layers in execution order.
    pub fn layers_mut(&mut self) -> Vec<&mut Layer> {
        fn walk<'a>(modules: &'a mut [Module], out: &mut Vec<&'a mut Layer>) {
            for m in modules {
                match &mut m.kind {
                    ModuleKind::Layer(layer) => out.push(layer),
                    ModuleKind::Sequential(children) => walk(children, out),
                }
            }
        }
        let mut out = Vec::new();
        walk(&mut self.modules, &mut out);
        out
    }

    /// Every parameter and buffer with its full `state_dict` name.
    pub fn param_specs(&self) -> Vec<ParamSpec> {
        self.leaves()
            .into_iter()
            .flat_map(|leaf| {
                leaf.layer.params().into_iter().map(move |q| ParamSpec {
                    name: join(&leaf.path, &q.name),
                    ..q
                })
            })
            .collect()
    }
}
