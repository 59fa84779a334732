//! The lessons, in course order. [`LESSONS`] is the one list of them: the navigation, the
//! routing (`?page=<slug>`) and the Korean tables all come from it, so adding a lesson is adding
//! its folder and one entry here.
//!
//! Every lesson is a folder of the same shape: `mod.rs` composes the page; `state.rs` is its URL
//! state as one typed struct (the only place it reads or writes the query); `model.rs` its math
//! and data, pure and unit-tested natively; one file per visual part; `ko.rs` its Korean. No
//! lesson imports another: what two share lives in `components/` or in the core.

pub mod architectures;
pub mod backward;
pub mod batchnorm;
pub mod channels;
pub mod conv;
pub mod experiments;
pub mod inside;
pub mod kernels;
pub mod output_size;
pub mod pooling;
pub mod residual;
pub mod train;

use leptos::prelude::*;

/// One lesson: its address, its title (English; translated through the tables) and its page.
pub struct Lesson {
    /// `?page=<slug>`.
    pub slug: &'static str,
    pub title: &'static str,
    /// The Korean of the lesson's texts (and titles of its parts).
    pub ko: &'static [(&'static str, &'static str)],
    /// Korean templates of the lesson's own messages (see `messages`), with `{placeholders}`.
    pub ko_messages: &'static [(&'static str, &'static str)],
    pub view: fn() -> AnyView,
}

pub const LESSONS: [Lesson; 12] = [
    Lesson {
        slug: "conv",
        title: "Convolution",
        ko: conv::ko::KO,
        ko_messages: conv::ko::KO_MESSAGES,
        view: || view! { <conv::ConvolutionPage/> }.into_any(),
    },
    Lesson {
        slug: "kernels",
        title: "Image kernels",
        ko: kernels::ko::KO,
        ko_messages: &[],
        view: || view! { <kernels::ImageKernelsPage/> }.into_any(),
    },
    Lesson {
        slug: "output-size",
        title: "Output size",
        ko: output_size::ko::KO,
        ko_messages: &[],
        view: || view! { <output_size::OutputSizePage/> }.into_any(),
    },
    Lesson {
        slug: "pooling",
        title: "Pooling",
        ko: pooling::ko::KO,
        ko_messages: &[],
        view: || view! { <pooling::PoolingPage/> }.into_any(),
    },
    Lesson {
        slug: "channels",
        title: "Channels",
        ko: channels::ko::KO,
        ko_messages: &[],
        view: || view! { <channels::ChannelsPage/> }.into_any(),
    },
    Lesson {
        slug: "batchnorm",
        title: "Batch normalization",
        ko: batchnorm::ko::KO,
        ko_messages: &[],
        view: || view! { <batchnorm::BatchNormPage/> }.into_any(),
    },
    Lesson {
        slug: "residual",
        title: "Residual blocks",
        ko: residual::ko::KO,
        ko_messages: &[],
        view: || view! { <residual::ResidualPage/> }.into_any(),
    },
    Lesson {
        slug: "architectures",
        title: "Architectures",
        ko: architectures::ko::KO,
        ko_messages: architectures::ko::KO_MESSAGES,
        view: || view! { <architectures::ArchitecturesPage/> }.into_any(),
    },
    Lesson {
        slug: "train",
        title: "Training",
        ko: train::ko::KO,
        ko_messages: train::ko::KO_MESSAGES,
        view: || view! { <train::TrainingPage/> }.into_any(),
    },
    Lesson {
        slug: "backward",
        title: "Gradients",
        ko: backward::ko::KO,
        ko_messages: &[],
        view: || view! { <backward::GradientsPage/> }.into_any(),
    },
    Lesson {
        slug: "inside",
        title: "Inside the network",
        ko: inside::ko::KO,
        ko_messages: &[],
        view: || view! { <inside::InsidePage/> }.into_any(),
    },
    Lesson {
        slug: "experiments",
        title: "Experiments",
        ko: experiments::ko::KO,
        ko_messages: experiments::ko::KO_MESSAGES,
        view: || view! { <experiments::ExperimentsPage/> }.into_any(),
    },
];

/// The lesson of `?page=`, the first when absent or unknown.
pub fn by_slug(slug: Option<&str>) -> &'static Lesson {
    LESSONS
        .iter()
        .find(|l| Some(l.slug) == slug)
        .unwrap_or(&LESSONS[0])
}

/// Every Korean table of the lessons, and that of pictures (which two lessons take).
pub fn korean_tables() -> impl Iterator<Item = &'static [(&'static str, &'static str)]> {
    LESSONS.iter().map(|l| l.ko).chain([crate::picture::ko::KO])
}

/// Every Korean message template of the lessons.
pub fn korean_messages() -> impl Iterator<Item = &'static [(&'static str, &'static str)]> {
    LESSONS.iter().map(|l| l.ko_messages).chain([
        crate::picture::ko::KO_MESSAGES,
        crate::components::map_summary::KO_MESSAGES,
    ])
}
