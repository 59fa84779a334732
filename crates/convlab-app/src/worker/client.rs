//! The page's side of a worker: requests wait in a queue and go to the worker one at a time, so
//! a request can still be dropped while it waits. A request from a [`Slot`] supersedes the
//! earlier ones of the same slot: those waiting are dropped, and if the worker has been busy
//! with one for more than [`SUPERSEDE_AFTER_MS`], the worker is terminated and a fresh one takes
//! the queue (a few milliseconds to start from the compiled module), rather than computing to the
//! end something nobody will see.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use futures_channel::oneshot;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, MessageEvent, Url, Worker, WorkerOptions, WorkerType};

use super::protocol::{decode, encode, Request, Response};

/// How long a superseded request may keep the worker busy before the worker is replaced:
/// short ones finish sooner than a new worker starts.
pub const SUPERSEDE_AFTER_MS: f64 = 50.0;

/// The worker's script (see the module docs of `worker`).
const BOOT_JS: &str = include_str!("boot.js");

/// Whose requests supersede each other: one computation of one page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot(pub u64);

struct Job {
    slot: Option<Slot>,
    bytes: Vec<u8>,
    reply: oneshot::Sender<Option<Response>>,
}

/// The job the worker is computing.
struct Running {
    slot: Option<Slot>,
    reply: oneshot::Sender<Option<Response>>,
    since_ms: f64,
}

/// A live worker and the handlers that hear it (kept alive with it).
struct Live {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

#[derive(Default)]
struct State {
    live: Option<Live>,
    /// Bumped at each new worker, so a late message of a terminated one is ignored.
    generation: u64,
    queue: VecDeque<Job>,
    running: Option<Running>,
    /// Set when the browser cannot start a worker: requests are then answered on this thread.
    unavailable: bool,
}

pub struct WorkerClient {
    name: &'static str,
    state: RefCell<State>,
}

thread_local! {
    static COMPUTE: Rc<WorkerClient> = Rc::new(WorkerClient::new("compute"));
    static TRAINING: Rc<WorkerClient> = Rc::new(WorkerClient::new("training"));
}

/// The worker for the lessons' computations.
pub fn compute() -> Rc<WorkerClient> {
    COMPUTE.with(Rc::clone)
}

/// The worker that holds the CPU training session.
pub fn training() -> Rc<WorkerClient> {
    TRAINING.with(Rc::clone)
}

impl WorkerClient {
    fn new(name: &'static str) -> Self {
        WorkerClient {
            name,
            state: RefCell::new(State::default()),
        }
    }

    /// Sends `request` and waits for its answer; `None` when a newer request of the same `slot`
    /// superseded it.
    pub async fn call(self: &Rc<Self>, slot: Slot, request: Request) -> Option<Response> {
        self.send(Some(slot), request).await
    }

    /// Sends `request`, which nothing supersedes, and waits for its answer.
    pub async fn ask(self: &Rc<Self>, request: Request) -> Response {
        self.send(None, request)
            .await
            .unwrap_or_else(|| Response::Error("internal error: the request was dropped".into()))
    }

    async fn send(self: &Rc<Self>, slot: Option<Slot>, request: Request) -> Option<Response> {
        let (reply, answer) = oneshot::channel();
        let bytes = encode(&request);
        {
            let mut state = self.state.borrow_mut();
            if let Some(slot) = slot {
                // Dropping a waiting job's sender answers it `None`.
                state.queue.retain(|job| job.slot != Some(slot));
                let stuck = state.running.as_ref().is_some_and(|r| {
                    r.slot == Some(slot) && now_ms() - r.since_ms > SUPERSEDE_AFTER_MS
                });
                if stuck {
                    self.stop(&mut state);
                }
            }
            state.queue.push_back(Job { slot, bytes, reply });
        }
        self.pump();
        answer.await.ok().flatten()
    }

