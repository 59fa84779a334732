//! The Image kernels lesson: a kernel applied to a real image by the engine (`Op::Conv2d` on a
//! `[1, 1, H, W]` image), recomputed while the student types in the kernel. The image is a digit of
//! the bundled MNIST, a photo shipped with the app, the student's own file or their camera
//! (decoded in the browser, never sent anywhere).
//!
//! URL parameters: `img` (`digit:N`, N an index into the bundled test split; `photo`; `upload`;
//! `camera`, the student's camera, live),
//! `kernel` (a preset's name, or `custom` with `kh`, `kw` and the weights `wt`, comma-separated,
//! row-major), `s`, `p`, `d`.

use std::cell::RefCell;
use std::rc::Rc;

use convlab_core::dataset::Split;
use convlab_core::ops::Conv2dParams;
use convlab_core::shape::conv_output_hw;
use convlab_core::Tensor;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::components::controls::{NumberField, NumberParam};
use crate::components::grid::Grid;
use crate::components::heatmap::{Heatmap, Plane};
use crate::compute::{use_op, Op};
use crate::data::bundled_mnist;
use crate::format;
use crate::i18n::use_i18n;
use crate::browser::sleep;
use crate::url::{use_query, History};
use camera::Camera;

mod camera;

/// A named kernel with what it does.
struct Preset {
    name: &'static str,
    title: &'static str,
    rows: usize,
    cols: usize,
    weights: &'static [f32],
    explains: &'static str,
}

const B: f32 = 1.0 / 9.0;
const G: f32 = 1.0 / 16.0;

const PRESETS: [Preset; 13] = [
    Preset {
        name: "identity",
        title: "identity",
        rows: 3,
        cols: 3,
        weights: &[0., 0., 0., 0., 1., 0., 0., 0., 0.],
        explains: "Copies the image: the centre weight is 1, every other 0. A starting point for your own kernel.",
    },
    Preset {
        name: "edge",
        title: "edge [1, −1]",
        rows: 1,
        cols: 2,
        weights: &[1., -1.],
        explains: "The notes' edge detector: each pixel minus its right neighbour. Zero on flat areas, large at vertical edges (positive where the image gets darker to the right).",
    },
    Preset {
        name: "edge-t",
        title: "edge, transposed",
        rows: 2,
        cols: 1,
        weights: &[1., -1.],
        explains: "[1, −1] turned on its side: each pixel minus the one below it, so it finds horizontal edges.",
    },
    Preset {
        name: "sobel-x",
        title: "Sobel x",
        rows: 3,
        cols: 3,
        weights: &[-1., 0., 1., -2., 0., 2., -1., 0., 1.],
        explains: "The horizontal gradient, smoothed over three rows: vertical edges, positive where the image gets brighter to the right.",
    },
    Preset {
        name: "sobel-y",
        title: "Sobel y",
        rows: 3,
        cols: 3,
        weights: &[-1., -2., -1., 0., 0., 0., 1., 2., 1.],
        explains: "The vertical gradient: horizontal edges, positive where the image gets brighter downwards.",
    },
    Preset {
        name: "prewitt-x",
        title: "Prewitt x",
        rows: 3,
        cols: 3,
        weights: &[-1., 0., 1., -1., 0., 1., -1., 0., 1.],
        explains: "Like Sobel x with equal weights on the three rows: vertical edges.",
    },
    Preset {
        name: "prewitt-y",
        title: "Prewitt y",
        rows: 3,
        cols: 3,
        weights: &[-1., -1., -1., 0., 0., 0., 1., 1., 1.],
        explains: "Like Sobel y with equal weights on the three columns: horizontal edges.",
    },
    Preset {
        name: "laplacian",
        title: "Laplacian",
        rows: 3,
        cols: 3,
        weights: &[0., 1., 0., 1., -4., 1., 0., 1., 0.],
        explains: "The second derivative: edges and fine detail in every direction; zero where the image is flat or changes evenly.",
    },
    Preset {
        name: "sharpen",
        title: "sharpen",
        rows: 3,
        cols: 3,
        weights: &[0., -1., 0., -1., 5., -1., 0., -1., 0.],
        explains: "The pixel plus its difference from its neighbours (identity minus the Laplacian): edges look crisper.",
    },
    Preset {
        name: "box-blur",
        title: "box blur",
        rows: 3,
        cols: 3,
        weights: &[B, B, B, B, B, B, B, B, B],
        explains: "The average of the 3×3 neighbourhood (each weight 1/9): smooths noise and fine detail away.",
    },
    Preset {
        name: "gaussian-blur",
        title: "Gaussian blur",
        rows: 3,
        cols: 3,
        weights: &[G, 2. * G, G, 2. * G, 4. * G, 2. * G, G, 2. * G, G],
        explains: "A weighted average, the nearer pixels counting more ([1 2 1; 2 4 2; 1 2 1] / 16): a softer blur.",
    },
    Preset {
        name: "emboss",
        title: "emboss",
        rows: 3,
        cols: 3,
        weights: &[-2., -1., 0., -1., 1., 1., 0., 1., 2.],
        explains: "A diagonal gradient plus the pixel: edges become light and shadow, as if the image were embossed.",
    },
    Preset {
        name: "outline",
        title: "outline",
        rows: 3,
        cols: 3,
        weights: &[-1., -1., -1., -1., 8., -1., -1., -1., -1.],
        explains: "8 × the pixel minus its 8 neighbours: every edge lights up, flat areas go to 0.",
    },
];

const CUSTOM_EXPLAINS: &str =
    "Your own weights: type any number in the kernel and the feature map follows as you type.";

/// The largest kernel side the editor offers.
const MAX_KERNEL: usize = 9;
/// Uploads above this size are refused before decoding.
const MAX_UPLOAD_BYTES: f64 = 20.0 * 1024.0 * 1024.0;
/// Images are scaled down to at most this many pixels on their long side.
const MAX_SIDE: usize = 256;

fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// The kernel in use: `rows × cols` weights, row-major, and the preset it is (None: custom).
#[derive(Clone, Debug, PartialEq)]
struct Kernel {
    rows: usize,
    cols: usize,
    weights: Vec<f32>,
    preset: Option<&'static str>,
}

/// `1` in the centre of a `rows × cols` kernel: a custom kernel's start.
fn centre_one(rows: usize, cols: usize) -> Vec<f32> {
    let mut w = vec![0.0; rows * cols];
    w[(rows / 2) * cols + cols / 2] = 1.0;
    w
}

/// The weights as `wt` holds them: shortest round-tripping decimals.
fn weights_param(weights: &[f32]) -> String {
    weights
        .iter()
        .map(|v| format!("{v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// What the image selector `img` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Digit(usize),
    Photo,
    Upload,
    Camera,
}

impl Source {
    fn parse(text: Option<&str>) -> Source {
        match text {
            Some("photo") => Source::Photo,
            Some("upload") => Source::Upload,
            Some("camera") => Source::Camera,
            Some(t) => Source::Digit(
                t.strip_prefix("digit:")
                    .and_then(|n| n.trim().parse().ok())
                    .unwrap_or(0),
            ),
            None => Source::Digit(0),
        }
    }
}

thread_local! {
    /// The shipped photo, once decoded (it is the same for the whole visit).
    static PHOTO: RefCell<Option<Plane>> = const { RefCell::new(None) };
    /// The student's image, kept while they visit other lessons (never sent anywhere).
    static UPLOAD: RefCell<Option<(String, Plane)>> = const { RefCell::new(None) };
}

/// Waits for an image element to load `src`, then reads it as grey levels in 0..=1 (transparent
/// parts count as white), scaled down by area averaging so that its long side is at most
/// [`MAX_SIDE`].
async fn decode_image(src: &str) -> Result<Plane, String> {
    let image = web_sys::HtmlImageElement::new().map_err(|e| format!("{e:?}"))?;
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        image.set_onload(Some(&resolve));
        image.set_onerror(Some(&reject));
    });
    image.set_src(src);
    JsFuture::from(loaded)
        .await
        .map_err(|_| "not-an-image".to_string())?;
    let (w, h) = (
        image.natural_width() as usize,
        image.natural_height() as usize,
    );
    if w == 0 || h == 0 {
        return Err("not-an-image".into());
    }
    // The browser draws it at most 1024 pixels wide or high (smoothly), the rest is averaged here.
    let first = (1024.0 / w.max(h) as f64).min(1.0);
    let (cw, ch) = (
        ((w as f64 * first).round() as usize).max(1),
        ((h as f64 * first).round() as usize).max(1),
    );
    let canvas: web_sys::HtmlCanvasElement = document()
        .create_element("canvas")
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    canvas.set_width(cw as u32);
    canvas.set_height(ch as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or("no 2d canvas")?
        .unchecked_into();
    let _ = js_sys::Reflect::set(
        &ctx,
        &JsValue::from_str("imageSmoothingQuality"),
        &JsValue::from_str("high"),
    );
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, cw as f64, ch as f64);
    ctx.draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, cw as f64, ch as f64)
        .map_err(|_| "not-an-image".to_string())?;
    let grey = grey_plane(&ctx, cw, ch)?;
    Ok(shrink(grey.values, ch, cw, MAX_SIDE))
}

/// What is drawn on a `cols × rows` canvas, as grey values in 0..1 (ITU-R BT.601 luma, as most
/// image tools compute "grayscale").
fn grey_plane(
    ctx: &web_sys::CanvasRenderingContext2d,
    cols: usize,
    rows: usize,
) -> Result<Plane, String> {
    let rgba = ctx
        .get_image_data(0.0, 0.0, cols as f64, rows as f64)
        .map_err(|e| format!("{e:?}"))?
        .data();
    let values = rgba
        .chunks_exact(4)
        .map(|p| (0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32) / 255.0)
        .collect();
    Ok(Plane { rows, cols, values })
}

/// Scales `values` (`rows × cols`) down so that its long side is at most `max_side`, each new
/// pixel the mean of the old pixels that fall in it (a box filter: no aliasing).
fn shrink(values: Vec<f32>, rows: usize, cols: usize, max_side: usize) -> Plane {
    let long = rows.max(cols);
    if long <= max_side {
        return Plane { rows, cols, values };
    }
    let tr = (rows * max_side).div_ceil(long).max(1);
    let tc = (cols * max_side).div_ceil(long).max(1);
    let mut sum = vec![0.0f32; tr * tc];
    let mut count = vec![0u32; tr * tc];
    for y in 0..rows {
        let ty = y * tr / rows;
        for x in 0..cols {
            let i = ty * tc + x * tc / cols;
            sum[i] += values[y * cols + x];
            count[i] += 1;
        }
    }
    let values = sum
        .iter()
        .zip(&count)
        .map(|(s, &n)| s / n.max(1) as f32)
        .collect();
    Plane {
        rows: tr,
        cols: tc,
        values,
    }
}

/// Where the pointer is: a pixel of the image or of the feature map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pointer {
    Image(usize, usize),
    Feature(usize, usize),
}

/// The convolution's geometry, to link a pixel of the image to the output it feeds and back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Geometry {
    input: [usize; 2],
    output: [usize; 2],
    span: [usize; 2],
    stride: usize,
    padding: usize,
}

impl Geometry {
    /// The top-left corner of output pixel `o`'s window, in image pixels (negative in the padding).
    fn window_start(&self, o: [usize; 2]) -> [i64; 2] {
        [0, 1].map(|a| (o[a] * self.stride) as i64 - self.padding as i64)
    }

