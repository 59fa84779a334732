//! The named kernels of the lesson, each with what it does.

/// A named kernel with what it does.
pub struct Preset {
    pub name: &'static str,
    pub title: &'static str,
    pub rows: usize,
    pub cols: usize,
    pub weights: &'static [f32],
    pub explains: &'static str,
}

const B: f32 = 1.0 / 9.0;
const G: f32 = 1.0 / 16.0;

pub const PRESETS: [Preset; 13] = [
    Preset {
        name: "identity",
        title: "identity",
        rows: 3,
        cols: 3,
        weights: &[0., 0., 0., 0., 1., 0., 0., 0., 0.],
        explains: "Copies the image: the centre weight is 1, every other 0. A starting point for your own kernel.",
    },
    Preset {
        name: "edge",
        title: "edge [1, −1]",
        rows: 1,
        cols: 2,
        weights: &[1., -1.],
        explains: "The notes' edge detector: each pixel minus its right neighbour. Zero on flat areas, large at vertical edges (positive where the image gets darker to the right).",
    },
    Preset {
        name: "edge-t",
        title: "edge, transposed",
        rows: 2,
        cols: 1,
        weights: &[1., -1.],
        explains: "[1, −1] turned on its side: each pixel minus the one below it, so it finds horizontal edges.",
    },
    Preset {
        name: "sobel-x",
        title: "Sobel x",
        rows: 3,
        cols: 3,
        weights: &[-1., 0., 1., -2., 0., 2., -1., 0., 1.],
        explains: "The horizontal gradient, smoothed over three rows: vertical edges, positive where the image gets brighter to the right.",
    },
    Preset {
        name: "sobel-y",
        title: "Sobel y",
        rows: 3,
        cols: 3,
        weights: &[-1., -2., -1., 0., 0., 0., 1., 2., 1.],
        explains: "The vertical gradient: horizontal edges, positive where the image gets brighter downwards.",
    },
    Preset {
        name: "prewitt-x",
        title: "Prewitt x",
        rows: 3,
        cols: 3,
        weights: &[-1., 0., 1., -1., 0., 1., -1., 0., 1.],
        explains: "Like Sobel x with equal weights on the three rows: vertical edges.",
    },
    Preset {
        name: "prewitt-y",
        title: "Prewitt y",
        rows: 3,
        cols: 3,
        weights: &[-1., -1., -1., 0., 0., 0., 1., 1., 1.],
        explains: "Like Sobel y with equal weights on the three columns: horizontal edges.",
    },
    Preset {
        name: "laplacian",
        title: "Laplacian",
        rows: 3,
        cols: 3,
        weights: &[0., 1., 0., 1., -4., 1., 0., 1., 0.],
        explains: "The second derivative: edges and fine detail in every direction; zero where the image is flat or changes evenly.",
    },
    Preset {
        name: "sharpen",
        title: "sharpen",
        rows: 3,
        cols: 3,
        weights: &[0., -1., 0., -1., 5., -1., 0., -1., 0.],
        explains: "The pixel plus its difference from its neighbours (identity minus the Laplacian): edges look crisper.",
    },
    Preset {
        name: "box-blur",
        title: "box blur",
        rows: 3,
        cols: 3,
        weights: &[B, B, B, B, B, B, B, B, B],
        explains: "The average of the 3×3 neighbourhood (each weight 1/9): smooths noise and fine detail away.",
    },
    Preset {
        name: "gaussian-blur",
        title: "Gaussian blur",
        rows: 3,
        cols: 3,
        weights: &[G, 2. * G, G, 2. * G, 4. * G, 2. * G, G, 2. * G, G],
        explains: "A weighted average, the nearer pixels counting more ([1 2 1; 2 4 2; 1 2 1] / 16): a softer blur.",
    },
    Preset {
        name: "emboss",
        title: "emboss",
        rows: 3,
        cols: 3,
        weights: &[-2., -1., 0., -1., 1., 1., 0., 1., 2.],
        explains: "A diagonal gradient plus the pixel: edges become light and shadow, as if the image were embossed.",
    },
    Preset {
        name: "outline",
        title: "outline",
        rows: 3,
        cols: 3,
        weights: &[-1., -1., -1., -1., 8., -1., -1., -1., -1.],
        explains: "8 × the pixel minus its 8 neighbours: every edge lights up, flat areas go to 0.",
    },
];

/// The kernel the lesson starts with.
pub const DEFAULT: &str = "sobel-x";

/// What a custom kernel is.
pub const CUSTOM_EXPLAINS: &str =
    "Your own weights: type any number in the kernel and the feature map follows as you type.";

pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_well_formed() {
        for p in &PRESETS {
            assert_eq!(p.weights.len(), p.rows * p.cols, "{}", p.name);
        }
        assert!(preset(DEFAULT).is_some());
        assert_eq!(preset("edge").map(|p| (p.rows, p.cols)), Some((1, 2)));
        assert_eq!(preset("edge-t").map(|p| (p.rows, p.cols)), Some((2, 1)));
        // The blurs average: their weights sum to 1; the edge detectors sum to 0.
        for name in ["box-blur", "gaussian-blur", "identity"] {
            let sum: f32 = preset(name).unwrap().weights.iter().sum();
            assert!((sum - 1.0).abs() < 1e-6, "{name}");
        }
        for name in [
            "edge",
            "sobel-x",
            "sobel-y",
            "prewitt-x",
            "laplacian",
            "outline",
        ] {
            let sum: f32 = preset(name).unwrap().weights.iter().sum();
            assert_eq!(sum, 0.0, "{name}");
        }
    }
}
