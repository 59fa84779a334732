//! The GPU device and the recording of work on it.
//!
//! Every shader file is compiled once, when the engine starts. An op does not run at once: it
//! appends a dispatch to the engine's open command encoder, and its small `Params` block to a
//! CPU-side arena of uniforms. Only when a result must come back to the host ([`Engine::read`])
//! are the arena written to its GPU buffer and the encoder submitted: a whole training step
//! (forward, backward, optimizer) becomes one submission. Bind groups are cached by the buffers
//! they bind; with the recycling [`BufferPool`] the same buffers come back every step, so after
//! the first step nothing is created.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use convlab_core::{DeviceWork, Error, Result, Tensor};

use crate::pool::{BufferPool, GpuTensor};
use crate::profile::{now_ms, KernelTime, Profiled};
use crate::shaders::{Access, Shader};
use crate::tiles::Tiles;
use crate::uniforms::Uniform;

/// Bytes reserved for one dispatch's `Params` (the largest is 17 words; offsets must be aligned).
const PARAMS_SLOT: u64 = 256;
/// Dispatches recorded before the engine submits on its own (the uniform arena's capacity).
const MAX_PENDING_DISPATCHES: u64 = 4096;
/// The invocations of a 1-D kernel's workgroup (`@workgroup_size(64)` in the shaders).
const LINEAR_WORKGROUP: u32 = 64;
/// The bind-group cache is cleared beyond this many entries (only if buffers keep changing).
const MAX_CACHED_BIND_GROUPS: usize = 8192;

struct Family {
    layout: wgpu::BindGroupLayout,
    pipelines: HashMap<&'static str, wgpu::ComputePipeline>,
}

#[derive(Default)]
struct Recording {
    encoder: Option<wgpu::CommandEncoder>,
    params: Vec<u8>,
    /// While profiling: the commands so far, each kernel in a command buffer of its own.
    profile: Option<Vec<Profiled>>,
}

pub struct Engine {
    device: wgpu::Device,
    queue: wgpu::Queue,
    info: wgpu::AdapterInfo,
    tiles: Tiles,
    /// The largest tensor a shader can bind, in bytes.
    max_binding: u64,
    /// Where a tensor of a group may start in its shared buffer (bytes; the device's limit).
    storage_alignment: u64,
    params_slot: u64,
    families: HashMap<Shader, Family>,
    bind_groups: RefCell<HashMap<Vec<u64>, wgpu::BindGroup>>,
    recording: RefCell<Recording>,
    uniforms: wgpu::Buffer,
    uniforms_id: u64,
    pool: RefCell<BufferPool>,
    /// A small buffer per storage slot, bound where a kernel does not use that slot.
    placeholders: Vec<GpuTensor>,
    /// The first validation error or device loss wgpu reported; once set, every op fails with it.
    fault: Arc<Mutex<Option<String>>>,
    /// Dispatches, submissions and read-backs so far (the bench reports them per step).
    work: Cell<DeviceWork>,
}

/// The kernels of each shader file (entry points), compiled at start-up.
pub fn entry_points(shader: Shader) -> &'static [&'static str] {
    match shader {
        Shader::Conv2d => &[
            "forward",
            "forward_tiled",
            "backward_input",
            "backward_input_tiled",
            "backward_weight",
            "backward_weight_tiled",
            "backward_bias",
            "transposed",
        ],
        Shader::Pool => &["max_forward", "avg_forward", "max_backward", "avg_backward"],
        Shader::BatchNormForward => &["batch_stats", "normalize"],
        Shader::BatchNormBackward => &["backward"],
        Shader::Elementwise => &[
            "relu",
            "relu_backward",
            "sigmoid",
            "sigmoid_backward",
            "add",
            "lerp",
            "inv_sqrt",
        ],
        Shader::GlobalPool => &["forward", "backward"],
        Shader::Matmul => &["matmul"],
        Shader::CrossEntropy => &["forward"],
        Shader::Optim => &["adam", "sgd"],
    }
}

