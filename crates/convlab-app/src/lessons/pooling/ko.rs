//! The Korean of the pooling lesson's texts.

pub const KO: &[(&str, &str)] = &[
    ("Two channels: X and X + 1", "두 채널: X와 X + 1"),
    (
        "3×3, 2×2 average, stride 1",
        "3×3 입력, 2×2 평균, 스트라이드 1",
    ),
];
