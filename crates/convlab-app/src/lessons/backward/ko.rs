//! The Korean of the Gradients lesson's texts.

pub const KO: &[(&str, &str)] = &[
    ("Gradients", "기울기(역전파)"),
    (
        "Training needs, for every number of the network, how the loss changes with it. Here is the backward pass of one convolution on the same numbers as its forward pass: set ∂L/∂Y (the gradient that arrives from the layers after it) and see the three gradients it gives. Point at any cell to see its sum; click it to check it by finite differences.",
        "학습에는 네트워크의 모든 수에 대해 손실이 그 수에 따라 어떻게 변하는지가 필요합니다. 여기서는 합성곱 하나의 역전파를 순전파와 같은 수로 봅니다: ∂L/∂Y(뒤 층에서 전해지는 기울기)를 정하면 세 가지 기울기가 나옵니다. 칸을 가리키면 그 합이, 클릭하면 유한 차분 검사가 나옵니다.",
    ),
    ("Forward: Y = X ⋆ K", "순전파: Y = X ⋆ K"),
    ("Input X", "입력 X"),
    ("Kernel K", "커널 K"),
    ("Output Y", "출력 Y"),
    ("Upstream gradient ∂L/∂Y", "위에서 온 기울기 ∂L/∂Y"),
    (
        "L = Σ Y · ∂L/∂Y: with ∂L/∂Y all ones, L is the sum of Y. Type any value into X, K or ∂L/∂Y.",
        "L = Σ Y · ∂L/∂Y: ∂L/∂Y가 모두 1이면 L은 Y의 합입니다. X, K, ∂L/∂Y에 아무 값이나 입력해 보세요.",
    ),
    ("∂L/∂X: the transposed convolution of ∂L/∂Y", "∂L/∂X: ∂L/∂Y의 전치 합성곱"),
    (
        "Each output Y[o] used the input cells under its window, so each input cell's gradient collects ∂L/∂Y[o] × the tap it met, over every window it was in. That is a correlation of ∂L/∂Y, spread out by the stride and fully padded, with the kernel turned 180°.",
        "각 출력 Y[o]는 창 아래의 입력 칸을 썼으므로, 입력 칸의 기울기는 자신이 들어간 모든 창에서 ∂L/∂Y[o] × 만난 가중치를 모읍니다. 이는 스트라이드만큼 벌리고 완전 패딩한 ∂L/∂Y와 180° 돌린 커널의 상관입니다.",
    ),
    ("Zeros between the rows and columns of ∂L/∂Y:", "∂L/∂Y의 행과 열 사이에 넣는 0:"),
    ("full padding:", "완전 패딩:"),
    (" (negative: rows cut)", " (음수: 행을 잘라냄)"),
    ("∂L/∂Y spread out and padded (E)", "벌리고 패딩한 ∂L/∂Y (E)"),
    ("The kernel turned 180°", "180° 돌린 커널"),
    ("Gradient of the input ∂L/∂X", "입력의 기울기 ∂L/∂X"),
    ("∂L/∂W and ∂L/∂b", "∂L/∂W와 ∂L/∂b"),
    (
        "Each weight met one input value in every window: its gradient sums those values, each times the gradient of the output it made. That is a correlation of X with ∂L/∂Y (spread by the stride). The bias was added to every output, so its gradient is the sum of ∂L/∂Y.",
        "각 가중치는 창마다 입력 값 하나를 만났습니다: 그 기울기는 그 값들에 각자 만든 출력의 기울기를 곱해 더한 것, 즉 X와 (스트라이드만큼 벌린) ∂L/∂Y의 상관입니다. 편향은 모든 출력에 더해졌으므로 그 기울기는 ∂L/∂Y의 합입니다.",
    ),
    ("Gradient of the kernel ∂L/∂W", "커널의 기울기 ∂L/∂W"),
    ("Check by finite differences", "유한 차분으로 검사"),
    ("the engine's backward pass:", "엔진의 역전파:"),
    ("difference", "차이"),
    (
        "Click a cell of ∂L/∂X or ∂L/∂W to check it against the loss itself.",
        "∂L/∂X나 ∂L/∂W의 칸을 클릭하면 손실 자체로 검사합니다.",
    ),
    ("The transposed convolution as a layer", "층으로서의 전치 합성곱"),
    (
        "The convolution takes X to Y; the transposed convolution with the same kernel takes Y back to X's size (not to X's values). Decoders and GANs grow their maps this way. The ∂L/∂X above is this layer applied to ∂L/∂Y.",
        "합성곱은 X를 Y로 보내고, 같은 커널의 전치 합성곱은 Y를 X의 크기로 되돌립니다 (X의 값으로는 아닙니다). 디코더와 GAN은 이렇게 맵을 키웁니다. 위의 ∂L/∂X는 이 층을 ∂L/∂Y에 적용한 것입니다.",
    ),
    ("The transposed convolution of Y", "Y의 전치 합성곱"),
    ("Pooling backward", "풀링의 역전파"),
    (
        "The same X through max and average pooling (the lesson's kernel size and stride, no padding), with the gradient 1, 2, 3, … arriving at the outputs. Max pooling sends each output's gradient to its window's winner only; average pooling spreads it evenly over the window.",
        "같은 X를 최대 풀링과 평균 풀링에 넣고(이 단원의 커널 크기와 스트라이드, 패딩 없음) 출력에 기울기 1, 2, 3, …이 도착하게 합니다. 최대 풀링은 각 출력의 기울기를 창의 최댓값 칸에만 보내고, 평균 풀링은 창 전체에 고르게 나눕니다.",
    ),
    ("Max pooling", "최대 풀링"),
    ("Average pooling", "평균 풀링"),
    ("The gradient arriving at the pooling's outputs", "풀링의 출력에 도착하는 기울기"),
];
