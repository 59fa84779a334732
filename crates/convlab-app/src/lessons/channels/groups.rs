//! Grouped and depthwise convolution: the input channels, the output channels and the groups
//! set by the student; which input channel feeds which filter (one colour per group); the
//! weight's shape and the parameter and multiply-add counts against the full convolution; each
//! output channel computed by the engine; and PyTorch's refusal when the groups do not divide
//! the channels.

use convlab_core::export::shape_text;
use convlab_core::text::thousands;
use leptos::prelude::*;

use super::grouping::{self, Grouping, INPUT_NAMES};
use super::model::IMG;
use super::sentence::fill;
use super::state::{ChannelsState, MAX_GROUPED_CHANNELS};
use crate::components::controls::NumberField;
use crate::components::heatmap::{plane_of, Plane};
use crate::components::map_figure::MapFigure;
use crate::components::svg_download::SvgDownload;
use crate::compute::use_op;
use crate::i18n::{use_i18n, I18n};
use crate::url::lesson::LessonUrl;

/// Width of one channel's column in the wiring diagram, in its own units.
const COLUMN: usize = 64;
/// Where the input channels' row and the filters' row lie in the diagram.
const INPUT_Y: usize = 22;
const OUTPUT_Y: usize = 108;

/// Input channel `c`'s name, `x2 B`.
fn input_name(c: usize) -> String {
    format!("x{c} {}", INPUT_NAMES[c])
}

/// The diagram's columns are centred: the shorter row starts further right.
fn column_x(i: usize, count: usize, columns: usize) -> usize {
    COLUMN / 2 + COLUMN * i + (columns - count) * COLUMN / 2
}

/// The input channels in a row above the filters, a line from each channel to each filter that
/// reads it, coloured by group (no lines when PyTorch refuses the groups): read top to bottom,
/// like the maps around it.
fn wiring(g: Grouping, refused: bool) -> impl IntoView {
    let columns = g.in_channels.max(g.out_channels);
    let width = COLUMN * columns;
    let links: Vec<(usize, usize)> = if refused {
        Vec::new()
    } else {
        (0..g.out_channels)
            .flat_map(|o| g.inputs_of(o).map(move |c| (c, o)))
            .collect()
    };
    let count = links.len();
    let lines = links
        .into_iter()
        .map(|(c, o)| {
            view! {
                <line
                    class=format!("link group-{}", g.group_of(o))
                    x1=column_x(c, g.in_channels, columns) y1=INPUT_Y
                    x2=column_x(o, g.out_channels, columns) y2=OUTPUT_Y
                    data-from=c data-to=o
                />
            }
        })
        .collect_view();
    let inputs = (0..g.in_channels)
        .map(|c| {
            let x = column_x(c, g.in_channels, columns);
            view! {
                <circle class="node" cx=x cy=INPUT_Y r="5"/>
                <text class="label" x=x y=INPUT_Y - 10 text-anchor="middle">{input_name(c)}</text>
            }
        })
        .collect_view();
    let outputs = (0..g.out_channels)
        .map(|o| {
            let x = column_x(o, g.out_channels, columns);
            let group = if refused { String::new() } else { format!(" group-{}", g.group_of(o)) };
            view! {
                <circle class=format!("node{group}") cx=x cy=OUTPUT_Y r="5"/>
                <text class="label" x=x y=OUTPUT_Y + 20 text-anchor="middle">{format!("y{o}")}</text>
            }
        })
        .collect_view();
    view! {
        <svg
            class="wiring"
            data-testid="groups-wiring"
            data-links=count
            viewBox=format!("0 0 {width} {}", OUTPUT_Y + 28)
            style=format!("max-width: {}px", width * 3 / 2)
            role="img"
            aria-label=format!("{} input channels, {} filters, {count} connections", g.in_channels, g.out_channels)
        >
            {lines}
            {inputs}
            {outputs}
        </svg>
    }
}

/// What kind of grouping this is, in one sentence.
fn kind(i18n: I18n, g: Grouping) -> impl IntoView {
    let (k, m) = (g.per_group_in(), g.per_group_out());
    if g.groups == 1 {
        fill(
            i18n.t("groups = 1: every filter reads all {} input channels (the full convolution)."),
            &[g.in_channels.to_string()],
        )
    } else if g.groups == g.in_channels {
        fill(
            i18n.t("groups = C_in = {}: a depthwise convolution. Each filter reads one channel; MobileNet follows it with a 1×1 convolution that mixes the channels."),
            &[g.groups.to_string()],
        )
    } else {
        fill(
            i18n.t("{} groups: each filter reads {} of the {} input channels, as if {} convolutions of {} channels to {} ran side by side (AlexNet split its layers in 2 groups across two GPUs; ResNeXt uses 32)."),
            &[g.groups, k, g.in_channels, g.groups, k, m].map(|v| v.to_string()),
        )
    }
}

