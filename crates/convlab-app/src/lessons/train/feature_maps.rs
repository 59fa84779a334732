//! What the first layer makes of one test image: the image, and the feature map each of the
//! first convolution's filters gives on it, computed by the engine with the weights of the last
//! snapshot, so they change as the network learns. `img` in the URL picks the test image (a
//! click on a test prediction does too).

use std::rc::Rc;

use convlab_core::dataset::Split;
use convlab_core::Tensor;
use leptos::prelude::*;

use super::data_panel::OwnData;
use super::state::{TrainState, MAX_IMAGE};
use crate::components::controls::NumberField;
use crate::components::figure_download::MapDownload;
use crate::components::heatmap::{plane_of, Heatmap};
use crate::compute::{use_op_all, Op};
use crate::data::bundled_mnist;
use crate::i18n::use_i18n;
use crate::training::Progress;
use crate::url::lesson::LessonUrl;

#[component]
pub fn FeatureMaps(
    state: LessonUrl<TrainState>,
    progress: Progress,
    own: RwSignal<Option<OwnData>, LocalStorage>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (index, set_index) = state.field(|s| s.img, |s, v| s.img = v);
    // The test set: the student's files when chosen, else the bundled digits (fetched once).
    let test_set = RwSignal::new_local(None::<Rc<Split>>);
    Effect::new(move |_| match own.get() {
        Some(d) => test_set.set(Some(d.split)),
        None => leptos::task::spawn_local(async move {
            if let Ok(split) = bundled_mnist().await {
                // Unless the student chose files meanwhile, or the page was left.
                if own.try_get_untracked().is_some_and(|o| o.is_none()) {
                    test_set.set(Some(split));
                }
            }
        }),
    });
    // The chosen image as a `[1, 1, 28, 28]` tensor in 0..1, and its label.
    let image = Memo::new(move |_| {
        let index = index.get();
        test_set.with(|s| {
            let test = &s.as_ref()?.test;
            let i = index.min(test.len().checked_sub(1)?);
            let (x, labels) = test.batch(&[i]);
            Some((i, x, labels[0]))
        })
    });
    let maps = use_op_all(move || {
        let first = progress.first_layer.get()?;
        let (_, input, _) = image.get()?;
        Some(Ok(Op::Conv2d {
            input,
            weight: first.weight,
            bias: first.bias,
            params: first.params,
        }))
    });
    let picture = Signal::derive(move || {
        image.with(|im| {
            im.as_ref()
                .and_then(|(_, x, _)| plane_of(x, 0, x.shape[2], x.shape[3]))
        })
    });
    let caption = move || {
        image.with(|im| {
            im.as_ref()
                .map(|(i, _, label)| {
                    format!(
                        "{} #{i} · {} {label}",
                        i18n.t("test image"),
                        i18n.t("label")
                    )
                })
                .unwrap_or_default()
        })
    };
    let map_views = move || {
        let y: Tensor = maps.get()?.ok()?.into_iter().next()?;
        let [_, channels, rows, cols] = y.shape[..] else {
            return None;
        };
        Some(
            (0..channels)
                .map(|c| {
                    let plane = plane_of(&y, c, rows, cols);
                    view! { <Heatmap testid="feature-map" label=format!("feature map {}", c + 1) plane=plane signed=true/> }
                })
                .collect_view(),
        )
    };
    view! {
        <section class="feature-maps" data-testid="feature-maps">
            <h2>
                {move || i18n.t("Feature maps of a test image")}
                <MapDownload testid="feature-maps-png" title=Signal::derive(move || i18n.t("Feature maps of a test image").to_string()) maps="[data-testid=feature-map-grid]"/>
            </h2>
            <p class="note">
                {move || i18n.t("The first convolution's output on one test image (before batch norm and ReLU): each filter above gives one map. They change as the filters learn; pick another image by its number, or click a test prediction below.")}
            </p>
            <div class="controls">
                <NumberField label="Test image" id="param-img" value=index min=0 max=MAX_IMAGE set=set_index/>
            </div>
            <div class="fm-row">
                <figure class="fm-image">
                    <Heatmap testid="feature-image" label=Signal::derive(caption) plane=picture signed=false/>
                    <figcaption data-testid="feature-caption">{caption}</figcaption>
                </figure>
                <div class="fm-maps" data-testid="feature-map-grid">
                    {move || match map_views() {
                        Some(maps) => maps.into_any(),
                        None => view! { <p class="note">{move || i18n.t("No model yet: press Start, or load weights.")}</p> }.into_any(),
                    }}
                </div>
            </div>
        </section>
    }
}
