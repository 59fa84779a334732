//! GPU buffers recycled by size. A training step asks for the same sizes in the same order every
//! time, so after the first step every buffer (and every bind group, which the engine caches by
//! buffer) is reused, and GPU memory stays flat however long training runs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

/// A buffer of the pool; it returns to its pool's free list when the last tensor using it drops.
#[derive(Debug)]
pub struct PooledBuffer {
    pub(crate) buffer: wgpu::Buffer,
    /// Unique per buffer for the engine's lifetime: the bind-group cache's key.
    pub(crate) id: u64,
    pool: Weak<RefCell<FreeLists>>,
}

impl Drop for PooledBuffer {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.upgrade() {
            pool.borrow_mut()
                .entry(self.buffer.size())
                .or_default()
                .push((self.id, self.buffer.clone()));
        }
    }
}

type FreeLists = HashMap<u64, Vec<(u64, wgpu::Buffer)>>;

/// A tensor living in GPU memory: a shared buffer, where in it the tensor starts, and a shape (a
/// reshape shares the buffer). Most tensors own their buffer from byte 0; the tensors of a group
/// (a model's parameters, their gradients, the optimizer's moments) share one, so that one pass
/// over the whole buffer updates them all.
#[derive(Debug, Clone)]
pub struct GpuTensor {
    pub(crate) buf: Rc<PooledBuffer>,
    /// Where the tensor starts in `buf`, in bytes (a multiple of the device's storage offset
    /// alignment: the shaders index from 0 within what is bound).
    pub(crate) offset: u64,
    pub(crate) shape: Vec<usize>,
}

impl GpuTensor {
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// The tensor's bytes in its buffer.
    pub(crate) fn bytes(&self) -> u64 {
        (self.numel() * 4) as u64
    }
}

#[derive(Debug)]
pub struct BufferPool {
    free: Rc<RefCell<FreeLists>>,
    next_id: u64,
    /// Bytes of all buffers ever created (live or free): what the pool holds on the GPU.
    allocated: u64,
}

impl BufferPool {
    pub fn new() -> Self {
        BufferPool {
            free: Rc::new(RefCell::new(HashMap::new())),
            next_id: 1,
            allocated: 0,
        }
    }

    /// A fresh id for buffers the pool does not own (the engine's dummies and uniforms).
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// A storage buffer of `bytes` (rounded up to 4), reused when one of that size is free.
    pub fn acquire(&mut self, device: &wgpu::Device, bytes: u64) -> Rc<PooledBuffer> {
        let size = bytes.max(4).next_multiple_of(4);
        let pool = Rc::downgrade(&self.free);
        if let Some((id, buffer)) = self.free.borrow_mut().get_mut(&size).and_then(Vec::pop) {
            return Rc::new(PooledBuffer { buffer, id, pool });
        }
        let buffer = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("convlab tensor"),
            size,
            usage: wgpu::BufferUsages::STORAGE
                | wgpu::BufferUsages::COPY_SRC
                | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        self.allocated += size;
        Rc::new(PooledBuffer {
            buffer,
            id: self.next_id(),
            pool,
        })
    }

    pub fn allocated_bytes(&self) -> u64 {
        self.allocated
    }
}

impl Default for BufferPool {
    fn default() -> Self {
        Self::new()
    }
}
