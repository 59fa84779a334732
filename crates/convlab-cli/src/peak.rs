//! The CPU's peak single-precision arithmetic rate that `convlab bench` measures GFLOP/s against:
//! clock × floating-point operations per cycle, from what this machine says of itself. It is an
//! assumption, printed with its basis, not a measurement: a virtual machine's reported clock is
//! nominal, and the number of FMA units per core differs between CPUs of the same family.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Peak {
    /// The clock `/proc/cpuinfo` reports for the first core, in GHz.
    pub ghz: f64,
    /// Single-precision operations per cycle and core: SIMD lanes × 2 (a fused multiply-add
    /// counts two) × FMA units.
    pub flops_per_cycle: u32,
    pub one_core_gflops: f64,
    pub cores: usize,
    pub all_cores_gflops: f64,
    /// What the figure rests on, in words.
    pub basis: String,
}

/// The widest vector unit this CPU runs (runtime detection): lanes of f32, 512-bit FMAs per
/// cycle, and its name. AMD's Zen 4 (family 25) runs a 512-bit FMA on its two 256-bit units, one
/// per cycle; Intel's server cores and Zen 5 have two full 512-bit units.
fn vector_unit(cpuinfo: &str) -> (u32, u32, &'static str) {
    #[cfg(target_arch = "x86_64")]
    {
        let field = |name: &str| {
            cpuinfo
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split(':').nth(1))
                .map(|v| v.trim().to_string())
        };
        let zen4 = field("vendor_id").as_deref() == Some("AuthenticAMD")
            && field("cpu family").as_deref() == Some("25");
        if std::arch::is_x86_feature_detected!("avx512f") {
            return match zen4 {
                true => (
                    16,
                    1,
                    "AVX-512 with FMA on AMD Zen 4, one 512-bit FMA per cycle",
                ),
                false => (
                    16,
                    2,
                    "AVX-512 with FMA, two 512-bit FMA units per core assumed",
                ),
            };
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            return (8, 2, "AVX2 with FMA, two FMA units per core assumed");
        }
        (4, 1, "SSE, one multiply and one add per lane and cycle")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = cpuinfo;
        (
            4,
            1,
            "128-bit SIMD, one fused multiply-add per lane and cycle assumed",
        )
    }
}

/// The first `cpu MHz` of `cpuinfo`, in GHz.
fn clock_ghz(cpuinfo: &str) -> Option<f64> {
    cpuinfo
        .lines()
        .find(|l| l.starts_with("cpu MHz"))
        .and_then(|l| l.split(':').nth(1))
        .and_then(|mhz| mhz.trim().parse::<f64>().ok())
        .filter(|mhz| *mhz > 0.0)
        .map(|mhz| mhz / 1000.0)
}

/// This machine's assumed peak, or `None` where it does not report its clock.
pub fn assumed() -> Option<Peak> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let ghz = clock_ghz(&cpuinfo)?;
    let (lanes, fma_units, unit) = vector_unit(&cpuinfo);
    let flops_per_cycle = lanes * 2 * fma_units;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let one_core_gflops = ghz * flops_per_cycle as f64;
    Some(Peak {
        ghz,
        flops_per_cycle,
        one_core_gflops,
        cores,
        all_cores_gflops: one_core_gflops * cores as f64,
        basis: format!("{ghz:.2} GHz (cpuinfo) × {flops_per_cycle} FLOP/cycle: {unit}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_is_read_from_cpuinfo() {
        let cpuinfo =
            "processor\t: 0\nmodel name\t: Some CPU\ncpu MHz\t\t: 2095.076\ncache size\t: 1 KB\n";
        assert_eq!(clock_ghz(cpuinfo), Some(2.095076));
        assert_eq!(clock_ghz("processor\t: 0\n"), None);
        assert_eq!(clock_ghz("cpu MHz\t\t: 0\n"), None);
    }
}
