//! The weights the lesson looks inside, by source: bundled pretrained files, the copy the
//! Training page keeps in this browser, the Training page's session as it trains, PyTorch's
//! initial values, or a `.safetensors` file the student loads. Every file goes through the
//! Training page's checks (names, shapes, finite values), read in the compute worker.

use std::sync::Arc;

use convlab_core::nn::{init, ParamStore};
use convlab_core::Tensor;

use super::state::Source;
use crate::data::fetch_bytes;
use crate::training::{self, resolved_model, weights};

pub type Params = Arc<ParamStore<Tensor>>;

/// The weights of `model` from `source`, or why there are none.
pub async fn load(model: &'static str, source: Source) -> Result<Params, String> {
    let params = match source {
        Source::Pretrained => {
            let bytes = fetch_bytes(&format!("weights/{model}.safetensors")).await?;
            weights::read_weights(bytes, model).await?.0
        }
        Source::Browser => {
            let bytes = weights::stored_weights(model).ok_or_else(|| {
                format!("No weights of {model} are kept in this browser: train it on the Training page (they are kept when it stops), or choose other weights.")
            })?;
            weights::read_weights(bytes, model).await?.0
        }
        Source::Session => {
            if training::session_model().as_deref() != Some(model) {
                return Err(format!("The Training page has no network of {model}: start one there, then come back (its weights are taken as it trains)."));
            }
            let bytes = training::export()
                .await?
                .ok_or("The Training page has no network yet: press Start there first.")?;
            weights::read_weights(bytes, model).await?.0
        }
        Source::Untrained => init::pytorch_default(&resolved_model(model)?, 0),
    };
    Ok(Arc::new(params))
}

/// The weights of a `.safetensors` file the student chose, checked against `model`.
pub async fn from_file(model: &'static str, bytes: Vec<u8>) -> Result<Params, String> {
    Ok(Arc::new(weights::read_weights(bytes, model).await?.0))
}
