//! Images made grey and small in the browser, without blocking the page. A file is checked before
//! it is decoded: its type, its size (at most 20 MB), and the pixel count its header declares
//! (`convlab_core::image_size`: a small file can declare billions of pixels). A worker of its
//! own then decodes and scales it (`createImageBitmap` with resize options, `decode.js`): in the
//! page itself Chromium would decode off its thread but scale on it, for about 100 ms on the
//! largest image allowed. The worker sends back the small image's pixels, which the page turns
//! into grey levels (or, where a worker cannot draw, the small bitmap, which the page draws).
//! Nothing is sent anywhere.

use convlab_core::image_size;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{fit, grey};
use crate::components::heatmap::Plane;
use crate::data::fetch_bytes;

/// Uploads above this size are refused before anything is read.
const MAX_UPLOAD_BYTES: f64 = 20.0 * 1024.0 * 1024.0;
/// How much of a file is read first for its header: image headers sit at the start (a JPEG's
/// size comes after its metadata segments, at most 64 KB each); a file whose header is not in
/// it is read whole.
const HEADER_BYTES: f64 = 256.0 * 1024.0;

/// Why an upload was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum UploadError {
    NotImage {
        name: String,
        kind: String,
    },
    TooLarge {
        name: String,
        megabytes: f64,
    },
    /// The header's verdict (the core's message).
    Refused {
        name: String,
        reason: String,
    },
    Unreadable {
        name: String,
    },
}

/// The student's file as a grey image, its long side at most `max_side` pixels, or why it
/// cannot be one.
pub async fn read_upload(file: &web_sys::File, max_side: usize) -> Result<Plane, UploadError> {
    let name = file.name();
    let kind = file.type_();
    if !kind.starts_with("image/") {
        return Err(UploadError::NotImage { name, kind });
    }
    if file.size() > MAX_UPLOAD_BYTES {
        let megabytes = file.size() / (1024.0 * 1024.0);
        return Err(UploadError::TooLarge { name, megabytes });
    }
    let unreadable = |name: &str| UploadError::Unreadable {
        name: name.to_string(),
    };
    let head = blob_bytes(
        &file
            .slice_with_f64_and_f64(0.0, HEADER_BYTES)
            .map_err(|_| unreadable(&name))?,
    )
    .await
    .ok_or_else(|| unreadable(&name))?;
    let size = match image_size::check(&head) {
        Err(_) if file.size() > HEADER_BYTES => {
            let whole = blob_bytes(file).await.ok_or_else(|| unreadable(&name))?;
            image_size::check(&whole)
        }
        checked => checked,
    }
    .map_err(|e| UploadError::Refused {
        name: name.clone(),
        reason: e.to_string(),
    })?;
    decode(file, size, max_side)
        .await
        .map_err(|_| unreadable(&name))
}

/// The photo shipped with the app, as a grey image, its long side at most `max_side` pixels.
pub async fn read_photo(max_side: usize) -> Result<Plane, String> {
    let bytes = fetch_bytes("images/camera.png").await?;
    let size = image_size::check(&bytes).map_err(|e| e.to_string())?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&bytes[..]));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(|e| format!("{e:?}"))?;
    decode(&blob, size, max_side).await
}

async fn blob_bytes(blob: &web_sys::Blob) -> Option<Vec<u8>> {
    let buffer = JsFuture::from(blob.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Decodes the image in `blob` (`[width, height]` as its header says) and scales it so that its
/// long side is at most `max_side`; the page draws the small bitmap (transparent parts white)
/// and reads its grey levels.
async fn decode(blob: &web_sys::Blob, size: [u32; 2], max_side: usize) -> Result<Plane, String> {
    let options = web_sys::ImageBitmapOptions::new();
    // Only the long side is given: a photo the browser turns upright (its EXIF orientation)
    // keeps its proportions either way.
    let [w, h] = fit(size, max_side);
    if size[0] >= size[1] {
        options.set_resize_width(w);
    } else {
        options.set_resize_height(h);
    }
    options.set_resize_quality(web_sys::ResizeQuality::High);
    // A decoder that sent a bitmap lives until the bitmap is drawn: WebKit draws a transferred
    // bitmap blank once the worker that made it has ended.
    let mut decoder = None;
    let bitmap = match in_worker(blob, &options, max_side).await {
        Some((answer, worker)) => match answer? {
            Decoded::Pixels(plane) => return Ok(plane),
            Decoded::Bitmap(bitmap) => {
                decoder = Some(worker);
                bitmap
            }
        },
        // Where no worker starts, the page decodes it itself: Chromium decodes off the page's
        // thread but scales on it (about 100 ms for the largest image allowed).
        None => {
            let promise = window()
                .create_image_bitmap_with_blob_and_image_bitmap_options(blob, &options)
                .map_err(|e| format!("{e:?}"))?;
            JsFuture::from(promise)
                .await
                .map_err(|e| format!("{e:?}"))?
                .unchecked_into()
        }
    };
    let [cols, rows] = fit([bitmap.width(), bitmap.height()], max_side);
    let canvas: web_sys::HtmlCanvasElement = document()
        .create_element("canvas")
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    canvas.set_width(cols);
    canvas.set_height(rows);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or("no 2d canvas")?
        .unchecked_into();
    // Only used when a browser ignored the resize options: the bitmap is then scaled here.
    let _ = js_sys::Reflect::set(
        &ctx,
        &JsValue::from_str("imageSmoothingQuality"),
        &JsValue::from_str("high"),
    );
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, cols.into(), rows.into());
    let drawn =
        ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, cols.into(), rows.into());
    bitmap.close();
    drop(decoder);
    drawn.map_err(|e| format!("{e:?}"))?;
    grey_plane(&ctx, cols as usize, rows as usize)
}