    /// The image pixel at the centre of output pixel `o`'s window (clamped into the image).
    fn centre(&self, o: [usize; 2]) -> [usize; 2] {
        let start = self.window_start(o);
        [0, 1].map(|a| {
            (start[a] + (self.span[a] as i64 - 1) / 2).clamp(0, self.input[a] as i64 - 1) as usize
        })
    }

    /// The output pixel whose window is centred nearest image pixel `i`.
    fn output_of(&self, i: [usize; 2]) -> [usize; 2] {
        [0, 1].map(|a| {
            let start = i[a] as f64 + self.padding as f64 - (self.span[a] as f64 - 1.0) / 2.0;
            ((start / self.stride as f64).round().max(0.0) as usize).min(self.output[a] - 1)
        })
    }

    /// `(image pixel, output pixel)` for a pointer, when both exist.
    fn link(&self, pointer: Pointer) -> Option<([usize; 2], [usize; 2])> {
        let inside = |p: [usize; 2], size: [usize; 2]| p[0] < size[0] && p[1] < size[1];
        match pointer {
            Pointer::Image(y, x) if inside([y, x], self.input) => {
                Some(([y, x], self.output_of([y, x])))
            }
            Pointer::Feature(y, x) if inside([y, x], self.output) => {
                Some((self.centre([y, x]), [y, x]))
            }
            _ => None,
        }
    }
}

/// A box over a picture of `size` pixels, from pixel `start` spanning `span`, in percent.
fn overlay_style(start: [i64; 2], span: [usize; 2], size: [usize; 2]) -> String {
    let pct = |v: f64, of: usize| v / of as f64 * 100.0;
    format!(
        "top: {:.3}%; left: {:.3}%; height: {:.3}%; width: {:.3}%",
        pct(start[0] as f64, size[0]),
        pct(start[1] as f64, size[1]),
        pct(span[0] as f64, size[0]),
        pct(span[1] as f64, size[1]),
    )
}

