//! What every part of the page reads: the state, the image, the kernel, the convolution (by the
//! engine: `Op::Conv2d` on a `[1, 1, H, W]` image, in the worker on the CPU) and the pointer
//! linked across the two pictures; and the student's actions, which write the address.

use convlab_core::ops::Conv2dParams;
use convlab_core::Tensor;
use leptos::prelude::*;

use super::images::Images;
use super::model::{Geometry, Kernel, Pointer};
use super::state::{KernelChoice, KernelsState, Source};
use crate::components::heatmap::Plane;
use crate::compute::{use_op, Op};
use crate::url::lesson::{use_lesson_state, LessonUrl};
use crate::url::History;

/// The op's "error" while the image is still loading (not shown).
const WAITING: &str = "waiting for the image";

/// The image pixel and the output pixel the pointer links, in their geometry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub geometry: Geometry,
    pub pixel: [usize; 2],
    pub output: [usize; 2],
}

#[derive(Clone, Copy)]
pub struct Kernels {
    pub state: LessonUrl<KernelsState>,
    pub source: Memo<Source>,
    pub images: Images,
    pub kernel: Memo<Kernel>,
    pub params: Memo<Conv2dParams>,
    /// `None` while there is no image; else the geometry or why the kernel does not fit.
    pub geometry: Memo<Option<Result<Geometry, String>>>,
    pub feature: Memo<Option<Plane>>,
    /// Why there is no feature map (not while the image loads).
    pub error: Signal<Option<String>>,
    pub pointer: RwSignal<Option<Pointer>>,
    /// What is under the pointer.
    pub linked: Memo<Option<Link>>,
    /// A file is being dragged over the page.
    pub dragging: RwSignal<bool>,
}

impl Kernels {
    pub fn new() -> Self {
        let state = use_lesson_state::<KernelsState>();
        let source = Memo::new(move |_| state.with(|s| s.img));
        let images = Images::new(source);
        let image = images.image;
        let kernel = Memo::new(move |_| state.with(|s| Kernel::of(&s.kernel)));
        let params = Memo::new(move |_| state.with(KernelsState::params));
        let geometry = Memo::new(move |_| {
            let input = image.with(|i| i.as_ref().map(|i| [i.rows, i.cols]))?;
            let k = kernel.get();
            Some(Geometry::new(input, [k.rows, k.cols], &params.get()))
        });
        let output = use_op(move || {
            let Some(img) = image.get() else {
                return Err(WAITING.into());
            };
            let k = kernel.get();
            let input = Tensor::new(vec![1, 1, img.rows, img.cols], img.values)
                .map_err(|e| e.to_string())?;
            let weight =
                Tensor::new(vec![1, 1, k.rows, k.cols], k.weights).map_err(|e| e.to_string())?;
            Ok(Op::Conv2d {
                input,
                weight,
                bias: None,
                params: params.get(),
            })
        });
        let feature = Memo::new(move |_| match output.get() {
            Some(Ok(t)) => match t.shape[..] {
                [1, 1, rows, cols] => Some(Plane {
                    rows,
                    cols,
                    values: t.data,
                }),
                _ => None,
            },
            _ => None,
        });
        let error = Signal::derive(move || {
            if let Some(Err(e)) = geometry.get() {
                return Some(e);
            }
            match output.get() {
                Some(Err(e)) if e != WAITING => Some(e),
                _ => None,
            }
        });
        let pointer = RwSignal::new(None::<Pointer>);
        let linked = Memo::new(move |_| {
            let geometry = geometry.get()?.ok()?;
            let (pixel, output) = geometry.link(pointer.get()?)?;
            Some(Link {
                geometry,
                pixel,
                output,
            })
        });
        Kernels {
            state,
            source,
            images,
            kernel,
            params,
            geometry,
            feature,
            error,
            pointer,
            linked,
            dragging: RwSignal::new(false),
        }
    }

    /// Shows another image.
    pub fn pick(&self, source: Source) {
        self.state.update(History::Push, |s| s.img = source);
    }

    /// Reads the student's file, and shows it once it is an image.
    pub fn take_file(&self, file: web_sys::File) {
        let me = *self;
        self.images.take_file(file, move || me.pick(Source::Upload));
    }

    /// Another kernel: typing and resizing replace the address, a preset is a step Back undoes.
    pub fn set_kernel(&self, kernel: KernelChoice, history: History) {
        self.state.update(history, |s| s.kernel = kernel);
    }
}