    /// Starts the next job if the worker is free.
    fn pump(self: &Rc<Self>) {
        loop {
            let mut guard = self.state.borrow_mut();
            let state = &mut *guard;
            if state.running.is_some() {
                return;
            }
            let Some(job) = state.queue.pop_front() else {
                return;
            };
            if !state.unavailable && state.live.is_none() {
                match self.start(state) {
                    Ok(live) => state.live = Some(live),
                    Err(why) => {
                        leptos::logging::warn!(
                            "ConvLab: no {} worker ({why}); computing on the page's thread",
                            self.name
                        );
                        state.unavailable = true;
                    }
                }
            }
            match &state.live {
                Some(live) => {
                    let bytes = Uint8Array::from(job.bytes.as_slice());
                    let transfer = Array::of1(&bytes.buffer());
                    if let Err(e) = live.worker.post_message_with_transfer(&bytes, &transfer) {
                        let _ = job.reply.send(Some(Response::Error(format!(
                            "could not send the request to the {} worker: {e:?}",
                            self.name
                        ))));
                        continue;
                    }
                    state.running = Some(Running {
                        slot: job.slot,
                        reply: job.reply,
                        since_ms: now_ms(),
                    });
                    return;
                }
                None => {
                    let answer = super::serve::convlab_worker_answer(&job.bytes);
                    let _ = job
                        .reply
                        .send(Some(decode(&answer).unwrap_or_else(Response::Error)));
                }
            }
        }
    }

    /// Terminates the worker: the job it was computing is answered `None`; the queue waits for
    /// the next worker.
    fn stop(&self, state: &mut State) {
        if let Some(live) = state.live.take() {
            live.worker.terminate();
        }
        state.running = None;
        state.generation += 1;
    }

    fn finish(self: &Rc<Self>, generation: u64, response: Response) {
        {
            let mut state = self.state.borrow_mut();
            if state.generation != generation {
                return;
            }
            if let Some(running) = state.running.take() {
                let _ = running.reply.send(Some(response));
            }
        }
        self.pump();
    }

    fn start(self: &Rc<Self>, state: &mut State) -> Result<Live, String> {
        let glue = glue_url().ok_or("the page's wasm-bindgen glue was not found")?;
        let options = BlobPropertyBag::new();
        options.set_type("text/javascript");
        let blob = Blob::new_with_str_sequence_and_options(&Array::of1(&BOOT_JS.into()), &options)
            .map_err(|e| format!("{e:?}"))?;
        let url = Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
        let worker_options = WorkerOptions::new();
        worker_options.set_type(WorkerType::Module);
        worker_options.set_name(&format!("convlab-{}", self.name));
        let worker =
            Worker::new_with_options(&url, &worker_options).map_err(|e| format!("{e:?}"))?;
        let _ = Url::revoke_object_url(&url);
        let generation = state.generation;
        let me = Rc::clone(self);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let bytes = Uint8Array::new(&ev.data()).to_vec();
            me.finish(generation, decode(&bytes).unwrap_or_else(Response::Error));
        });
        let me = Rc::clone(self);
        let on_error =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |ev: web_sys::ErrorEvent| {
                ev.prevent_default();
                let message = format!(
                    "the computation stopped unexpectedly ({}); try again, or with smaller numbers",
                    ev.message()
                );
                leptos::logging::warn!("ConvLab {} worker: {message}", me.name);
                {
                    let mut state = me.state.borrow_mut();
                    if state.generation == generation {
                        if let Some(running) = state.running.take() {
                            let _ = running.reply.send(Some(Response::Error(message)));
                        }
                        me.stop(&mut state);
                    }
                }
                me.pump();
            });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let boot = Object::new();
        Reflect::set(&boot, &"glue".into(), &glue.into()).map_err(|e| format!("{e:?}"))?;
        Reflect::set(&boot, &"module".into(), &wasm_bindgen::module())
            .map_err(|e| format!("{e:?}"))?;
        worker.post_message(&boot).map_err(|e| format!("{e:?}"))?;
        Ok(Live {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        })
    }
}

/// The absolute URL of the wasm-bindgen glue the page loaded: Trunk preloads it with a
/// `<link rel="modulepreload">` whose name carries the build's hash.
pub fn glue_url() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let link = document
        .query_selector("link[rel=modulepreload][href$='.js']")
        .ok()??;
    let href = link.get_attribute("href")?;
    Url::new_with_base(&href, &document.url().ok()?)
        .ok()
        .map(|u| u.href())
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
