//! The Korean of the output-size lesson's texts.

pub const KO: &[(&str, &str)] = &[
    ("Calculator", "계산기"),
    ("Quiz me", "퀴즈"),
    ("Kernel from the address", "주소의 커널 크기"),
    (
        "Change a value: with these numbers no window fits, so there is no output.",
        "값을 바꿔 보세요: 이 숫자로는 창이 하나도 들어가지 않아 출력이 없습니다.",
    ),
    ("Exercises from the notes", "노트의 예제"),
    ("Exercise", "예제"),
    (
        "The division is exact: the last window ends on the last pixel.",
        "나눗셈이 나누어떨어집니다: 마지막 창이 마지막 픽셀에서 끝납니다.",
    ),
    (
        "{span} ÷ {s} leaves {r}: the last pixel fits no further window, so the floor drops it.",
        "{span} ÷ {s}의 나머지는 {r}: 마지막 픽셀에는 창이 더 들어가지 않으므로 내림(floor)으로 버립니다.",
    ),
    (
        "{span} ÷ {s} leaves {r}: the last {r} pixels fit no further window, so the floor drops them.",
        "{span} ÷ {s}의 나머지는 {r}: 마지막 {r}개 픽셀에는 창이 더 들어가지 않으므로 내림(floor)으로 버립니다.",
    ),
    ("kernel taps", "커널 원소"),
    ("window", "창(window)"),
    ("no window reaches", "어떤 창도 닿지 않음"),
    (
        "To-scale drawing: padded input {padded}, windows of {span} pixels, output {out}",
        "실제 비율 그림: 패딩을 더한 입력 {padded}, 창의 폭 {span} 픽셀, 출력 {out}",
    ),
    ("Why this formula?", "왜 이 공식일까?"),
    (
        "The padded input has in + 2p pixels. With dilation d, a window of k taps spans d(k − 1) + 1 of them (d = 1: just k).",
        "패딩을 더한 입력은 in + 2p 픽셀입니다. 팽창(dilation)이 d이면 k개 원소의 창은 d(k − 1) + 1 픽셀에 걸칩니다 (d = 1이면 그냥 k).",
    ),
    (
        "The first window starts at pixel 0 and each next one s pixels further. A window fits while its start is at most in + 2p − d(k − 1) − 1, so the starts are 0, s, 2s, … up to that: ⌊(in + 2p − d(k − 1) − 1) / s⌋ + 1 of them, one output pixel each.",
        "첫 창은 픽셀 0에서 시작하고, 다음 창은 s 픽셀씩 옮겨 갑니다. 시작 위치가 in + 2p − d(k − 1) − 1 이하인 동안 창이 들어가므로 시작 위치는 0, s, 2s, …: 모두 ⌊(in + 2p − d(k − 1) − 1) / s⌋ + 1개이고, 창 하나가 출력 픽셀 하나입니다.",
    ),
    (
        "When s does not divide exactly, the floor drops the fraction: the pixels left over at the end are too few for another window. PyTorch does the same (its nn.Conv2d has no ceil mode).",
        "나누어떨어지지 않으면 내림(floor)으로 소수 부분을 버립니다: 끝에 남은 픽셀로는 창을 하나 더 만들 수 없기 때문입니다. PyTorch도 똑같이 계산합니다 (nn.Conv2d에는 ceil 모드가 없습니다).",
    ),
    (
        "What is the output size? Work it out on paper first, then type it.",
        "출력 크기는 얼마일까요? 먼저 종이에 계산한 뒤 입력하세요.",
    ),
    ("Output height", "출력 높이"),
    ("Output width", "출력 너비"),
    ("Check", "확인"),
    ("New problem", "새 문제"),
    ("Correct so far: {right} of {total}", "지금까지 {total}문제 중 {right}문제 정답"),
    ("Open in the calculator", "계산기에서 열기"),
    ("Correct: the output is {h} × {w}.", "정답입니다: 출력은 {h} × {w}입니다."),
    (
        "Not quite: the output is {h} × {w}. The steps:",
        "아쉽네요: 출력은 {h} × {w}입니다. 풀이:",
    ),
    ("The transposed convolution", "전치 합성곱"),
    (
        "ConvTranspose2d runs the formula backwards, out = (in − 1)·s − 2p + d·(k − 1) + output_padding + 1, taking an input of this size to a larger one. With a stride above 1 several sizes convolve to the same input; output_padding (below the stride or the dilation) picks one.",
        "ConvTranspose2d는 공식을 거꾸로 씁니다: out = (in − 1)·s − 2p + d·(k − 1) + output_padding + 1. 이 크기의 입력을 더 큰 출력으로 키웁니다. 스트라이드가 1보다 크면 여러 크기가 합성곱 후 같은 입력 크기가 되므로, output_padding(스트라이드나 팽창보다 작아야 함)으로 그중 하나를 고릅니다.",
    ),
    ("Round trip: Conv2d with the same numbers takes", "되돌려 보기: 같은 수의 Conv2d는"),
];
