//! The images the kernel can be applied to, as signals: the bundled digits (fetched once), the
//! shipped photo (decoded the first time it is shown), the student's upload (kept while they
//! visit other lessons, never sent anywhere) and their camera (opened while it is the image,
//! a frame every [`FRAME_MS`], turned off when another image is chosen or the student
//! leaves the lesson).

use std::cell::RefCell;
use std::rc::Rc;

use convlab_core::dataset::{Dataset, Split};
use leptos::prelude::*;

use super::model::{digit, MAX_SIDE};
use super::state::Source;
use crate::components::heatmap::Plane;
use crate::data::bundled_mnist;
use crate::i18n::use_i18n;
use crate::picture::camera::follow_camera;
use crate::picture::decode::{read_photo, read_upload, UploadError};

/// How often a camera frame is taken: often enough to look live, rarely enough to leave the page
/// time to compute each frame's feature map.
const FRAME_MS: i32 = 150;

thread_local! {
    /// The shipped photo, once decoded (it is the same for the whole visit).
    static PHOTO: RefCell<Option<Plane>> = const { RefCell::new(None) };
    /// The student's image, kept while they visit other lessons (never sent anywhere).
    static UPLOAD: RefCell<Option<(String, Plane)>> = const { RefCell::new(None) };
}

/// What the image area shows: the image, or why there is none yet.
#[derive(Clone, Debug, PartialEq)]
pub enum Picture {
    Ready(Plane),
    Loading,
    Missing(String),
}

#[derive(Clone, Copy)]
pub struct Images {
    pub picture: Memo<Picture>,
    /// The image, when there is one.
    pub image: Memo<Option<Plane>>,
    /// The first digit of each class in the test split: `(index, image)`.
    pub digits: Memo<Vec<(usize, Plane)>>,
    /// How many digits there are to pick from.
    pub digit_count: Memo<usize>,
    /// The uploaded image and its file's name.
    pub upload: RwSignal<Option<(String, Plane)>>,
    pub upload_error: RwSignal<Option<UploadError>>,
}

/// The split digits are picked from: the test split (the train split if there is none).
fn pickable(split: &Split) -> &Dataset {
    if split.test.is_empty() {
        &split.train
    } else {
        &split.test
    }
}

impl Images {
    /// The images of `source`.
    pub fn new(source: Memo<Source>) -> Self {
        let i18n = use_i18n();
        let mnist = RwSignal::new_local(None::<Result<Rc<Split>, String>>);
        leptos::task::spawn_local(async move {
            let result = bundled_mnist().await;
            mnist.try_set(Some(result));
        });
        let photo = RwSignal::new(PHOTO.with(|p| p.borrow().clone()).map(Ok::<_, String>));
        Effect::new(move |_| {
            if source.get() == Source::Photo && photo.get_untracked().is_none() {
                leptos::task::spawn_local(async move {
                    let result = read_photo(MAX_SIDE).await;
                    if let Ok(p) = &result {
                        PHOTO.with(|cache| *cache.borrow_mut() = Some(p.clone()));
                    }
                    photo.try_set(Some(result));
                });
            }
        });
        let camera_frame = follow_camera(
            Signal::derive(move || source.get() == Source::Camera),
            MAX_SIDE / 2,
            FRAME_MS,
        );
        let upload = RwSignal::new(UPLOAD.with(|u| u.borrow().clone()));
        let picture = Memo::new(move |_| match source.get() {
            Source::Digit(n) => mnist.with(|m| match m {
                None => Picture::Loading,
                Some(Err(e)) => Picture::Missing(e.clone()),
                Some(Ok(split)) => Picture::Ready(digit(pickable(split), n)),
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
        let digits = Memo::new(move |_| {
            mnist.with(|m| {
                let Some(Ok(split)) = m else { return vec![] };
                let set = pickable(split);
                (0..10u8)
                    .filter_map(|class| {
                        let i = set.labels.iter().position(|&l| l == class)?;
                        Some((i, digit(set, i)))
                    })
                    .collect()
            })
        });
        Images {
            picture,
            image: Memo::new(move |_| match picture.get() {
                Picture::Ready(p) => Some(p),
                _ => None,
            }),
            digits,
            digit_count: Memo::new(move |_| {
                mnist.with(|m| {
                    m.as_ref()
                        .and_then(|m| m.as_ref().ok())
                        .map_or(0, |s| pickable(s).len())
                })
            }),
            upload,
            upload_error: RwSignal::new(None),
        }
    }

    /// Reads the student's file; once it is an image, `shown` is called (to show it).
    pub fn take_file(&self, file: web_sys::File, shown: impl Fn() + 'static) {
        let (upload, upload_error) = (self.upload, self.upload_error);
        upload_error.set(None);
        leptos::task::spawn_local(async move {
            match read_upload(&file, MAX_SIDE).await {
                Ok(plane) => {
                    let name = file.name();
                    UPLOAD.with(|u| *u.borrow_mut() = Some((name.clone(), plane.clone())));
                    if upload.try_set(Some((name, plane))).is_none() {
                        shown();
                    }
                }
                Err(e) => {
                    upload_error.try_set(Some(e));
                }
            }
        });
    }
}
