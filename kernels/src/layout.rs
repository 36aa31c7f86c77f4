//! The layout that the kernels and the host share: output quantities,
//! kernel inputs, status codes, flags and the workgroup size. One list,
//! compiled into the crate and into the WGSL preludes that
//! src/prelude.rs generates (`OUT_*`, `IN_*`, `STATUS_*`,
//! `FLAG_*`, `WORKGROUP`), so that Rust and WGSL cannot drift. Plain
//! constants only: build.rs compiles this file on its own.

/// Output quantities per point, in the order the kernels write them
/// (quantity q of chunk point i at q · chunk_len + i).
pub const OUTPUT_NAMES: [&str; N_OUTPUTS] = [
    "ergotropy",
    "power",
    "efficiency",
    "heat_hot",
    "heat_a",
    "heat_s",
    "ness_ergotropy",
    "heat_dephasing",
    "heat_in",
    "entropy_production",
    "error_estimate",
];

/// Number of float outputs per point.
pub const N_OUTPUTS: usize = 11;

/// One output quantity: a name in OUTPUT_NAMES, an index into the kernels'
/// outputs, and no string lookups in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantity {
    Ergotropy = 0,
    Power = 1,
    Efficiency = 2,
    HeatHot = 3,
    HeatA = 4,
    HeatS = 5,
    NessErgotropy = 6,
    HeatDephasing = 7,
    HeatIn = 8,
    EntropyProduction = 9,
    ErrorEstimate = 10,
}

impl Quantity {
    /// Every quantity, in output order.
    pub const ALL: [Quantity; N_OUTPUTS] = [
        Quantity::Ergotropy,
        Quantity::Power,
        Quantity::Efficiency,
        Quantity::HeatHot,
        Quantity::HeatA,
        Quantity::HeatS,
        Quantity::NessErgotropy,
        Quantity::HeatDephasing,
        Quantity::HeatIn,
        Quantity::EntropyProduction,
        Quantity::ErrorEstimate,
    ];

    /// A name in words, for plots and xarray's `long_name`.
    pub fn long_name(self) -> &'static str {
        match self {
            Quantity::Ergotropy => "ergotropy per cycle",
            Quantity::Power => "power",
            Quantity::Efficiency => "efficiency",
            Quantity::HeatHot => "heat from the hotter bath per cycle",
            Quantity::HeatA => "heat from bath A per cycle",
            Quantity::HeatS => "heat from bath S per cycle",
            Quantity::NessErgotropy => "ergotropy of the NESS",
            Quantity::HeatDephasing => "heat from dephasing per cycle",
            Quantity::HeatIn => "heat absorbed per cycle",
            Quantity::EntropyProduction => "entropy production per cycle",
            Quantity::ErrorEstimate => "estimated relative error",
        }
    }

    /// Units with ħ = k_B = 1: energies in ω0, times in 1/ω0.
    pub fn units(self) -> &'static str {
        match self {
            Quantity::Power => "omega0^2",
            Quantity::Efficiency | Quantity::ErrorEstimate => "1",
            Quantity::EntropyProduction => "k_B",
            _ => "omega0",
        }
    }

    /// The name in configs, files and JSON.
    pub fn name(self) -> &'static str {
        OUTPUT_NAMES[self as usize]
    }

    /// The index among the kernels' outputs.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The quantity of a name; `None` for anything else.
    pub fn from_name(name: &str) -> Option<Quantity> {
        Quantity::ALL.iter().copied().find(|q| q.name() == name)
    }
}

/// Kernel inputs of a point, in slot order (`KernelInput` in
/// src/params.rs names the same slots).
pub const INPUT_NAMES: [&str; N_INPUTS] = [
    "omega0",
    "lambda",
    "tau",
    // n̄_A (thermal, Eq. 9) or Γ_A+ (explicit rates).
    "a_x",
    // Γ0_A (thermal) or Γ_A− (explicit rates).
    "a_y",
    "s_x",
    "s_y",
    "detuning",
    "dephasing",
    // 1/T_A for a thermal bath (0 otherwise): KMS rates and the entropy
    // production.
    "beta_a",
    "beta_s",
];

/// Number of kernel inputs.
pub const N_INPUTS: usize = 11;

/// A point's status: the code in the low byte of its status word and in
/// the `status` array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Status {
    /// The OSS converged and every figure is within the tolerance.
    Converged = 0,
    /// Iteration hit its cycle limit.
    NotConverged = 1,
    /// The point's parameters give no generator (refused values).
    Invalid = 2,
    /// Some figure cannot be resolved to the tolerance in this precision.
    Imprecise = 3,
}

impl Status {
    /// The code as the `status` array holds it.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// Whether a `status` array entry is this status.
    pub const fn is(self, code: u8) -> bool {
        code == self as u8
    }

    /// Whether a kernel's status word (code in the low byte, flags above)
    /// carries this status.
    pub const fn in_word(self, word: u32) -> bool {
        word & LOW_BYTE == self as u32
    }
}

