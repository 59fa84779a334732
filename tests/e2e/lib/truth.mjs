// What the pages compute from, rebuilt in JavaScript so that the browser tests can work out the
// expected numbers themselves: the core's random generator, the channels lesson's synthetic RGB
// image, and the way the pages write numbers. All arithmetic in f32 (Math.fround), as in Rust.

export const f = Math.fround;

/** `format::value`: whole numbers without decimals, others with at most three. */
export function fmt(v) {
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return String(v === 0 ? 0 : v);
  const s = v.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

export const U64 = (1n << 64n) - 1n;

/** `convlab_core::rng::Rng`: PCG-XSH-RR. */
export class Rng {
  constructor(seed) {
    this.state = (BigInt(seed) + 0x853c49e6748fea9bn) & U64;
    this.nextU32();
  }
  nextU32() {
    const old = this.state;
    this.state = (old * 6364136223846793005n + 1442695040888963407n) & U64;
    const xorshifted = Number((((old >> 18n) ^ old) >> 27n) & 0xffffffffn);
    const rot = Number(old >> 59n);
    return ((xorshifted >>> rot) | (xorshifted << ((32 - rot) & 31))) >>> 0;
  }
  /** Uniform in [0, 1), f32. */
  uniform() {
    return f((this.nextU32() >>> 8) / 16777216);
  }
  /** Uniform in [−1, 1), f32. */
  symmetric() {
    return f(f(this.uniform() * 2) - 1);
  }
}

/** The channels lesson's synthetic image `(3, h, w)` in f32: a red square, a green disc, a blue bar (see `synthetic_rgb`). */
export function syntheticRgb(h, w = h) {
  const out = new Array(3 * h * w).fill(0);
  const sq = (d) => f(d * d);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = f((x + 0.5) / w);
      const v = f((y + 0.5) / h);
      const red = u >= f(0.08) && u < f(0.5) && v >= f(0.08) && v < f(0.55);
      const green = f(sq(f(u - f(0.64))) + sq(f(v - f(0.42)))) < sq(f(0.29));
      const blue = u >= f(0.15) && u < f(0.92) && v >= f(0.66) && v < f(0.9);
      [red, green, blue].forEach((on, c) => {
        out[(c * h + y) * w + x] = on ? 1 : 0;
      });
    }
  }
  return out;
}
