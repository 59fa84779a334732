//! The conformance table (`convlab_core::conformance`) on the CPU backend: every case's gradients
//! against finite differences of its forward pass. The GPU crate runs the same table on the GPU.

use convlab_core::conformance::table;
use convlab_core::CpuBackend;

#[test]
fn every_case_passes_on_the_cpu() {
    let cases = table();
    assert!(cases.len() >= 30, "the table has {} cases", cases.len());
    for case in &cases {
        case.check(&CpuBackend).unwrap_or_else(|e| panic!("{e}"));
    }
}
