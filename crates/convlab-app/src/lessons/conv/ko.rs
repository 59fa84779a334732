//! The Korean of the convolution lesson's texts, and of its notes on the address.

pub const KO: &[(&str, &str)] = &[
    ("Input size", "입력 크기"),
    ("Kernel size", "커널 크기"),
    ("Bias value", "편향 값"),
    ("Operation", "연산"),
    ("Cross-correlation (PyTorch)", "교차상관 (PyTorch)"),
    ("True convolution (flipped)", "진짜 합성곱 (커널 뒤집기)"),
    ("Height and width separately", "높이와 너비를 따로"),
    ("The notes' example", "노트의 예제"),
    ("Padding 1 keeps 5×5", "패딩 1이면 5×5 유지"),
    ("Stride 2", "스트라이드 2"),
    ("Dilation 2 on 7×7", "7×7에 dilation 2"),
    ("Two channels and a bias", "채널 2개와 편향"),
    ("Sobel: correlation ≠ convolution", "소벨: 교차상관 ≠ 합성곱"),
    ("input", "입력"),
    ("output", "출력"),
    ("bias", "편향"),
    ("No output:", "출력이 없습니다:"),
    ("Animation", "애니메이션"),
    ("Back", "이전"),
    ("cell", "칸"),
    ("padding", "패딩"),
    ("channel", "채널"),
    ("slice", "조각"),
    ("Flipped kernel", "뒤집은 커널"),
    ("Flipped 180° (what slides)", "180° 뒤집음 (실제로 미끄러지는 커널)"),
    ("Partial sum", "부분합"),
    ("cross-correlation", "교차상관"),
    ("convolution", "합성곱"),
    (
        "This padding cell (value {v}) is used by {n} output cells.",
        "이 패딩 칸(값 {v})은 출력 칸 {n}개의 계산에 쓰입니다.",
    ),
    (
        "Input cell {cell} (value {v}) is used by {n} output cells.",
        "입력 칸 {cell}(값 {v})은 출력 칸 {n}개의 계산에 쓰입니다.",
    ),
    (
        "The kernel slides over the input. At each position the overlapping numbers are multiplied pairwise and added up, plus the bias: that sum is one output number.",
        "커널(필터)이 입력 위를 이동합니다. 각 위치에서 겹치는 원소끼리 곱해 모두 더하고 편향을 더하면, 그 합이 출력 값 하나가 됩니다.",
    ),
    (
        "Stride is how far the kernel moves per step, padding the border of zeros around the input, dilation the spacing between the kernel's taps.",
        "스트라이드는 커널이 한 번에 이동하는 칸 수, 패딩은 입력 둘레에 넣는 0의 테두리, dilation은 커널 원소 사이의 간격입니다.",
    ),
    (
        "PyTorch's Conv2d is a cross-correlation; flipping the kernel makes it a true convolution; for a symmetric kernel like X they agree.",
        "PyTorch의 Conv2d는 교차상관(cross-correlation)입니다. 커널을 180° 뒤집으면 진짜 합성곱이 되고, X처럼 대칭인 커널에서는 두 결과가 같습니다.",
    ),
    (
        "This kernel is unchanged by a 180° turn: both modes give the same output.",
        "이 커널은 180° 돌려도 그대로라서 두 방식의 출력이 같습니다.",
    ),
    (
        "This kernel changes when turned 180°: switch modes and watch the output change.",
        "이 커널은 180° 돌리면 달라집니다. 방식을 바꾸며 출력이 어떻게 달라지는지 보세요.",
    ),
    ("Channels in = kernel depth.", "입력 채널 수 = 커널의 깊이."),
    (
        "The kernel has one slice per input channel; each slice slides over its own channel (the partial sums), and the partial sums are added, plus one bias, into one output channel. nn.Conv2d(C_in, C_out, …) holds C_out such kernels; here C_out = 1.",
        "커널은 입력 채널마다 조각(slice)을 하나씩 가집니다. 각 조각이 자기 채널 위를 이동하며 부분합을 만들고, 부분합들을 더한 뒤 편향 하나를 더하면 출력 채널 하나가 됩니다. nn.Conv2d(C_in, C_out, …)는 이런 커널을 C_out개 가지며, 여기서는 C_out = 1입니다.",
    ),
    (
        "Hover or focus an output cell to see its window and its arithmetic; hover an input cell to see every output it feeds; hover a product to find its pair. Click an output cell to select it.",
        "출력 칸에 마우스를 올리거나 포커스하면 그 창(window)과 계산식이 보입니다. 입력 칸에 올리면 그 칸이 쓰이는 모든 출력 칸이, 곱셈 항에 올리면 곱해지는 두 원소가 표시됩니다. 출력 칸을 클릭하면 선택됩니다.",
    ),
    (
        "Why one small kernel everywhere? Its weights are shared by every position: a detector of a pattern works wherever the pattern is, and a 3×3 kernel has 9 weights however large the image.",
        "왜 작은 커널 하나를 모든 곳에 쓸까요? 모든 위치가 같은 가중치를 공유하기 때문에, 어떤 패턴을 찾는 필터는 패턴이 어디에 있든 작동하고, 이미지가 아무리 커도 3×3 커널의 가중치는 9개뿐입니다.",
    ),
    (
        "Why padding? Without it every layer shrinks the image (5×5 → 3×3 here), and border pixels feed fewer outputs than central ones. With stride 1, padding (k − 1) / 2 keeps the size.",
        "왜 패딩을 할까요? 패딩이 없으면 층을 지날 때마다 이미지가 작아지고(여기서는 5×5 → 3×3), 가장자리 픽셀은 가운데 픽셀보다 적은 출력에만 쓰입니다. 스트라이드가 1이면 패딩 (k − 1) / 2로 크기가 유지됩니다.",
    ),
    (
        "Why stride and dilation? Stride 2 roughly halves the output (less computation, a coarser map); dilation widens what one output sees without adding weights.",
        "왜 스트라이드와 dilation을 쓸까요? 스트라이드 2는 출력을 대략 절반으로 줄이고(계산이 줄고 더 거친 맵), dilation은 가중치를 늘리지 않고 출력 하나가 보는 범위를 넓힙니다.",
    ),
    (
        "Why is it called convolution? In mathematics a convolution flips the kernel. Deep-learning libraries skip the flip because the kernel is learned: a network learns the flipped kernel just as well.",
        "왜 합성곱이라고 부를까요? 수학의 합성곱은 커널을 뒤집어서 곱합니다. 딥러닝 라이브러리는 뒤집기를 생략하는데, 커널은 학습되는 값이라 네트워크가 뒤집힌 커널을 똑같이 잘 배우기 때문입니다.",
    ),
    (
        "With groups, a filter reads only some of the channels (groups = C_in: one each, the depthwise convolution): the Channels lesson.",
        "groups를 쓰면 필터는 채널의 일부만 읽습니다(groups = C_in이면 하나씩: 깊이별 합성곱). 채널 단원에서 볼 수 있습니다.",
    ),
];

/// The lesson's own reasons for not taking an address's value (see `url::reader::Reason::Other`).
pub const KO_MESSAGES: &[(&str, &str)] = &[
    (
        "not an output cell (row,column)",
        "출력 칸(행,열)이 아닙니다",
    ),
    (
        "there is no output cell to select",
        "선택할 출력 칸이 없습니다",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::conv::model::EXAMPLES;

    #[test]
    fn every_example_has_a_korean_title() {
        for e in EXAMPLES {
            assert!(KO.iter().any(|(en, _)| *en == e.title), "{}", e.title);
        }
    }
}
