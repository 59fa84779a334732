//! The bundled MNIST digits (`data/mnist-10k.bin`, 8,000 train / 2,000 test), fetched from the
//! page's own origin the first time a page needs them and kept for the rest of the visit.

use std::cell::RefCell;
use std::rc::Rc;

use convlab_core::dataset::{self, Split};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    static BUNDLED: RefCell<Option<Rc<Split>>> = const { RefCell::new(None) };
}

/// Fetches a file of the site as bytes.
pub async fn fetch_bytes(path: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(|e| format!("cannot fetch {path}: {e:?}"))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| format!("{path}: not a response"))?;
    if !response.ok() {
        return Err(format!("cannot fetch {path}: HTTP {}", response.status()));
    }
    let buffer = JsFuture::from(
        response
            .array_buffer()
            .map_err(|e| format!("{path}: {e:?}"))?,
    )
    .await
    .map_err(|e| format!("{path}: {e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The bundled digits, fetched and parsed once.
pub async fn bundled_mnist() -> Result<Rc<Split>, String> {
    if let Some(split) = BUNDLED.with(|b| b.borrow().clone()) {
        return Ok(split);
    }
    let bytes = fetch_bytes("data/mnist-10k.bin").await?;
    let split = Rc::new(dataset::parse_bundled(&bytes).map_err(|e| e.to_string())?);
    BUNDLED.with(|b| *b.borrow_mut() = Some(split.clone()));
    Ok(split)
}