/// The status codes by name, for the WGSL STATUS_* constants.
pub const STATUS: [(&str, u32); 4] = [
    ("converged", Status::Converged as u32),
    ("not_converged", Status::NotConverged as u32),
    ("invalid", Status::Invalid as u32),
    ("imprecise", Status::Imprecise as u32),
];

/// Flags above the status byte: the host writes NaN (efficiency, entropy
/// production) or +inf (error estimate) where they are set.
pub const FLAGS: [(&str, u32); 3] = [
    ("no_efficiency", 0x100),
    ("no_entropy", 0x200),
    ("unresolved", 0x400),
];

/// Invocations per workgroup of every kernel: 64 fills lavapipe's 8-wide
/// SIMD and NVIDIA warps.
pub const WORKGROUP: u32 = 64;

/// Most axes a sweep may have (params.wgsl's arrays hold this many).
pub const MAX_AXES: usize = 8;
/// The low byte of a status word (the status code, flags above it) and of
/// an axis source (the axis, FROM_AXIS above it).
pub const LOW_BYTE: u32 = 0xff;
/// A point's input source with this bit reads axis `source & LOW_BYTE` at
/// the point's index on that axis; otherwise it indexes the values buffer.
pub const FROM_AXIS: u32 = 0x8000_0000;
/// With FROM_AXIS: read the axis's second block of values (β of a
/// temperature axis, whose first block is n̄).
pub const SECOND_MAP: u32 = 0x4000_0000;
/// The slot of a quantity the sweep does not keep.
pub const NO_SLOT: u32 = u32::MAX;
/// Most reductions folded in one pass over the grid.
pub const MAX_REDUCTIONS: usize = 8;
/// Most constraints per reduction (all must hold).
pub const MAX_WHERE: usize = 4;
/// `where_quantity` of a reduction without a constraint.
pub const NO_CONSTRAINT: u32 = u32::MAX;
/// `SweepParams.protocol`: the ergotropy-optimal unitary, or a fixed gate
/// (whose matrix the model builds).
pub const PROTOCOL_OPTIMAL: u32 = 0;
pub const PROTOCOL_GATE: u32 = 1;
/// `SweepParams.rates`: Eq. 9's rates, or KMS per Bohr frequency.
pub const RATES_EQ9: u32 = 0;
pub const RATES_KMS: u32 = 1;
/// A reduction's `op`: keep the largest or the smallest key.
pub const OPS: [(&str, u32); 2] = [("max", 0), ("min", 1)];
/// A constraint's comparison, by code (the main crate's src/config/constraint.rs `Cmp`).
pub const CMPS: [(&str, u32); 4] = [("ge", 0), ("gt", 1), ("le", 2), ("lt", 3)];

/// One storage binding of a kernel: its WGSL name and type, and whether it
/// is read-only. Bindings are numbered in list order.
pub type Binding = (&'static str, &'static str, bool);

/// The sweep kernels' bindings (shaders/common/params.wgsl documents each).
pub const SWEEP_BINDINGS: [Binding; 4] = [
    ("params", "SweepParams", true),
    // Axis values then fixed values, already in kernel form.
    ("values", "array<real>", true),
    // Quantity q of chunk point i at q · chunk_len + i.
    ("out_real", "array<real>", false),
    // status | flags of chunk point i at i, its cycles at chunk_len + i (so
    // that a sweep that does not keep cycles reads back the first half).
    ("out_u32", "array<u32>", false),
];

/// The reduction kernels' bindings (shaders/reduce.wgsl documents each).
pub const REDUCE_BINDINGS: [Binding; 8] = [
    ("rp", "ReduceParams", true),
    ("thresholds", "array<real>", true),
    ("out_real", "array<real>", true),
    ("out_u32", "array<u32>", true),
    ("part_real", "array<real>", false),
    ("part_u32", "array<u32>", false),
    ("acc_real", "array<real>", false),
    ("acc_u32", "array<u32>", false),
];

/// The battery stroke kernel's bindings (shaders/battery_stroke.wgsl
/// documents each).
pub const STROKE_BINDINGS: [Binding; 3] = [
    ("sp", "StrokeParams", true),
    // Point i's X = Wτ (row-major, d × d) at i·(d² + 1), τ after it.
    ("stroke_in", "array<real>", true),
    // Point i's e^X − I at i·2d², F = ∫_0^τ e^{Ws} ds after it.
    ("stroke_out", "array<real>", false),
];

/// The battery stroke's Taylor series (the kernel, its twin and the f64
/// oracle, src/battery/cycle.rs, share them): X is scaled by 2^-s to
/// ‖X/2^s‖₁ ≤ STROKE_THETA, and φ1 summed to the fewest terms (at most
/// STROKE_TERMS) whose remainder θ^(m+1)/(m+2)! is below
/// STROKE_REMAINDER, far below f64's ε.
pub const STROKE_THETA: f64 = 0.5;
pub const STROKE_TERMS: u32 = 24;
pub const STROKE_REMAINDER: f64 = 1e-19;