#[component]
pub fn ImageKernelsPage() -> impl IntoView {
    let query = use_query();
    let i18n = use_i18n();

    // --- The image ---
    let source = Memo::new(move |_| Source::parse(query.get("img").as_deref()));
    let mnist = RwSignal::new_local(None::<Result<Rc<Split>, String>>);
    leptos::task::spawn_local(async move {
        let result = bundled_mnist().await;
        mnist.try_set(Some(result));
    });
    let photo = RwSignal::new(PHOTO.with(|p| p.borrow().clone()).map(Ok::<_, String>));
    // The photo is decoded the first time it is shown.
    Effect::new(move |_| {
        if source.get() == Source::Photo && photo.get_untracked().is_none() {
            leptos::task::spawn_local(async move {
                let result = decode_image("images/camera.png").await;
                if let Ok(p) = &result {
                    PHOTO.with(|cache| *cache.borrow_mut() = Some(p.clone()));
                }
                photo.try_set(Some(result));
            });
        }
    });
    let upload = RwSignal::new(UPLOAD.with(|u| u.borrow().clone()));
    let upload_error = RwSignal::new(None::<UploadError>);
    // The camera, while it is the image: opened when chosen, a frame every FRAME_MS, turned off
    // when another image is chosen or the student leaves the lesson.
    let camera_frame = RwSignal::new_local(None::<Result<Plane, &'static str>>);
    let camera = StoredValue::new_local(None::<Rc<Camera>>);
    let stop_camera = move || {
        if let Some(c) = camera.try_update_value(Option::take).flatten() {
            c.stop();
        }
    };
    Effect::new(move |_| {
        if source.get() != Source::Camera {
            stop_camera();
            camera_frame.set(None);
            return;
        }
        if camera.with_value(Option::is_some) {
            return;
        }
        leptos::task::spawn_local(async move {
            let opened = match Camera::open().await {
                Ok(c) => Rc::new(c),
                Err(e) => {
                    camera_frame.try_set(Some(Err(e)));
                    return;
                }
            };
            if source.try_get_untracked() != Some(Source::Camera) {
                opened.stop();
                return;
            }
            camera.set_value(Some(opened.clone()));
            // Frames while this camera is the one in use.
            while camera.try_with_value(|c| c.as_ref().is_some_and(|c| Rc::ptr_eq(c, &opened)))
                == Some(true)
            {
                if let Some(frame) = opened.frame(MAX_SIDE / 2) {
                    camera_frame.try_set(Some(Ok(frame)));
                }
                sleep(camera::FRAME_MS).await;
            }
        });
    });
    on_cleanup(stop_camera);
    let dragging = RwSignal::new(false);

    /// What the image area shows: the image, or why there is none yet.
    #[derive(Clone, PartialEq)]
    enum Picture {
        Ready(Plane),
        Loading,
        Missing(String),
    }
    let picture = Memo::new(move |_| match source.get() {
        Source::Digit(n) => mnist.with(|m| match m {
            None => Picture::Loading,
            Some(Err(e)) => Picture::Missing(e.clone()),
            Some(Ok(split)) => {
                let set = if split.test.is_empty() {
                    &split.train
                } else {
                    &split.test
                };
                let i = n % set.len().max(1);
                Picture::Ready(Plane {
                    rows: set.rows,
                    cols: set.cols,
                    values: set.image(i).iter().map(|&v| f32::from(v) / 255.0).collect(),
                })
            }
        }),
        Source::Photo => match photo.get() {
            None => Picture::Loading,
            Some(Ok(p)) => Picture::Ready(p),
            Some(Err(e)) => Picture::Missing(e),
        },
        Source::Camera => match camera_frame.get() {
            None => Picture::Loading,
            Some(Ok(p)) => Picture::Ready(p),
            Some(Err(e)) => Picture::Missing(i18n.t(e).to_string()),
        },
        Source::Upload => match upload.get() {
            Some((_, p)) => Picture::Ready(p),
            None => Picture::Missing(
                i18n.t("No image uploaded yet: choose a file or drop one on this page.")
                    .to_string(),
            ),
        },
    });
    let image = Memo::new(move |_| match picture.get() {
        Picture::Ready(p) => Some(p),
        _ => None,
    });

    // --- The kernel ---
    let kernel = Memo::new(move |_| {
        let name = query.get("kernel").unwrap_or_else(|| "sobel-x".into());
        if let Some(p) = preset(&name) {
            return Kernel {
                rows: p.rows,
                cols: p.cols,
                weights: p.weights.to_vec(),
                preset: Some(p.name),
            };
        }
        let rows = query.parse("kh", 3usize).clamp(1, MAX_KERNEL);
        let cols = query.parse("kw", 3usize).clamp(1, MAX_KERNEL);
        let given: Option<Vec<f32>> = query.get("wt").and_then(|t| {
            t.split(',')
                .map(|v| v.trim().parse::<f32>().ok().filter(|v| v.is_finite()))
                .collect()
        });
        let weights = match given {
            Some(w) if w.len() == rows * cols => w,
            _ => centre_one(rows, cols),
        };
        Kernel {
            rows,
            cols,
            weights,
            preset: None,
        }
    });
    let set_custom = move |rows: usize, cols: usize, weights: &[f32], history: History| {
        query.set_all(
            &[
                ("kernel", Some("custom".into())),
                ("kh", Some(rows.to_string())),
                ("kw", Some(cols.to_string())),
                ("wt", Some(weights_param(weights))),
            ],
            history,
        );
    };
    let edit = move |index: usize, value: f32| {
        let k = kernel.get_untracked();
        let mut weights = k.weights;
        if index < weights.len() && weights[index] != value {
            weights[index] = value;
            set_custom(k.rows, k.cols, &weights, History::Replace);
        }
    };
    // Live editing: a cell's text is taken as soon as it reads as the number it will show (so
    // "0." or "-" wait for more typing); the grid's own change event takes the rest.
    let live_edit = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let cell = |name| {
            input
                .get_attribute(name)
                .and_then(|v| v.parse::<usize>().ok())
        };
        let (Some(row), Some(col)) = (cell("data-row"), cell("data-col")) else {
            return;
        };
        let text = input.value();
        let text = text.trim();
        if let Ok(v) = text.parse::<f32>() {
            if v.is_finite() && format::value(v) == text {
                edit(row * kernel.get_untracked().cols + col, v);
            }
        }
    };
    let resize = move |rows: usize, cols: usize| {
        let k = kernel.get_untracked();
        let mut weights = vec![0.0; rows * cols];
        for y in 0..rows.min(k.rows) {
            for x in 0..cols.min(k.cols) {
                weights[y * cols + x] = k.weights[y * k.cols + x];
            }
        }
        set_custom(rows, cols, &weights, History::Replace);
    };
    let choose_preset = move |name: &'static str| {
        if name == "custom" {
            let k = kernel.get_untracked();
            set_custom(k.rows, k.cols, &k.weights, History::Push);
        } else {
            query.set_all(
                &[
                    ("kernel", Some(name.into())),
                    ("kh", None),
                    ("kw", None),
                    ("wt", None),
                ],
                History::Push,
            );
        }
    };

    // --- The convolution ---
    let params = Memo::new(move |_| {
        let s = query.parse("s", 1usize).clamp(1, 8);
        let p = query.parse("p", 0usize).clamp(0, 8);
        let d = query.parse("d", 1usize).clamp(1, 8);
        Conv2dParams {
            stride: [s, s],
            padding: [p, p],
            dilation: [d, d],
            groups: 1,
        }
    });
    let geometry = Memo::new(move |_| {
        let [rows, cols] = image.with(|i| i.as_ref().map(|i| [i.rows, i.cols]))?;
        let k = kernel.get();
        let p = params.get();
        Some(
            conv_output_hw(
                [rows, cols],
                [k.rows, k.cols],
                p.stride,
                p.padding,
                p.dilation,
            )
            .map(|[h, w]| Geometry {
                input: [rows, cols],
                output: [h.output, w.output],
                span: [h.effective_kernel, w.effective_kernel],
                stride: p.stride[0],
                padding: p.padding[0],
            })
            .map_err(|e| e.to_string()),
        )
    });
    let output = use_op(move || {
        let Some(img) = image.get() else {
            return Err(WAITING.into());
        };
        let k = kernel.get();
        let input =
            Tensor::new(vec![1, 1, img.rows, img.cols], img.values).map_err(|e| e.to_string())?;
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
    let max_abs = Memo::new(move |_| {
        feature.with(|f| {
            f.as_ref()
                .map(|f| f.values.iter().fold(0.0f32, |m, v| m.max(v.abs())))
        })
    });
    let error = move || {
        if let Some(Err(e)) = geometry.get() {
            return Some(e);
        }
        match output.get() {
            Some(Err(e)) if e != WAITING => Some(e),
            _ => None,
        }
    };

    // --- The pointer, linked across the two pictures ---
    let pointer = RwSignal::new(None::<Pointer>);
    let linked = Memo::new(move |_| {
        let g = geometry.get()?.ok()?;
        let (i, o) = g.link(pointer.get()?)?;
        Some((g, i, o))
    });
    let pixel_value = move || {
        let Some((_, [y, x], [oy, ox])) = linked.get() else {
            return i18n
                .t("Point at the image or the feature map to read both values.")
                .to_string();
        };
        let v = image.with(|img| {
            img.as_ref()
                .and_then(|p| p.values.get(y * p.cols + x).copied())
        });
        let o = feature.with(|f| {
            f.as_ref()
                .and_then(|p| p.values.get(oy * p.cols + ox).copied())
        });
        let show = |v: Option<f32>| v.map(format::value).unwrap_or_else(|| "…".into());
        format!(
            "{} ({y}, {x}) = {}  →  {} ({oy}, {ox}) = {}",
            i18n.t("Image"),
            show(v),
            i18n.t("Feature map"),
            show(o)
        )
    };
    let input_overlay = move || {
        let (g, _, o) = linked.get()?;
        Some(view! {
            <div class="kn-window" aria-hidden="true" style=overlay_style(g.window_start(o), g.span, g.input)></div>
        })
    };
    let feature_overlay = move || {
        let (g, _, [oy, ox]) = linked.get()?;
        Some(view! {
            <div class="kn-window kn-window-out" aria-hidden="true" style=overlay_style([oy as i64, ox as i64], [1, 1], g.output)></div>
        })
    };

    // --- Uploads ---
    let take_file = move |file: web_sys::File| {
        let name = file.name();
        let kind = file.type_();
        if !kind.starts_with("image/") {
            upload_error.set(Some(UploadError::NotImage { name, kind }));
            return;
        }
        if file.size() > MAX_UPLOAD_BYTES {
            let megabytes = file.size() / (1024.0 * 1024.0);
            upload_error.set(Some(UploadError::TooLarge { name, megabytes }));
            return;
        }
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&file) else {
            upload_error.set(Some(UploadError::Unreadable { name }));
            return;
        };
        upload_error.set(None);
        leptos::task::spawn_local(async move {
            let result = decode_image(&url).await;
            let _ = web_sys::Url::revoke_object_url(&url);
            match result {
                Ok(plane) => {
                    UPLOAD.with(|u| *u.borrow_mut() = Some((name.clone(), plane.clone())));
                    if upload.try_set(Some((name, plane))).is_none() {
                        query.set_all(&[("img", Some("upload".into()))], History::Push);
                    }
                }
                Err(_) => {
                    upload_error.try_set(Some(UploadError::Unreadable { name }));
                }
            }
        });
    };
    let on_file = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            take_file(file);
        }
        // The same file chosen again must fire `change` again.
        input.set_value("");
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            take_file(file);
        }
    };
    let upload_message = move || {
        let e = upload_error.get()?;
        Some(match e {
            UploadError::NotImage { name, kind } => i18n
                .t("“{name}” is not an image ({type}): choose a PNG, JPEG, GIF, WebP or BMP file.")
                .replace("{name}", &name)
                .replace(
                    "{type}",
                    if kind.is_empty() {
                        i18n.t("unknown type")
                    } else {
                        &kind
                    },
                ),
            UploadError::TooLarge { name, megabytes } => i18n
                .t("“{name}” is {size} MB: the limit is 20 MB.")
                .replace("{name}", &name)
                .replace("{size}", &format!("{megabytes:.1}")),
            UploadError::Unreadable { name } => i18n
                .t("“{name}” could not be read as an image.")
                .replace("{name}", &name),
        })
    };

    // --- The digits to pick from: the first of each class in the test split ---
    let digits = Memo::new(move |_| {
        mnist.with(|m| {
            let Some(Ok(split)) = m else { return vec![] };
            let set = if split.test.is_empty() {
                &split.train
            } else {
                &split.test
            };
            (0..10u8)
                .filter_map(|class| {
                    let i = set.labels.iter().position(|&l| l == class)?;
                    let plane = Plane {
                        rows: set.rows,
                        cols: set.cols,
                        values: set.image(i).iter().map(|&v| f32::from(v) / 255.0).collect(),
                    };
                    Some((i, plane))
                })
                .collect::<Vec<_>>()
        })
    });
    let digit_count = Memo::new(move |_| {
        mnist.with(|m| match m {
            Some(Ok(s)) if !s.test.is_empty() => s.test.len(),
            Some(Ok(s)) => s.train.len(),
            _ => 0,
        })
    });
    let pick = move |img: String| query.set_all(&[("img", Some(img))], History::Push);

    let krows = Memo::new(move |_| kernel.get().rows);
    let kcols = Memo::new(move |_| kernel.get().cols);
    let kweights = Memo::new(move |_| kernel.get().weights);
    let current = Memo::new(move |_| kernel.get().preset.unwrap_or("custom"));
    let explanation = move || i18n.t(preset(current.get()).map_or(CUSTOM_EXPLAINS, |p| p.explains));
    let pytorch = move || {
        let k = kernel.get();
        let p = params.get();
        let size = if k.rows == k.cols {
            k.rows.to_string()
        } else {
            format!("({}, {})", k.rows, k.cols)
        };
        format!(
            "nn.Conv2d(1, 1, kernel_size={size}, stride={}, padding={}, dilation={}, bias=False)",
            p.stride[0], p.padding[0], p.dilation[0]
        )
    };
    let shape = move || match (image.get(), geometry.get()) {
        (Some(img), Some(Ok(g))) => format!(
            "(1, 1, {}, {}) → (1, 1, {}, {})",
            img.rows, img.cols, g.output[0], g.output[1]
        ),
        _ => String::new(),
    };
    let feature_size = move || match geometry.get() {
        Some(Ok(g)) => format!("({}, {})", g.output[0], g.output[1]),
        Some(Err(_)) => "—".into(),
        None => "…".into(),
    };
    let image_size = move || {
        image.with(|i| {
            i.as_ref()
                .map(|i| format!("({}, {})", i.rows, i.cols))
                .unwrap_or_else(|| "…".into())
        })
    };
    let placeholder = move || match picture.get() {
        Picture::Loading => Some(i18n.t("Loading…").to_string()),
        Picture::Missing(why) => Some(why),
        Picture::Ready(_) => None,
    };
    let size_field =
        move |label: &'static str, id: &'static str, value: Memo<usize>, rows: bool| {
            let set = Callback::new(move |v: usize| {
                if rows {
                    resize(v, kcols.get_untracked());
                } else {
                    resize(krows.get_untracked(), v);
                }
            });
            view! { <NumberField label=label id=id value=value min=1 max=MAX_KERNEL set=set/> }
        };

    view! {
        <section
            class="lesson"
            data-page="kernels"
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |ev: web_sys::DragEvent| {
                if ev.related_target().is_none() {
                    dragging.set(false);
                }
            }
            on:drop=on_drop
        >
            <h1>{move || i18n.t("Image kernels")}</h1>
            <div class="kn-images">
                <div class="kn-thumbs" role="group" aria-label=move || i18n.t("Image")>
                    <span class="kn-heading">{move || i18n.t("Image")} ":"</span>
                    {move || {
                        digits
                            .get()
                            .into_iter()
                            .map(|(i, plane)| {
                                view! {
                                    <button
                                        class="kn-thumb"
                                        data-testid=format!("digit-{i}")
                                        aria-pressed=move || (source.get() == Source::Digit(i)).to_string()
                                        title=move || format!("{} {i}", i18n.t("Digit"))
                                        on:click=move |_| pick(format!("digit:{i}"))
                                    >
                                        <Heatmap
                                            testid="digit-thumb"
                                            label=Signal::derive(move || format!("{} {i}", i18n.t("Digit")))
                                            plane=Signal::derive(move || Some(plane.clone()))
                                            signed=false
                                        />
                                    </button>
                                }
                            })
                            .collect_view()
                    }}
                    <button
                        class="kn-pick"
                        data-testid="digit-random"
                        disabled=move || digit_count.get() == 0
                        on:click=move |_| {
                            let n = digit_count.get_untracked().max(1);
                            let i = (js_sys::Math::random() * n as f64) as usize % n;
                            pick(format!("digit:{i}"));
                        }
                    >
                        {move || i18n.t("Another digit")}
                    </button>
                    <button
                        class="kn-pick kn-photo"
                        data-testid="image-photo"
                        aria-pressed=move || (source.get() == Source::Photo).to_string()
                        on:click=move |_| pick("photo".into())
                    >
                        <img src="images/camera.png" alt="" width="32" height="32"/>
                        {move || i18n.t("Photo")}
                    </button>
                    <button
                        class="kn-pick"
                        data-testid="image-camera"
                        aria-pressed=move || (source.get() == Source::Camera).to_string()
                        on:click=move |_| pick("camera".into())
                    >
                        {move || i18n.t("Camera")}
                    </button>
                    {move || upload.get().map(|(name, _)| view! {
                        <button
                            class="kn-pick"
                            data-testid="image-upload"
                            aria-pressed=move || (source.get() == Source::Upload).to_string()
                            on:click=move |_| pick("upload".into())
                        >
                            {name}
                        </button>
                    })}
                </div>
                <div class="kn-drop" class:dragging=move || dragging.get() data-testid="drop-zone">
                    <label class="kn-file">
                        <span>{move || i18n.t("Your own image…")}</span>
                        <input type="file" accept="image/*" data-testid="upload-input" on:change=on_file/>
                    </label>
                    <span class="note">{move || i18n.t("or drop one on this page. It never leaves your browser.")}</span>
                </div>
            </div>
            <p class="error" data-testid="upload-error" role="alert">{upload_message}</p>
            <div class="examples kn-presets" role="group">
                <span>{move || i18n.t("Kernel")} ":"</span>
                {PRESETS
                    .iter()
                    .map(|p| (p.name, p.title))
                    .chain([("custom", "custom")])
                    .map(|(name, title)| {
                        view! {
                            <button
                                data-testid=format!("preset-{name}")
                                aria-pressed=move || (current.get() == name).to_string()
                                on:click=move |_| choose_preset(name)
                            >
                                {move || i18n.t(title)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="kn-stage">
                <figure class="kn-figure">
                    <figcaption>{move || i18n.t("Image")} " " <span class="kn-dims">{image_size}</span></figcaption>
                    <div class="kn-canvas">
                        <Heatmap
                            testid="input-image"
                            label=Signal::derive(move || i18n.t("Image").to_string())
                            plane=image
                            signed=false
                            on_hover=Callback::new(move |c: Option<(usize, usize)>| pointer.set(c.map(|(y, x)| Pointer::Image(y, x))))
                        />
                        {input_overlay}
                        {move || placeholder().map(|text| view! { <p class="kn-placeholder" data-testid="image-placeholder">{text}</p> })}
                    </div>
                </figure>
                <div class="kn-kernel">
                    <h2>{move || i18n.t("Kernel")} " " <span class="kn-dims">{move || format!("{} × {}", krows.get(), kcols.get())}</span></h2>
                    <div class="kn-grid" on:input=live_edit>
                        <Grid
                            testid="kernel-grid"
                            label=Signal::derive(move || i18n.t("Kernel").to_string())
                            rows=krows
                            cols=kcols
                            values=kweights
                            on_edit=Callback::new(move |(i, v)| edit(i, v))
                        />
                    </div>
                    <p class="kn-explains" data-testid="kernel-explanation">{explanation}</p>
                    <div class="controls kn-params">
                        {size_field("Rows", "param-kh", krows, true)}
                        {size_field("Columns", "param-kw", kcols, false)}
                        <NumberParam label="Stride" key="s" default=1 min=1 max=8/>
                        <NumberParam label="Padding" key="p" default=0 min=0 max=8/>
                        <NumberParam label="Dilation" key="d" default=1 min=1 max=8/>
                    </div>
                </div>
                <figure class="kn-figure">
                    <figcaption>
                        {move || i18n.t("Feature map")} " "
                        <output class="kn-dims" data-testid="feature-size">{feature_size}</output>
                    </figcaption>
                    <div class="kn-canvas">
                        <Heatmap
                            testid="feature-map"
                            label=Signal::derive(move || i18n.t("Feature map").to_string())
                            plane=feature
                            signed=true
                            on_hover=Callback::new(move |c: Option<(usize, usize)>| pointer.set(c.map(|(y, x)| Pointer::Feature(y, x))))
                        />
                        {feature_overlay}
                        {move || {
                            let waiting = feature.with(Option::is_none) && error().is_none() && image.with(Option::is_some);
                            waiting.then(|| view! { <p class="kn-placeholder">{move || i18n.t("Computing…")}</p> })
                        }}
                    </div>
                    <div class="kn-legend" data-testid="legend" aria-label=move || i18n.t("Colour scale")>
                        <span class="kn-ramp" aria-hidden="true"></span>
                        <span class="kn-ticks">
                            <span>{move || max_abs.get().map(|m| format!("−{}", format::value(m))).unwrap_or_default()}</span>
                            <span>"0"</span>
                            <span>{move || max_abs.get().map(|m| format!("+{}", format::value(m))).unwrap_or_default()}</span>
                        </span>
                    </div>
                </figure>
            </div>
            <p class="kn-readout" data-testid="pixel-value" aria-live="polite">{pixel_value}</p>
            {move || error().map(|e| view! { <p class="error" role="alert" data-testid="kernel-error">{i18n.message(&e)}</p> })}
            <p class="pytorch">
                <code data-testid="pytorch">{pytorch}</code>
                <span class="kn-shape">{shape}</span>
            </p>
        </section>
    }
}

/// Why an upload was refused.
#[derive(Clone, Debug, PartialEq)]
enum UploadError {
    NotImage { name: String, kind: String },
    TooLarge { name: String, megabytes: f64 },
    Unreadable { name: String },
}

/// The op's "error" while the image is still loading (not shown).
const WAITING: &str = "waiting for the image";

/// The Korean of this page's texts (see `i18n`).
pub const KO: &[(&str, &str)] = &[
    // Presets
    ("identity", "항등(identity)"),
    ("edge [1, −1]", "에지 [1, −1]"),
    ("edge, transposed", "에지, 전치"),
    ("Sobel x", "소벨 x"),
    ("Sobel y", "소벨 y"),
    ("Prewitt x", "프리윗 x"),
    ("Prewitt y", "프리윗 y"),
    ("Laplacian", "라플라시안"),
    ("sharpen", "선명하게"),
    ("box blur", "박스 블러"),
    ("Gaussian blur", "가우시안 블러"),
    ("emboss", "엠보스"),
    ("outline", "윤곽선"),
    ("custom", "직접 입력"),
    (
        "Copies the image: the centre weight is 1, every other 0. A starting point for your own kernel.",
        "이미지를 그대로 복사합니다: 가운데 가중치만 1이고 나머지는 0입니다. 나만의 커널을 만들 때 출발점으로 좋습니다.",
    ),
    (
        "The notes' edge detector: each pixel minus its right neighbour. Zero on flat areas, large at vertical edges (positive where the image gets darker to the right).",
        "노트의 에지 검출기: 각 픽셀에서 오른쪽 이웃을 뺍니다. 평평한 곳은 0, 세로 경계에서 크고 (오른쪽으로 어두워지면 양수) 입니다.",
    ),
    (
        "[1, −1] turned on its side: each pixel minus the one below it, so it finds horizontal edges.",
        "[1, −1]을 세운 것: 각 픽셀에서 아래 픽셀을 빼므로 가로 경계를 찾습니다.",
    ),
    (
        "The horizontal gradient, smoothed over three rows: vertical edges, positive where the image gets brighter to the right.",
        "세 행에 걸쳐 부드럽게 한 가로 방향 기울기: 세로 경계를 찾고, 오른쪽으로 밝아지면 양수입니다.",
    ),
    (
        "The vertical gradient: horizontal edges, positive where the image gets brighter downwards.",
        "세로 방향 기울기: 가로 경계를 찾고, 아래로 밝아지면 양수입니다.",
    ),
    (
        "Like Sobel x with equal weights on the three rows: vertical edges.",
        "세 행의 가중치가 같은 소벨 x: 세로 경계를 찾습니다.",
    ),
    (
        "Like Sobel y with equal weights on the three columns: horizontal edges.",
        "세 열의 가중치가 같은 소벨 y: 가로 경계를 찾습니다.",
    ),
    (
        "The second derivative: edges and fine detail in every direction; zero where the image is flat or changes evenly.",
        "2차 미분: 모든 방향의 경계와 세부를 찾습니다. 평평하거나 고르게 변하는 곳은 0입니다.",
    ),
    (
        "The pixel plus its difference from its neighbours (identity minus the Laplacian): edges look crisper.",
        "픽셀에 이웃과의 차이를 더합니다 (항등 − 라플라시안): 경계가 더 또렷해집니다.",
    ),
    (
        "The average of the 3×3 neighbourhood (each weight 1/9): smooths noise and fine detail away.",
        "3×3 이웃의 평균 (가중치 모두 1/9): 잡음과 세부를 부드럽게 지웁니다.",
    ),
    (
        "A weighted average, the nearer pixels counting more ([1 2 1; 2 4 2; 1 2 1] / 16): a softer blur.",
        "가까운 픽셀일수록 더 크게 반영하는 가중 평균 ([1 2 1; 2 4 2; 1 2 1] / 16): 더 부드러운 블러입니다.",
    ),
    (
        "A diagonal gradient plus the pixel: edges become light and shadow, as if the image were embossed.",
        "대각선 기울기에 픽셀을 더합니다: 경계가 빛과 그림자가 되어 양각처럼 보입니다.",
    ),
    (
        "8 × the pixel minus its 8 neighbours: every edge lights up, flat areas go to 0.",
        "픽셀의 8배에서 8개 이웃을 뺍니다: 모든 경계가 드러나고 평평한 곳은 0이 됩니다.",
    ),
    (
        "Your own weights: type any number in the kernel and the feature map follows as you type.",
        "직접 정한 가중치: 커널에 아무 숫자나 입력하면 입력하는 대로 특성 맵이 바뀝니다.",
    ),
    // Page
    ("Image", "이미지"),
    ("Feature map", "특성 맵"),
    ("Digit", "숫자"),
    ("Another digit", "다른 숫자"),
    ("Photo", "사진"),
    ("Camera", "카메라"),
    (
        "This browser gives no access to a camera here (a camera needs a secure page: https, or localhost).",
        "이 브라우저는 여기서 카메라를 쓸 수 없습니다(카메라는 보안 페이지에서만 쓸 수 있습니다: https 또는 localhost).",
    ),
    ("The camera could not be opened: pick another image.", "카메라를 열 수 없습니다: 다른 이미지를 고르세요."),
    (
        "The camera was not allowed: allow it for this page (the camera icon in the address bar), or pick another image.",
        "카메라가 허용되지 않았습니다: 이 페이지에 카메라를 허용하거나(주소 표시줄의 카메라 아이콘), 다른 이미지를 고르세요.",
    ),
    ("No camera was found: connect one, or pick another image.", "카메라를 찾을 수 없습니다: 카메라를 연결하거나 다른 이미지를 고르세요."),
    (
        "The camera is busy or failed to start: close other programs using it, then try again.",
        "카메라가 사용 중이거나 켜지지 않았습니다: 카메라를 쓰는 다른 프로그램을 닫고 다시 시도하세요.",
    ),
    ("Your own image…", "내 이미지…"),
    (
        "or drop one on this page. It never leaves your browser.",
        "또는 이 페이지에 끌어다 놓으세요. 파일은 브라우저 밖으로 나가지 않습니다.",
    ),
    (
        "No image uploaded yet: choose a file or drop one on this page.",
        "아직 올린 이미지가 없습니다: 파일을 고르거나 이 페이지에 끌어다 놓으세요.",
    ),
    (
        "“{name}” is not an image ({type}): choose a PNG, JPEG, GIF, WebP or BMP file.",
        "“{name}”은(는) 이미지가 아닙니다 ({type}): PNG, JPEG, GIF, WebP, BMP 파일을 고르세요.",
    ),
    ("unknown type", "알 수 없는 형식"),
    (
        "“{name}” is {size} MB: the limit is 20 MB.",
        "“{name}”은(는) {size} MB입니다: 20 MB까지만 올릴 수 있습니다.",
    ),
    (
        "“{name}” could not be read as an image.",
        "“{name}”을(를) 이미지로 읽을 수 없습니다.",
    ),
    (
        "Point at the image or the feature map to read both values.",
        "이미지나 특성 맵을 가리키면 두 값을 함께 보여 줍니다.",
    ),
    ("Loading…", "불러오는 중…"),
    ("Rows", "행"),
    ("Columns", "열"),
    ("Colour scale", "색 척도"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_well_formed() {
        for p in &PRESETS {
            assert_eq!(p.weights.len(), p.rows * p.cols, "{}", p.name);
        }
        assert_eq!(preset("edge").map(|p| (p.rows, p.cols)), Some((1, 2)));
        assert_eq!(preset("edge-t").map(|p| (p.rows, p.cols)), Some((2, 1)));
        let blur: f32 = preset("gaussian-blur").unwrap().weights.iter().sum();
        assert!((blur - 1.0).abs() < 1e-6);
    }

    #[test]
    fn image_sources() {
        assert_eq!(Source::parse(None), Source::Digit(0));
        assert_eq!(Source::parse(Some("digit:17")), Source::Digit(17));
        assert_eq!(Source::parse(Some("photo")), Source::Photo);
        assert_eq!(Source::parse(Some("upload")), Source::Upload);
        assert_eq!(Source::parse(Some("digit:x")), Source::Digit(0));
    }

    #[test]
    fn shrinking_averages_blocks() {
        let p = shrink(vec![0.0, 1.0, 0.5, 0.5], 2, 2, 1);
        assert_eq!((p.rows, p.cols), (1, 1));
        assert!((p.values[0] - 0.5).abs() < 1e-6);
        let wide = shrink(vec![0.25; 600 * 1000], 600, 1000, 256);
        assert_eq!((wide.rows, wide.cols), (154, 256));
        assert!(wide.values.iter().all(|v| (v - 0.25).abs() < 1e-6));
        let small = shrink(vec![1.0; 28 * 28], 28, 28, 256);
        assert_eq!((small.rows, small.cols), (28, 28));
    }

    #[test]
    fn pointer_links_image_and_feature_map() {
        // 28×28, 3×3, stride 1, no padding → 26×26: output (y, x) is centred on image (y+1, x+1).
        let g = Geometry {
            input: [28, 28],
            output: [26, 26],
            span: [3, 3],
            stride: 1,
            padding: 0,
        };
        assert_eq!(g.link(Pointer::Feature(0, 5)), Some(([1, 6], [0, 5])));
        assert_eq!(g.link(Pointer::Image(10, 20)), Some(([10, 20], [9, 19])));
        assert_eq!(g.link(Pointer::Image(0, 27)), Some(([0, 27], [0, 25])));
        assert_eq!(g.link(Pointer::Feature(26, 0)), None);
        // Stride 2 with padding 1: output 7's window starts at 13.
        let g = Geometry {
            input: [28, 28],
            output: [14, 14],
            span: [3, 3],
            stride: 2,
            padding: 1,
        };
        assert_eq!(g.window_start([7, 0]), [13, -1]);
        assert_eq!(g.link(Pointer::Feature(7, 0)), Some(([14, 0], [7, 0])));
    }

    #[test]
    fn custom_weights_round_trip_through_the_url() {
        let w = [1.0 / 9.0, -0.5, 2.0];
        let text = weights_param(&w);
        let back: Vec<f32> = text.split(',').map(|v| v.parse().unwrap()).collect();
        assert_eq!(back, w);
    }
}
