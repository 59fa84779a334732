//! The Korean of the image-kernels lesson's texts (those of pictures and their refusals are in
//! `picture/ko.rs`).

pub const KO: &[(&str, &str)] = &[
    // Presets
    ("identity", "항등(identity)"),
    ("edge [1, −1]", "에지 [1, −1]"),
    ("edge, transposed", "에지, 전치"),
    ("Sobel x", "소벨 x"),
    ("Sobel y", "소벨 y"),
    ("Prewitt x", "프리윗 x"),
    ("Prewitt y", "프리윗 y"),
    ("Laplacian", "라플라시안"),
    ("sharpen", "선명하게"),
    ("box blur", "박스 블러"),
    ("Gaussian blur", "가우시안 블러"),
    ("emboss", "엠보스"),
    ("outline", "윤곽선"),
    ("custom", "직접 입력"),
    (
        "Copies the image: the centre weight is 1, every other 0. A starting point for your own kernel.",
        "이미지를 그대로 복사합니다: 가운데 가중치만 1이고 나머지는 0입니다. 나만의 커널을 만들 때 출발점으로 좋습니다.",
    ),
    (
        "The notes' edge detector: each pixel minus its right neighbour. Zero on flat areas, large at vertical edges (positive where the image gets darker to the right).",
        "노트의 에지 검출기: 각 픽셀에서 오른쪽 이웃을 뺍니다. 평평한 곳은 0, 세로 경계에서 크고 (오른쪽으로 어두워지면 양수) 입니다.",
    ),
    (
        "[1, −1] turned on its side: each pixel minus the one below it, so it finds horizontal edges.",
        "[1, −1]을 세운 것: 각 픽셀에서 아래 픽셀을 빼므로 가로 경계를 찾습니다.",
    ),
    (
        "The horizontal gradient, smoothed over three rows: vertical edges, positive where the image gets brighter to the right.",
        "세 행에 걸쳐 부드럽게 한 가로 방향 기울기: 세로 경계를 찾고, 오른쪽으로 밝아지면 양수입니다.",
    ),
    (
        "The vertical gradient: horizontal edges, positive where the image gets brighter downwards.",
        "세로 방향 기울기: 가로 경계를 찾고, 아래로 밝아지면 양수입니다.",
    ),
    (
        "Like Sobel x with equal weights on the three rows: vertical edges.",
        "세 행의 가중치가 같은 소벨 x: 세로 경계를 찾습니다.",
    ),
    (
        "Like Sobel y with equal weights on the three columns: horizontal edges.",
        "세 열의 가중치가 같은 소벨 y: 가로 경계를 찾습니다.",
    ),
    (
        "The second derivative: edges and fine detail in every direction; zero where the image is flat or changes evenly.",
        "2차 미분: 모든 방향의 경계와 세부를 찾습니다. 평평하거나 고르게 변하는 곳은 0입니다.",
    ),
    (
        "The pixel plus its difference from its neighbours (identity minus the Laplacian): edges look crisper.",
        "픽셀에 이웃과의 차이를 더합니다 (항등 − 라플라시안): 경계가 더 또렷해집니다.",
    ),
    (
        "The average of the 3×3 neighbourhood (each weight 1/9): smooths noise and fine detail away.",
        "3×3 이웃의 평균 (가중치 모두 1/9): 잡음과 세부를 부드럽게 지웁니다.",
    ),
    (
        "A weighted average, the nearer pixels counting more ([1 2 1; 2 4 2; 1 2 1] / 16): a softer blur.",
        "가까운 픽셀일수록 더 크게 반영하는 가중 평균 ([1 2 1; 2 4 2; 1 2 1] / 16): 더 부드러운 블러입니다.",
    ),
    (
        "A diagonal gradient plus the pixel: edges become light and shadow, as if the image were embossed.",
        "대각선 기울기에 픽셀을 더합니다: 경계가 빛과 그림자가 되어 양각처럼 보입니다.",
    ),
    (
        "8 × the pixel minus its 8 neighbours: every edge lights up, flat areas go to 0.",
        "픽셀의 8배에서 8개 이웃을 뺍니다: 모든 경계가 드러나고 평평한 곳은 0이 됩니다.",
    ),
    (
        "Your own weights: type any number in the kernel and the feature map follows as you type.",
        "직접 정한 가중치: 커널에 아무 숫자나 입력하면 입력하는 대로 특성 맵이 바뀝니다.",
    ),
    // Page
    ("Image", "이미지"),
    ("Feature map", "특성 맵"),
    ("Digit", "숫자"),
    ("Another digit", "다른 숫자"),
    ("Photo", "사진"),
    ("Camera", "카메라"),
    ("Your own image…", "내 이미지…"),
    (
        "or drop one on this page. It never leaves your browser.",
        "또는 이 페이지에 끌어다 놓으세요. 파일은 브라우저 밖으로 나가지 않습니다.",
    ),
    (
        "No image uploaded yet: choose a file or drop one on this page.",
        "아직 올린 이미지가 없습니다: 파일을 고르거나 이 페이지에 끌어다 놓으세요.",
    ),
    (
        "Point at the image or the feature map to read both values.",
        "이미지나 특성 맵을 가리키면 두 값을 함께 보여 줍니다.",
    ),
    ("Loading…", "불러오는 중…"),
    ("Rows", "행"),
    ("Columns", "열"),
    ("Colour scale", "색 척도"),
];
