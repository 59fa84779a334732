//! The Korean of the Experiments lesson's texts.

pub const KO: &[(&str, &str)] = &[
    ("Experiments", "실험"),
    (
        "Networks train side by side from the same seed, on the same batches in the same order, and differ in one thing. Pick a claim of the notes and watch it happen.",
        "네트워크 여러 개가 같은 시드에서, 같은 배치를 같은 순서로 받으며 나란히 학습합니다. 다른 점은 하나뿐입니다. 강의 노트의 주장을 하나 골라 직접 확인해 보세요.",
    ),
    ("Batch norm", "배치 정규화"),
    ("Residual connections", "잔차 연결"),
    ("SGD or Adam", "SGD 또는 Adam"),
    ("Pooling or stride 2", "풀링 또는 스트라이드 2"),
    (
        "With batch norm the loss falls faster and more steadily, at the same learning rate.",
        "같은 학습률에서 배치 정규화를 쓰면 손실이 더 빠르고 안정적으로 줄어듭니다.",
    ),
    (
        "The deep plain network's loss barely moves; its residual twin, the same layers plus shortcuts, learns.",
        "깊은 일반 네트워크의 손실은 거의 줄지 않습니다. 같은 층에 지름길만 더한 잔차 쌍둥이는 학습합니다.",
    ),
    (
        "Adam moves fast at first; SGD with momentum starts slower on the same network.",
        "Adam은 처음에 빠르게 움직이고, 모멘텀 SGD는 같은 네트워크에서 더 느리게 시작합니다.",
    ),
    (
        "Too small a learning rate crawls, a good one falls fast, too large a one jumps about or diverges.",
        "학습률이 너무 작으면 기어가고, 알맞으면 빠르게 줄고, 너무 크면 요동치거나 발산합니다.",
    ),
    (
        "A 5 × 5 kernel sees more at once, with almost three times the weights of a 3 × 3 one: watch what that buys.",
        "5 × 5 커널은 한 번에 더 넓게 보지만 가중치가 3 × 3의 거의 세 배입니다. 그 대가로 무엇을 얻는지 보세요.",
    ),
    (
        "A stride-2 convolution learns how to shrink the maps, with weights to train; max pooling shrinks them with none.",
        "스트라이드 2 합성곱은 맵을 줄이는 법을 가중치로 학습하고, 최대 풀링은 가중치 없이 줄입니다.",
    ),
    ("Steps", "스텝 수"),
    ("Run", "실행"),
    ("Stop", "멈춤"),
    (
        "Press Run: every run trains on the same batches, step by step.",
        "실행을 누르세요: 모든 실행이 같은 배치로 한 스텝씩 학습합니다.",
    ),
    ("Loading the digits…", "숫자 데이터를 불러오는 중…"),
    ("Loss per step (smoothed), one colour per run", "스텝별 손실(평활), 실행마다 한 색"),
    ("First loss", "처음 손실"),
    ("Loss, mean of the last 10 steps", "손실, 마지막 10스텝 평균"),
    ("diverged", "발산함"),
    ("Accuracy on each step's batch (smoothed)", "스텝마다 배치의 정확도(평활)"),
    ("Accuracy, mean of the last 10 batches", "정확도, 마지막 10배치 평균"),
    ("Momentum", "모멘텀"),
    (
        "Gradient norm of each layer's weights (log₁₀), first layer to last, mean of the last 10 steps",
        "층마다 가중치 기울기의 노름(log₁₀), 첫 층부터 마지막 층까지, 마지막 10스텝 평균",
    ),
    ("layer", "층"),
    (
        "While the runs train, change a run's learning rate or momentum: the change takes effect at the next step and is marked on the curves.",
        "학습하는 동안 실행의 학습률이나 모멘텀을 바꿔 보세요: 다음 스텝부터 적용되고 곡선에 표시됩니다.",
    ),
    (
        "training images/s, all runs together, on the CPU (the training worker)",
        "학습 이미지/초, 모든 실행 합계, CPU(학습 워커)에서",
    ),
    // The runs' names (also the curves' legend).
    ("plain", "일반"),
    ("plain, 17 convolutions", "일반, 합성곱 17개"),
    ("residual, 17 convolutions", "잔차, 합성곱 17개"),
    ("SGD, momentum 0.9", "SGD, 모멘텀 0.9"),
    ("Adam", "Adam"),
    ("lr 0.001", "lr 0.001"),
    ("lr 0.01", "lr 0.01"),
    ("lr 0.5", "lr 0.5"),
    ("3 × 3", "3 × 3"),
    ("5 × 5", "5 × 5"),
    ("max pooling", "최대 풀링"),
    ("stride-2 convolution", "스트라이드 2 합성곱"),
    ("Time of its steps", "스텝에 걸린 시간"),
    ("Images/s", "이미지/초"),
    ("Diverged?", "발산했나요?"),
    ("Inside a run", "실행 하나의 내부"),
    ("Weights of", "가중치를 볼 층"),
    (
        "Share of the layer's weights by value: before the first step and now",
        "값에 따른 층 가중치의 비율: 첫 스텝 전과 지금",
    ),
    ("weight", "가중치"),
    ("before the first step", "첫 스텝 전"),
    ("now", "지금"),
    (
        "This run has no batch norm (or has not taken a step yet).",
        "이 실행에는 배치 정규화가 없습니다(또는 아직 스텝을 밟지 않았습니다).",
    ),
    (
        "The channel's mean: this step's batch, and the running mean kept for evaluation",
        "채널의 평균: 이번 스텝의 배치 평균과 평가용으로 유지하는 이동 평균",
    ),
    (
        "The channel's variance: this step's batch (unbiased), and the running variance",
        "채널의 분산: 이번 스텝의 배치 분산(불편)과 이동 분산",
    ),
    ("running mean", "이동 평균"),
    ("batch variance", "배치 분산"),
    ("running variance", "이동 분산"),
];

/// The lesson's own message formats (see `messages`).
pub const KO_MESSAGES: &[(&str, &str)] = &[(
    "The momentum must be between 0 and 0.999, e.g. 0.9 (it is {momentum}).",
    "모멘텀은 0.9처럼 0에서 0.999 사이여야 합니다(지금은 {momentum}).",
)];