/// The WGSL declarations of the stroke's constants (f64 only).
pub fn wgsl_stroke_constants() -> String {
    format!(
        "const STROKE_THETA: f64 = {STROKE_THETA:?};\nconst STROKE_TERMS: u32 = {STROKE_TERMS}u;\nconst STROKE_REMAINDER: f64 = {STROKE_REMAINDER:?};\n"
    )
}

/// The battery OSS kernel's bindings (shaders/battery_oss.wgsl).
pub const OSS_BINDINGS: [Binding; 3] = [
    ("op", "OssParams", true),
    // Point i's W (row-major, d × d) at i·2d², C = e^{Wτ} − I after it.
    ("oss_in", "array<real>", true),
    // Point i's NESS, p, q and order (d each), then the NESS solve's
    // error, the OSS solve's, and 1 where found, at i·(4d + 3).
    ("oss_out", "array<real>", false),
];

/// Reals a point's OSS output holds beyond its four vectors: the two
/// solves' errors and whether the OSS was found.
pub const OSS_WIDTH_EXTRA: usize = 3;

/// Two orders of the extraction are one where the populations they
/// differ in are equal within OSS_TIE ε of the largest (the kernel, its
/// twin and the f64 path, src/battery/cycle.rs, share it).
pub const OSS_TIE: f64 = 64.0;

/// The WGSL declarations of the OSS kernel's constants (f64 only).
pub fn wgsl_oss_constants() -> String {
    format!(
        "const OSS_TIE: f64 = {OSS_TIE:?};\nconst OSS_WIDTH_EXTRA: u32 = {OSS_WIDTH_EXTRA}u;\nconst OSS_F64_EPS: f64 = {:?};\nconst OSS_F64_MAX: f64 = {:?};\n",
        f64::EPSILON,
        f64::MAX
    )
}

/// The WGSL declarations of `bindings`, in group 0, numbered in order.
pub fn wgsl_bindings(bindings: &[Binding]) -> String {
    let mut s = String::from("// Bindings generated from kernels/src/layout.rs.\n");
    for (b, (name, ty, read_only)) in bindings.iter().enumerate() {
        let access = if *read_only { "read" } else { "read_write" };
        s += &format!("@group(0) @binding({b}) var<storage, {access}> {name}: {ty};\n");
    }
    s
}

/// The WGSL declarations of all of the above.
pub fn wgsl_constants() -> String {
    let mut s = String::from("// Generated from kernels/src/layout.rs.\n");
    for (q, name) in OUTPUT_NAMES.iter().enumerate() {
        s += &format!("const OUT_{}: u32 = {q}u;\n", name.to_uppercase());
    }
    s += &format!("const N_OUT: u32 = {N_OUTPUTS}u;\n");
    for (q, name) in INPUT_NAMES.iter().enumerate() {
        s += &format!("const IN_{}: u32 = {q}u;\n", name.to_uppercase());
    }
    s += &format!("const N_INPUTS: u32 = {N_INPUTS}u;\n");
    for (name, code) in STATUS {
        s += &format!("const STATUS_{}: u32 = {code}u;\n", name.to_uppercase());
    }
    for (name, bit) in FLAGS {
        s += &format!("const FLAG_{}: u32 = {bit:#x}u;\n", name.to_uppercase());
    }
    s += &format!("const WORKGROUP: u32 = {WORKGROUP}u;\n");
    s += &format!("const MAX_AXES: u32 = {MAX_AXES}u;\n");
    s += &format!("const LOW_BYTE: u32 = {LOW_BYTE:#x}u;\n");
    s += &format!("const PROTOCOL_OPTIMAL: u32 = {PROTOCOL_OPTIMAL}u;\n");
    s += &format!("const PROTOCOL_GATE: u32 = {PROTOCOL_GATE}u;\n");
    s += &format!("const RATES_EQ9: u32 = {RATES_EQ9}u;\n");
    s += &format!("const RATES_KMS: u32 = {RATES_KMS}u;\n");
    s += &format!("const FROM_AXIS: u32 = {FROM_AXIS:#x}u;\n");
    s += &format!("const SECOND_MAP: u32 = {SECOND_MAP:#x}u;\n");
    s += &format!("const NO_SLOT: u32 = {NO_SLOT:#x}u;\n");
    s += &format!("const MAX_REDUCTIONS: u32 = {MAX_REDUCTIONS}u;\n");
    s += &format!("const MAX_WHERE: u32 = {MAX_WHERE}u;\n");
    s += &format!("const NO_CONSTRAINT: u32 = {NO_CONSTRAINT:#x}u;\n");
    for (name, code) in OPS {
        s += &format!("const OP_{}: u32 = {code}u;\n", name.to_uppercase());
    }
    for (name, code) in CMPS {
        s += &format!("const CMP_{}: u32 = {code}u;\n", name.to_uppercase());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_in_output_order() {
        for (i, q) in Quantity::ALL.iter().enumerate() {
            assert_eq!(q.index(), i);
            assert_eq!(Quantity::from_name(OUTPUT_NAMES[i]), Some(*q));
        }
        assert_eq!(Quantity::from_name("work"), None);
    }
}
