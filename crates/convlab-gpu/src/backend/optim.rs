//! One optimizer pass over a whole parameter group: finding the groups' buffers behind a model's
//! parameters, gradients and moments (see [`crate::engine::Engine::whole_group`]).

use convlab_core::optim::StepSlot;

use super::GpuBackend;
use crate::pool::GpuTensor;

/// An optimizer's tensors as whole groups: every parameter, gradient and moment in one buffer
/// per role, laid out alike.
pub(super) struct Wholes {
    pub(super) param: GpuTensor,
    pub(super) grad: GpuTensor,
    pub(super) first: GpuTensor,
    pub(super) second: Option<GpuTensor>,
}

impl GpuBackend {
    /// The whole buffers of the slots' parameters, gradients, first and second moments when each
    /// role fills one group laid out alike (see [`crate::engine::Engine::whole_group`]).
    pub(super) fn wholes<'a>(&self, slots: &[StepSlot<'a, GpuTensor>]) -> Option<Wholes> {
        let whole = |part: for<'s> fn(&'s StepSlot<'a, GpuTensor>) -> Option<&'s GpuTensor>| {
            let parts: Option<Vec<&GpuTensor>> = slots.iter().map(part).collect();
            self.engine.whole_group(&parts?)
        };
        let second = match slots.iter().all(|s| s.second.is_none()) {
            true => None,
            false => Some(whole(|s| s.second.as_deref())?),
        };
        Some(Wholes {
            param: whole(|s| Some(&*s.param))?,
            grad: whole(|s| Some(s.grad))?,
            first: whole(|s| Some(&*s.first))?,
            second,
        })
    }
}