/// The decoder worker's script (`decode.js`).
const DECODE_JS: &str = include_str!("decode.js");

/// A decoder worker, ended when dropped.
struct Decoder(web_sys::Worker);

impl Drop for Decoder {
    fn drop(&mut self) {
        self.0.terminate();
    }
}

/// What the decoder worker sends back.
enum Decoded {
    /// The scaled image's grey levels (from the RGBA pixels it drew on white).
    Pixels(Plane),
    /// The bitmap, for the page to scale and draw.
    Bitmap(web_sys::ImageBitmap),
}

/// The image in `blob`, decoded in a worker of its own (its answer, or why it could not decode
/// it), and that worker; `None` when the browser starts no worker here.
async fn in_worker(
    blob: &web_sys::Blob,
    options: &web_sys::ImageBitmapOptions,
    max_side: usize,
) -> Option<(Result<Decoded, String>, Decoder)> {
    let type_js = web_sys::BlobPropertyBag::new();
    type_js.set_type("text/javascript");
    let script = web_sys::Blob::new_with_str_sequence_and_options(
        &js_sys::Array::of1(&DECODE_JS.into()),
        &type_js,
    )
    .ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&script).ok()?;
    let worker = web_sys::Worker::new(&url);
    let _ = web_sys::Url::revoke_object_url(&url);
    let worker = Decoder(worker.ok()?);
    // The worker's one answer (or its failure) settles the promise.
    let answer = js_sys::Promise::new(&mut |resolve, reject| {
        worker.0.set_onmessage(Some(&resolve));
        worker.0.set_onerror(Some(&reject));
    });
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"blob".into(), blob);
    let _ = js_sys::Reflect::set(&message, &"options".into(), options);
    let _ = js_sys::Reflect::set(&message, &"max".into(), &(max_side as u32).into());
    worker.0.post_message(&message).ok()?;
    let data = match JsFuture::from(answer).await {
        Ok(event) => event.unchecked_into::<web_sys::MessageEvent>().data(),
        // The worker failed to start (its script refused): the page decodes instead.
        Err(_) => return None,
    };
    Some((decoded(data), worker))
}

/// The decoder's answer: pixels (`{ width, height, rgba }`), a bitmap, or why it failed (text).
fn decoded(data: JsValue) -> Result<Decoded, String> {
    if let Some(reason) = data.as_string() {
        return Err(reason);
    }
    let data = match data.dyn_into::<web_sys::ImageBitmap>() {
        Ok(bitmap) => return Ok(Decoded::Bitmap(bitmap)),
        Err(data) => data,
    };
    let field = |name: &str| js_sys::Reflect::get(&data, &name.into()).ok();
    let side = |name: &str| field(name).and_then(|v| v.as_f64()).map(|v| v as usize);
    let (Some(cols), Some(rows), Some(rgba)) = (side("width"), side("height"), field("rgba"))
    else {
        return Err("the decoder sent no image".into());
    };
    let rgba = js_sys::Uint8Array::new(&rgba).to_vec();
    if rgba.len() != cols * rows * 4 {
        return Err("the decoder sent a damaged image".into());
    }
    Ok(Decoded::Pixels(Plane {
        rows,
        cols,
        values: grey(&rgba),
    }))
}

/// What is drawn on a `cols × rows` canvas, as grey levels in 0..1.
pub fn grey_plane(
    ctx: &web_sys::CanvasRenderingContext2d,
    cols: usize,
    rows: usize,
) -> Result<Plane, String> {
    let rgba = ctx
        .get_image_data(0.0, 0.0, cols as f64, rows as f64)
        .map_err(|e| format!("{e:?}"))?
        .data();
    Ok(Plane {
        rows,
        cols,
        values: grey(&rgba),
    })
}