#[component]
pub fn Groups(state: LessonUrl<ChannelsState>) -> impl IntoView {
    let i18n = use_i18n();
    let (gi, set_gi) = state.field(|s| s.gi, |s, v| s.gi = v);
    let (go, set_go) = state.field(|s| s.go, |s, v| s.go = v);
    let (groups, set_groups) = state.field(|s| s.groups, |s, v| s.groups = v);
    let grouping = Memo::new(move |_| Grouping {
        in_channels: gi.get(),
        out_channels: go.get(),
        groups: groups.get(),
    });
    let refusal = Memo::new(move |_| grouping.get().refusal());
    let out = use_op(move || grouping.get().op());
    let input = Memo::new(move |_| grouping::input(gi.get()));
    let input_plane = move |c: usize| {
        input.with(|x| {
            x.get(c * IMG * IMG..(c + 1) * IMG * IMG).map(|v| Plane {
                rows: IMG,
                cols: IMG,
                values: v.to_vec(),
            })
        })
    };
    let output_plane =
        move |o: usize| out.with(|r| plane_of(r.as_ref()?.as_ref().ok()?, o, IMG, IMG));
    let pytorch = move || {
        let g = grouping.get();
        format!(
            "nn.Conv2d({}, {}, kernel_size=3, padding=1, groups={}, bias=False)",
            g.in_channels, g.out_channels, g.groups
        )
    };
    let counts = move || {
        // A refused grouping has no weights to count.
        if refusal.get().is_some() {
            return None;
        }
        let (grouped, full) = grouping.get().counts().ok()?;
        Some(view! {
                <p
                    class="saving"
                    data-testid="groups-counts"
                    data-params=grouped.params.to_string()
                    data-macs=grouped.macs.to_string()
                    data-full-params=full.params.to_string()
                    data-full-macs=full.macs.to_string()
                >
                    {fill(
                        i18n.t("Parameters: {} (groups = 1: {}). Multiply-adds: {} (groups = 1: {})."),
                        &[grouped.params, full.params, grouped.macs, full.macs].map(thousands),
                    )}
                </p>
        })
    };
    let refused_view = move || {
        let why = refusal.get()?;
        let fitting: Vec<String> = grouping
            .get()
            .fitting()
            .iter()
            .map(|g| g.to_string())
            .collect();
        Some(view! {
            <p class="error" role="alert" data-testid="groups-error">
                {i18n.message(&why)} ". " {i18n.t("Groups that fit these channels:")} " " {fitting.join(", ")}
            </p>
        })
    };
    let input_maps = move || {
        (0..gi.get())
            .map(|c| {
                view! {
                    <MapFigure
                        testid=format!("grouped-input-{}", c + 1)
                        title=Signal::derive(move || input_name(c))
                        plane=Signal::derive(move || input_plane(c))
                        class="small"
                    />
                }
            })
            .collect_view()
    };
    let output_maps = move || {
        let g = grouping.get();
        (refusal.get().is_none()).then(|| {
            (0..g.out_channels)
                .map(|o| {
                    let reads: Vec<String> = g.inputs_of(o).map(input_name).collect();
                    view! {
                        <MapFigure
                            testid=format!("grouped-output-{}", o + 1)
                            title=format!("y{o} ← {}", reads.join(", "))
                            plane=Signal::derive(move || output_plane(o))
                            signed=true
                            class=format!("small group-{}", g.group_of(o))
                        />
                    }
                })
                .collect_view()
        })
    };
    view! {
        <h2 id="groups">{move || i18n.t("Groups: each filter reads only its group's channels")}</h2>
        <p class="note">
            {move || i18n.t("groups = g cuts the input channels into g groups and the filters into g groups; a filter reads only the channels of its own group. The weight becomes (C_out, C_in/groups, kH, kW): g times fewer parameters and multiply-adds. PyTorch requires g to divide both channel counts. The input here is the image's R, G, B and their negatives 1 − R, 1 − G, 1 − B.")}
        </p>
        <div class="controls">
            <NumberField label="Input channels" id="param-gi" value=gi min=1 max=MAX_GROUPED_CHANNELS set=set_gi/>
            <NumberField label="Output channels" id="param-go" value=go min=1 max=MAX_GROUPED_CHANNELS set=set_go/>
            <NumberField label="Groups" id="param-groups" value=groups min=1 max=MAX_GROUPED_CHANNELS set=set_groups/>
        </div>
        <p class="pytorch">
            <code data-testid="groups-pytorch">{pytorch}</code>
            " · weight.shape = "
            <code data-testid="groups-weight-shape">{move || shape_text(&grouping.get().weight_shape())}</code>
        </p>
        {refused_view}
        <p class="note" data-testid="groups-kind">
            {move || {
                let g = grouping.get();
                refusal.get().is_none().then(|| kind(i18n, g))
            }}
        </p>
        {counts}
        <div class="groups-layout">
            <div class="groups-maps" data-testid="grouped-inputs">{input_maps}</div>
            {move || wiring(grouping.get(), refusal.get().is_some())}
            <div class="groups-maps" data-testid="grouped-outputs">{output_maps}</div>
        </div>
        <SvgDownload testid="groups-wiring" svg="[data-testid=groups-wiring]" title=Signal::derive(move || format!("groups {}", grouping.get().groups))/>
        {move || out.with(|r| r.as_ref()?.as_ref().err().filter(|_| refusal.get().is_none()).cloned())
            .map(|e| view! { <p class="error" role="alert">{i18n.message(&e)}</p> })}
    }
}