fn layout_entries(shader: Shader) -> Vec<wgpu::BindGroupLayoutEntry> {
    let buffer = |binding, ty, has_dynamic_offset| wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty,
            has_dynamic_offset,
            min_binding_size: None,
        },
        count: None,
    };
    let mut entries = vec![buffer(0, wgpu::BufferBindingType::Uniform, true)];
    for (i, access) in shader.storage().iter().enumerate() {
        let read_only = *access == Access::Read;
        entries.push(buffer(
            i as u32 + 1,
            wgpu::BufferBindingType::Storage { read_only },
            false,
        ));
    }
    entries
}

impl Engine {
    /// Builds the engine on an opened device: compiles every shader and its pipelines, the tiled
    /// convolutions with workgroups of `tiles` (see [`Tiles::for_adapter`]).
    pub fn new(
        device: wgpu::Device,
        queue: wgpu::Queue,
        info: wgpu::AdapterInfo,
        tiles: Tiles,
    ) -> Self {
        let fault = Arc::new(Mutex::new(None::<String>));
        let on_error = fault.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            on_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get_or_insert_with(|| e.to_string());
        }));
        let on_lost = fault.clone();
        device.set_device_lost_callback(move |reason, message| {
            on_lost
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get_or_insert_with(|| format!("the GPU device was lost ({reason:?}): {message}"));
        });
        let limits = device.limits();
        let max_binding = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size);
        let params_slot = PARAMS_SLOT.max(limits.min_uniform_buffer_offset_alignment as u64);
        let storage_alignment = limits.min_storage_buffer_offset_alignment.max(4) as u64;
        let tile_constants = tiles.constants();
        let families = Shader::ALL
            .into_iter()
            .map(|shader| {
                let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
                    label: Some(shader.name()),
                    source: wgpu::ShaderSource::Wgsl(shader.source().into()),
                });
                let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                    label: Some(shader.name()),
                    entries: &layout_entries(shader),
                });
                let pipeline_layout =
                    device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                        label: Some(shader.name()),
                        bind_group_layouts: &[Some(&layout)],
                        immediate_size: 0,
                    });
                let pipelines = entry_points(shader)
                    .iter()
                    .map(|&entry| {
                        let pipeline =
                            device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                                label: Some(entry),
                                layout: Some(&pipeline_layout),
                                module: &module,
                                entry_point: Some(entry),
                                compilation_options: wgpu::PipelineCompilationOptions {
                                    constants: match shader {
                                        Shader::Conv2d => &tile_constants,
                                        _ => &[],
                                    },
                                    ..Default::default()
                                },
                                cache: None,
                            });
                        (entry, pipeline)
                    })
                    .collect();
                (shader, Family { layout, pipelines })
            })
            .collect();
        let mut pool = BufferPool::new();
        let uniforms = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("convlab params"),
            size: params_slot * MAX_PENDING_DISPATCHES,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let uniforms_id = pool.next_id();
        let max_slots = Shader::ALL
            .iter()
            .map(|s| s.storage().len())
            .max()
            .unwrap_or(0);
        let placeholders = (0..max_slots)
            .map(|_| GpuTensor {
                buf: pool.acquire(&device, 4),
                offset: 0,
                shape: vec![1],
            })
            .collect();
        Engine {
            device,
            queue,
            info,
            tiles,
            max_binding,
            storage_alignment,
            params_slot,
            families,
            bind_groups: RefCell::new(HashMap::new()),
            recording: RefCell::new(Recording::default()),
            uniforms,
            uniforms_id,
            pool: RefCell::new(pool),
            placeholders,
            fault,
            work: Cell::new(DeviceWork::default()),
        }
    }

    /// The dispatches recorded, the submissions made and the results read back so far.
    pub fn work(&self) -> DeviceWork {
        self.work.get()
    }

    fn count(&self, add: impl FnOnce(&mut DeviceWork)) {
        let mut work = self.work.get();
        add(&mut work);
        self.work.set(work);
    }

    pub fn adapter_info(&self) -> &wgpu::AdapterInfo {
        &self.info
    }

    /// The device's limits (what the tiles are chosen within).
    pub fn limits(&self) -> wgpu::Limits {
        self.device.limits()
    }

    /// The tiled convolutions' workgroup sizes this engine compiled.
    pub fn tiles(&self) -> Tiles {
        self.tiles
    }

    /// Fails with the device's fault, if wgpu reported one (validation error, lost device).
    pub fn check(&self) -> Result<()> {
        match self
            .fault
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            Some(message) => Err(Error::Device(message.clone())),
            None => Ok(()),
        }
    }

    /// Bytes the buffer pool holds on the GPU.
    pub fn allocated_bytes(&self) -> u64 {
        self.pool.borrow().allocated_bytes()
    }

    /// An uninitialized tensor of `shape`, or an error when it exceeds what a shader can bind.
    pub fn alloc(&self, shape: &[usize]) -> Result<GpuTensor> {
        self.check()?;
        let bytes = self.bindable_bytes(shape)?;
        Ok(GpuTensor {
            buf: self.pool.borrow_mut().acquire(&self.device, bytes),
            offset: 0,
            shape: shape.to_vec(),
        })
    }

    /// The bytes of a tensor of `shape`, or an error when it exceeds what a shader can bind.
    fn bindable_bytes(&self, shape: &[usize]) -> Result<u64> {
        let numel = shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
        let bytes = numel.and_then(|n| n.checked_mul(4)).map(|b| b as u64);
        match bytes {
            Some(b) if b <= self.max_binding => Ok(b),
            _ => Err(Error::Device(format!(
                "a tensor of shape {shape:?} needs {} MiB, more than this GPU can bind in one buffer ({} MiB): \
                 use a smaller batch or input size, or the CPU backend",
                bytes.map_or(u64::MAX, |b| b >> 20),
                self.max_binding >> 20
            ))),
        }
    }

    /// Where each of tensors of `numels` elements starts in a group's shared buffer, and the
    /// buffer's bytes: one after the other, each at a multiple of the storage offset alignment
    /// (a binding may only start there). The gaps hold zeros, which an optimizer leaves at zero.
    pub fn group_layout(&self, numels: &[usize]) -> (Vec<u64>, u64) {
        let mut offsets = Vec::with_capacity(numels.len());
        let mut end = 0u64;
        for &n in numels {
            let start = end.next_multiple_of(self.storage_alignment);
            offsets.push(start);
            end = start + (n * 4) as u64;
        }
        (offsets, end.next_multiple_of(self.storage_alignment).max(4))
    }

    /// The whole buffer of a group, if `parts` are all of it: views of one buffer laid out by
    /// [`Engine::group_layout`] for their sizes, in order. A pass over the whole then touches
    /// these tensors and the zeros between them, nothing else.
    pub fn whole_group(&self, parts: &[&GpuTensor]) -> Option<GpuTensor> {
        let first = parts.first()?;
        let numels: Vec<usize> = parts.iter().map(|t| t.numel()).collect();
        let (offsets, total) = self.group_layout(&numels);
        let laid_out = parts
            .iter()
            .zip(&offsets)
            .all(|(t, &offset)| std::rc::Rc::ptr_eq(&t.buf, &first.buf) && t.offset == offset);
        (laid_out && first.buf.buffer.size() == total).then(|| GpuTensor {
            buf: first.buf.clone(),
            offset: 0,
            shape: vec![(total / 4) as usize],
        })
    }

    /// `tensors` uploaded into one buffer (see [`Engine::group_layout`]), each a view of it.
    pub fn upload_group(&self, tensors: &[&Tensor]) -> Result<Vec<GpuTensor>> {
        self.check()?;
        for t in tensors {
            self.bindable_bytes(&t.shape)?;
        }
        let numels: Vec<usize> = tensors.iter().map(|t| t.numel()).collect();
        let (offsets, total) = self.group_layout(&numels);
        if total > self.max_binding {
            return Err(Error::Device(format!(
                "the model's parameters need {} MiB together, more than this GPU can bind in one buffer ({} MiB): \
                 use a smaller model, or the CPU backend",
                total >> 20,
                self.max_binding >> 20
            )));
        }
        let mut words = vec![0f32; (total / 4) as usize];
        for (t, &offset) in tensors.iter().zip(&offsets) {
            let first = (offset / 4) as usize;
            words[first..first + t.numel()].copy_from_slice(&t.data);
        }
        let whole = self.upload_words(&[words.len()], &words)?;
        Ok(tensors
            .iter()
            .zip(offsets)
            .map(|(t, offset)| GpuTensor {
                buf: whole.buf.clone(),
                offset,
                shape: t.shape.clone(),
            })
            .collect())
    }

    /// A tensor of zeros, cleared on the GPU in recording order.
    pub fn zeros(&self, shape: &[usize]) -> Result<GpuTensor> {
        let t = self.alloc(shape)?;
        let mut rec = self.recording.borrow_mut();
        let encoder = rec
            .encoder
            .get_or_insert_with(|| self.device.create_command_encoder(&Default::default()));
        encoder.clear_buffer(&t.buf.buffer, t.offset, Some(t.bytes()));
        Ok(t)
    }

    /// A tensor holding `data` (any plain values: f32 activations, u32 class indices).
    pub fn upload_words<T: bytemuck::Pod>(&self, shape: &[usize], data: &[T]) -> Result<GpuTensor> {
        let t = self.alloc(shape)?;
        let bytes: &[u8] = bytemuck::cast_slice(data);
        if bytes.is_empty() {
            return Ok(t);
        }
        // The data is copied in recording order, from a staging buffer filled now: work recorded
        // earlier that still reads this recycled buffer runs first, without a submission of its
        // own (a queue write would land before everything not yet submitted). A training step's
        // labels, uploaded mid-step, so cost no extra round trip.
        let size = (bytes.len() as u64).next_multiple_of(wgpu::COPY_BUFFER_ALIGNMENT);
        let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("convlab upload"),
            size,
            usage: wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: true,
        });
        staging
            .slice(..)
            .get_mapped_range_mut()
            .map_err(|e| Error::Device(e.to_string()))?
            .slice(..bytes.len())
            .copy_from_slice(bytes);
        staging.unmap();
        let mut rec = self.recording.borrow_mut();
        let encoder = rec
            .encoder
            .get_or_insert_with(|| self.device.create_command_encoder(&Default::default()));
        encoder.copy_buffer_to_buffer(&staging, 0, &t.buf.buffer, t.offset, size);
        Ok(t)
    }

    pub fn upload(&self, t: &Tensor) -> Result<GpuTensor> {
        self.upload_words(&t.shape, &t.data)
    }

    /// Records one dispatch of `entry` from the shader `params` belongs to; `params` is that
    /// file's `Params` struct; `storage[i]` is bound at binding `i + 1` (`None`: unused).
    pub fn dispatch<P: Uniform>(
        &self,
        entry: &'static str,
        params: &P,
        storage: &[Option<&GpuTensor>],
        workgroups: [u32; 3],
    ) -> Result<()> {
        self.check()?;
        let shader = P::SHADER;
        let family = &self.families[&shader];
        let pipeline = family
            .pipelines
            .get(entry)
            .ok_or_else(|| Error::Device(format!("no kernel {entry} in {}", shader.name())))?;
        let buffers: Vec<&GpuTensor> = (0..shader.storage().len())
            .map(|i| {
                storage
                    .get(i)
                    .copied()
                    .flatten()
                    .unwrap_or(&self.placeholders[i])
            })
            .collect();
        let bind_group = self.bind_group(shader, &family.layout, &buffers);
        if self.recording.borrow().params.len() as u64 >= self.params_slot * MAX_PENDING_DISPATCHES
        {
            if self.profiling() {
                return Err(Error::Device(format!(
                    "a profile holds at most {MAX_PENDING_DISPATCHES} kernels"
                )));
            }
            self.submit();
        }
        let mut rec = self.recording.borrow_mut();
        let offset = rec.params.len() as u64;
        rec.params.extend_from_slice(bytemuck::bytes_of(params));
        rec.params.resize((offset + self.params_slot) as usize, 0);
        // Profiling: what was recorded before goes in a buffer of its own, and so does the kernel.
        if rec.profile.is_some() {
            if let Some(before) = rec.encoder.take() {
                let commands = before.finish();
                rec.profile
                    .get_or_insert_default()
                    .push(Profiled::Other(commands));
            }
        }
        let encoder = rec
            .encoder
            .get_or_insert_with(|| self.device.create_command_encoder(&Default::default()));
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some(entry),
            timestamp_writes: None,
        });
        pass.set_pipeline(pipeline);
        pass.set_bind_group(0, &bind_group, &[offset as u32]);
        pass.dispatch_workgroups(workgroups[0], workgroups[1], workgroups[2]);
        drop(pass);
        if rec.profile.is_some() {
            if let Some(kernel) = rec.encoder.take() {
                let commands = kernel.finish();
                rec.profile.get_or_insert_default().push(Profiled::Kernel {
                    shader,
                    entry,
                    workgroups,
                    commands,
                });
            }
        }
        self.count(|w| w.dispatches += 1);
        Ok(())
    }

    fn profiling(&self) -> bool {
        self.recording.borrow().profile.is_some()
    }

    /// Starts timing kernels one by one (see [`crate::profile`]): the work recorded so far is
    /// submitted first, so that none of it is counted. Read nothing back until
    /// [`Engine::end_profile`].
    pub fn begin_profile(&self) {
        self.submit();
        self.recording.borrow_mut().profile = Some(Vec::new());
    }

    /// Runs what was recorded since [`Engine::begin_profile`], one kernel at a time, and returns
    /// each kernel's time in recording order.
    pub async fn end_profile(&self) -> Result<Vec<KernelTime>> {
        let (items, params) = {
            let mut rec = self.recording.borrow_mut();
            let mut items = rec.profile.take().unwrap_or_default();
            if let Some(rest) = rec.encoder.take() {
                items.push(Profiled::Other(rest.finish()));
            }
            (items, std::mem::take(&mut rec.params))
        };
        if !params.is_empty() {
            self.queue.write_buffer(&self.uniforms, 0, &params);
        }
        let mut times = Vec::new();
        for item in items {
            match item {
                Profiled::Other(commands) => {
                    self.queue.submit([commands]);
                }
                Profiled::Kernel {
                    shader,
                    entry,
                    workgroups,
                    commands,
                } => {
                    let start = now_ms();
                    self.queue.submit([commands]);
                    self.done().await?;
                    times.push(KernelTime {
                        shader,
                        entry,
                        workgroups,
                        ms: now_ms() - start,
                    });
                }
            }
            self.count(|w| w.submissions += 1);
        }
        self.check()?;
        Ok(times)
    }

    /// Waits until the GPU has finished everything submitted (natively by polling the device, in
    /// the browser by yielding to the event loop until the queue says so).
    async fn done(&self) -> Result<()> {
        let (sender, receiver) = futures_channel::oneshot::channel();
        self.queue.on_submitted_work_done(move || {
            let _ = sender.send(());
        });
        #[cfg(not(target_arch = "wasm32"))]
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| Error::Device(e.to_string()))?;
        receiver
            .await
            .map_err(|_| Error::Device("the GPU dropped a profiled kernel".into()))?;
        self.check()
    }

    /// Workgroups for a 1-D kernel over `invocations` items: rows of at most 65,535 workgroups
    /// (the per-dimension limit), which the shaders' `linear_id` unfolds.
    pub fn linear(invocations: usize) -> [u32; 3] {
        Self::linear_in(invocations, LINEAR_WORKGROUP)
    }

    /// [`Engine::linear`] for a kernel whose workgroups hold `size` invocations.
    pub fn linear_in(invocations: usize, size: u32) -> [u32; 3] {
        let groups = invocations.div_ceil(size as usize).max(1) as u32;
        let x = groups.min(65_535);
        [x, groups.div_ceil(x), 1]
    }

    fn bind_group(
        &self,
        shader: Shader,
        layout: &wgpu::BindGroupLayout,
        buffers: &[&GpuTensor],
    ) -> wgpu::BindGroup {
        let mut key = vec![shader as u64, self.uniforms_id];
        key.extend(buffers.iter().flat_map(|t| [t.buf.id, t.offset, t.bytes()]));
        let mut cache = self.bind_groups.borrow_mut();
        if let Some(bg) = cache.get(&key) {
            return bg.clone();
        }
        if cache.len() >= MAX_CACHED_BIND_GROUPS {
            cache.clear();
        }
        let mut entries = vec![wgpu::BindGroupEntry {
            binding: 0,
            resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                buffer: &self.uniforms,
                offset: 0,
                size: wgpu::BufferSize::new(self.params_slot),
            }),
        }];
        for (i, t) in buffers.iter().enumerate() {
            entries.push(wgpu::BindGroupEntry {
                binding: i as u32 + 1,
                // Only the tensor's own bytes (a view of a group's buffer binds its part).
                resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                    buffer: &t.buf.buffer,
                    offset: t.offset,
                    size: wgpu::BufferSize::new(t.bytes()),
                }),
            });
        }
        let bg = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some(shader.name()),
            layout,
            entries: &entries,
        });
        cache.insert(key, bg.clone());
        bg
    }

    /// Submits the recorded work, after writing its `Params` to the uniform buffer.
    pub fn submit(&self) {
        let mut rec = self.recording.borrow_mut();
        if let Some(encoder) = rec.encoder.take() {
            if !rec.params.is_empty() {
                self.queue.write_buffer(&self.uniforms, 0, &rec.params);
            }
            self.queue.submit([encoder.finish()]);
            rec.params.clear();
            self.count(|w| w.submissions += 1);
        }
    }

    /// Copies `t` back to the host once the work recorded so far has run. Waits on the device
    /// natively; in the browser it yields to the event loop until the GPU is done.
    pub async fn read(&self, t: &GpuTensor) -> Result<Tensor> {
        let mut read = self.read_all(&[t]).await?;
        Ok(read.remove(0))
    }

    /// Copies `tensors` back to the host in one read-back: one staging buffer, one submission,
    /// one wait (a training step's loss and logits cost one round trip, not two).
    pub async fn read_all(&self, tensors: &[&GpuTensor]) -> Result<Vec<Tensor>> {
        self.check()?;
        if self.profiling() {
            return Err(Error::Device(
                "internal error: a read-back while profiling (end the profile first)".into(),
            ));
        }
        // Each tensor's place in the staging buffer (copies start at multiples of 4 bytes).
        let mut offsets = Vec::with_capacity(tensors.len());
        let mut total = 0u64;
        for t in tensors {
            offsets.push(total);
            total += t.bytes();
        }
        let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("convlab readback"),
            size: total.max(4),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        {
            let mut rec = self.recording.borrow_mut();
            let encoder = rec
                .encoder
                .get_or_insert_with(|| self.device.create_command_encoder(&Default::default()));
            for (t, &offset) in tensors.iter().zip(&offsets) {
                let bytes = t.bytes();
                if bytes > 0 {
                    encoder.copy_buffer_to_buffer(&t.buf.buffer, t.offset, &staging, offset, bytes);
                }
            }
        }
        self.submit();
        self.count(|w| w.read_backs += 1);
        let (sender, receiver) = futures_channel::oneshot::channel();
        staging
            .slice(..)
            .map_async(wgpu::MapMode::Read, move |result| {
                let _ = sender.send(result);
            });
        #[cfg(not(target_arch = "wasm32"))]
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| Error::Device(e.to_string()))?;
        let mapped = receiver
            .await
            .map_err(|_| Error::Device("the GPU dropped a read-back".into()))?;
        mapped.map_err(|e| Error::Device(format!("reading back from the GPU failed: {e}")))?;
        self.check()?;
        let read = {
            let view = staging
                .slice(..)
                .get_mapped_range()
                .map_err(|e| Error::Device(e.to_string()))?;
            let words = bytemuck::cast_slice::<u8, f32>(&view);
            tensors
                .iter()
                .zip(&offsets)
                .map(|(t, &offset)| {
                    let first = (offset / 4) as usize;
                    Tensor {
                        shape: t.shape.clone(),
                        data: words[first..first + t.numel()].to_vec(),
                    }
                })
                .collect()
        };
        staging.unmap();
        Ok(read)
    }
}
