//! The CPU engine off the page's thread. The page's own wasm is started a second time in a Web
//! Worker (nothing is fetched or compiled again: the page hands it the compiled module), and
//! answers requests there, so the page's thread only renders and a long computation never
//! freezes it. Two workers: [`compute`] for the lessons' ops, whose superseded requests are
//! dropped (a worker stuck on one is terminated and replaced), and [`training`], which holds the
//! CPU training session between steps.
//!
//! - [`protocol`]: the requests and answers, as bytes (postcard) between the two threads.
//! - [`serve`]: the worker's side: one request in, its answer out.
//! - [`client`]: the page's side: starting a worker, queueing, superseding, restarting.
//!   `boot.js` is the worker's script, which loads the wasm and calls [`serve`].

pub mod client;
pub mod protocol;
pub mod serve;

pub use client::{compute, training, Slot};
pub use protocol::{Request, Response};
