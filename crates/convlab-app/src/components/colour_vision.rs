//! Checks that the diverging palette's two signs stay apart for the common colour-vision
//! deficiencies. Each is simulated with Machado, Oliveira and Fernandes's matrices (2009, severity
//! 1.0, applied to linear sRGB); colours are compared by their distance in CIELAB (ΔE*ab, D65).
//! A red–green palette, the classic mistake, fails the same check.

use crate::components::heatmap::diverging;

/// Machado et al.'s matrices for full protanopia, deuteranopia and tritanopia.
const DEFICIENCIES: [(&str, [[f64; 3]; 3]); 3] = [
    (
        "protanopia",
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ],
    ),
    (
        "deuteranopia",
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ],
    ),
    (
        "tritanopia",
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ],
    ),
];

const NORMAL: [[f64; 3]; 3] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

/// The magnitudes compared: a quarter, half and all of the scale.
const MAGNITUDES: [f32; 3] = [0.25, 0.5, 1.0];

fn linear(c: u8) -> f64 {
    let c = f64::from(c) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// CIELAB of an sRGB colour as seen through `vision` (a matrix on linear RGB).
fn lab(rgb: [u8; 3], vision: &[[f64; 3]; 3]) -> [f64; 3] {
    let l = rgb.map(linear);
    let seen: Vec<f64> = vision
        .iter()
        .map(|row| (row[0] * l[0] + row[1] * l[1] + row[2] * l[2]).clamp(0.0, 1.0))
        .collect();
    let (r, g, b) = (seen[0], seen[1], seen[2]);
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// ΔE*ab between a positive and a negative value of size `t` on `palette`, seen through `vision`.
fn sign_contrast(palette: fn(f32) -> [u8; 3], t: f32, vision: &[[f64; 3]; 3]) -> f64 {
    let (a, b) = (lab(palette(t), vision), lab(palette(-t), vision));
    a.iter()
        .zip(b)
        .map(|(p, q)| (p - q).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// The smallest share of normal vision's sign contrast that a deficiency keeps, over the
/// magnitudes, and the smallest contrast at full scale.
fn worst(palette: fn(f32) -> [u8; 3]) -> (f64, f64) {
    let mut share = f64::INFINITY;
    let mut full = f64::INFINITY;
    for (_, vision) in &DEFICIENCIES {
        for t in MAGNITUDES {
            share =
                share.min(sign_contrast(palette, t, vision) / sign_contrast(palette, t, &NORMAL));
        }
        full = full.min(sign_contrast(palette, 1.0, vision));
    }
    (share, full)
}

/// White to red for positive values, white to green for negative ones.
fn red_green(t: f32) -> [u8; 3] {
    let fade = |c: f32, t: f32| (255.0 + (c - 255.0) * t) as u8;
    if t >= 0.0 {
        [fade(215.0, t), fade(48.0, t), fade(31.0, t)]
    } else {
        [fade(26.0, -t), fade(152.0, -t), fade(80.0, -t)]
    }
}

#[test]
fn the_signs_stay_apart_for_every_common_deficiency() {
    // Normal vision sees the two ends ΔE ≈ 110 apart. Each deficiency keeps at least half of the
    // contrast between the signs, at every magnitude, and the full-scale ends stay far apart
    // (ΔE above 40, where 2.3 is just noticeable).
    let (share, full) = worst(diverging);
    assert!(
        share >= 0.5,
        "a deficiency keeps only {share:.2} of the contrast"
    );
    assert!(full >= 40.0, "the ends are only ΔE {full:.1} apart");
}

#[test]
fn a_red_green_palette_fails_the_same_check() {
    let (share, full) = worst(red_green);
    assert!(share < 0.3, "red–green keeps {share:.2} of its contrast");
    assert!(full < 40.0, "red–green's ends are ΔE {full:.1} apart");
}
