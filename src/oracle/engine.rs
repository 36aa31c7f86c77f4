//! One engine point assembled as a linear generator with its observables.

use crate::error::Result;
use crate::model::operators::{self, Op};
use crate::model::rates::{hot_bath, HotBath};
use crate::model::{levels, BathRates, EngineParams, ModelKind, RateKind, Rates, TransitionRates};
use crate::oracle::superop::{commutator, dissipator};
use crate::oracle::{CMat, CVec, C64};

/// A bath channel whose heat is tracked separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    A,
    S,
    /// Pure dephasing (density-matrix model only). It exchanges energy with
    /// the qubits when λ ≠ 0 because σz does not commute with H.
    Dephasing,
}

/// Generator, observables and level structure of one point.
#[derive(Debug, Clone)]
pub struct Engine {
    pub kind: ModelKind,
    pub params: EngineParams,
    pub rates: Rates,
    /// The rate of every transition (equal to `rates` under Eq. 9).
    pub transitions: TransitionRates,
    pub hot: HotBath,
    /// Level energies in order (gg, S, A, ee).
    pub energies: [f64; 4],
    /// The doublet's half splitting r = (E_A − E_S)/2, from the parameters.
    pub half_split: f64,
    /// ẋ = G x.
    pub generator: CMat,
    /// Heat current into the qubits from each channel: q_c = Re(h_c · x).
    pub heat: Vec<(Channel, CVec)>,
    /// Tr(H ρ) = Re(e · x).
    pub energy: CVec,
    /// Tr(ρ) = Re(t · x).
    pub trace: CVec,
    /// H, S, A, σz(1), σz(2) in the energy eigenbasis (density-matrix model).
    pub frame: Option<Frame>,
}

/// Operators in the energy eigenbasis, where H is diagonal.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Columns: eigenstates (gg, S, A, ee) in the product basis.
    pub basis: Op,
}

impl Frame {
    /// O ↦ V† O V.
    pub fn to_energy(&self, o: &Op) -> Op {
        self.basis.adjoint() * o * self.basis
    }
}

impl Engine {
    pub fn new(params: &EngineParams, kind: ModelKind) -> Result<Engine> {
        params.validate(kind)?;
        let rates = Rates::from_params(params);
        let transitions = TransitionRates::from_params(params);
        let energies = levels::energies(params.omega0, params.lambda, params.detuning);
        let (channels, frame) = match kind {
            ModelKind::Populations => (population_channels(&transitions), None),
            ModelKind::DensityMatrix => density_matrix_parts(params, &transitions),
        };
        let generator = channels
            .iter()
            .fold(frame_hamiltonian(params, kind), |g, (_, d)| g + d);
        let dim = generator.nrows();
        let mut energy = CVec::zeros(dim);
        let mut trace = CVec::zeros(dim);
        // E = ω0 n + r s with n = (0, 1, 1, 2), s = (0, −1, 1, 0): the heat
        // functionals are formed as ω0 (n·D) + r (s·D), so that every Bohr
        // frequency comes from the parameters, never from a difference of
        // rounded energies (whose error ε·ω0 swamps a splitting r ≪ ω0).
        let r = levels::doublet_splitting(params.lambda, params.detuning);
        let mut number = CVec::zeros(dim);
        let mut split = CVec::zeros(dim);
        for (i, e) in energies.iter().enumerate() {
            let k = diag_index(kind, i);
            energy[k] = C64::new(*e, 0.0);
            trace[k] = C64::new(1.0, 0.0);
            number[k] = C64::new(levels::EXCITATIONS[i], 0.0);
            split[k] = C64::new(levels::SPLIT_SIGN[i], 0.0);
        }
        let heat = channels
            .into_iter()
            .map(|(c, d)| {
                let n_part = (number.transpose() * &d).transpose();
                let s_part = (split.transpose() * &d).transpose();
                (
                    c,
                    n_part * C64::new(params.omega0, 0.0) + s_part * C64::new(r, 0.0),
                )
            })
            .collect();
        Ok(Engine {
            kind,
            params: *params,
            rates,
            transitions,
            hot: hot_bath(params),
            energies,
            half_split: levels::doublet_splitting(params.lambda, params.detuning),
            generator,
            heat,
            energy,
            trace,
            frame,
        })
    }

    /// Length of the state vector: 4 or 16.
    pub fn dim(&self) -> usize {
        self.generator.nrows()
    }

    /// Level populations (gg, S, A, ee) of a state.
    pub fn populations(&self, x: &CVec) -> [f64; 4] {
        std::array::from_fn(|i| x[diag_index(self.kind, i)].re)
    }

    /// The state diagonal in the energy basis with these populations.
    pub fn diagonal_state(&self, pops: &[f64; 4]) -> CVec {
        let mut x = CVec::zeros(self.dim());
        for (i, p) in pops.iter().enumerate() {
            x[diag_index(self.kind, i)] = C64::new(*p, 0.0);
        }
        x
    }

    /// Re(f · x) for a row functional f.
    pub fn observe(f: &CVec, x: &CVec) -> f64 {
        f.iter().zip(x.iter()).map(|(a, b)| a * b).sum::<C64>().re
    }

    /// Heat functional of one channel (zero if the model has no such channel).
    pub fn heat_functional(&self, channel: Channel) -> Option<&CVec> {
        self.heat
            .iter()
            .find(|(c, _)| *c == channel)
            .map(|(_, h)| h)
    }
}

/// Index of population i in the state vector.
pub fn diag_index(kind: ModelKind, i: usize) -> usize {
    match kind {
        ModelKind::Populations => i,
        ModelKind::DensityMatrix => i * 5,
    }
}

/// Rate matrix of the population model, written from Eq. 8: S† and A† move
/// gg→S/A→ee at rate 2Γ+, S and A move back at rate 2Γ−, each at the rate
/// of its own Bohr frequency (gg ↔ A and S ↔ ee at ω0 + λ, gg ↔ S and
/// A ↔ ee at ω0 − λ). Entry (i, j) is the rate j → i; the diagonal makes
/// columns sum to zero.
fn channel_rates(b: &BathRates, mid: usize) -> CMat {
    let mut w = CMat::zeros(4, 4);
    let (gg, ee) = (0, 3);
    // (lower leg gg ↔ mid, upper leg mid ↔ ee) as (up, down).
    let (low, high) = if mid == 2 {
        ((b.up_hi, b.down_hi), (b.up_lo, b.down_lo))
    } else {
        ((b.up_lo, b.down_lo), (b.up_hi, b.down_hi))
    };
    w[(mid, gg)] = C64::new(2.0 * low.0, 0.0);
    w[(gg, mid)] = C64::new(2.0 * low.1, 0.0);
    w[(ee, mid)] = C64::new(2.0 * high.0, 0.0);
    w[(mid, ee)] = C64::new(2.0 * high.1, 0.0);
    for j in 0..4 {
        let out: C64 = (0..4).filter(|&i| i != j).map(|i| w[(i, j)]).sum();
        w[(j, j)] = -out;
    }
    w
}

fn population_channels(t: &TransitionRates) -> Vec<(Channel, CMat)> {
    vec![
        (Channel::A, channel_rates(&t.a, 2)),
        (Channel::S, channel_rates(&t.s, 1)),
    ]
}

/// The Hamiltonian part −i[H, ·] (zero for the population model).
fn frame_hamiltonian(p: &EngineParams, kind: ModelKind) -> CMat {
    match kind {
        ModelKind::Populations => CMat::zeros(4, 4),
        ModelKind::DensityMatrix => {
            let basis = operators::eigenbasis(p.lambda, p.detuning);
            let h =
                basis.adjoint() * operators::hamiltonian(p.omega0, p.lambda, p.detuning) * basis;
            commutator(&h)
        }
    }
}

/// Splits a lowering operator (in the energy basis) into its Bohr-frequency
/// components: (ω0 − r: gg ← S', A' ← ee; ω0 + r: gg ← A', S' ← ee).
fn bohr_components(x: &Op) -> (Op, Op) {
    let mut lo = Op::zeros();
    let mut hi = Op::zeros();
    for (a, b) in [(0, 1), (2, 3)] {
        lo[(a, b)] = x[(a, b)];
    }
    for (a, b) in [(0, 2), (1, 3)] {
        hi[(a, b)] = x[(a, b)];
    }
    (lo, hi)
}

/// One bath's dissipator: Eq. 8 with the operator X whole (Eq. 9, where
/// both frequencies share one rate), or the global (Davies) form with each
/// Bohr component at its own KMS rate.
fn bath_dissipator(x: &Op, b: &BathRates, kind: RateKind) -> CMat {
    match kind {
        RateKind::Eq9 => dissipator(&x.adjoint(), b.up_lo) + dissipator(x, b.down_lo),
        RateKind::Kms => {
            let (lo, hi) = bohr_components(x);
            dissipator(&lo.adjoint(), b.up_lo)
                + dissipator(&lo, b.down_lo)
                + dissipator(&hi.adjoint(), b.up_hi)
                + dissipator(&hi, b.down_hi)
        }
    }
}

/// Dissipators of Eq. 8 (plus dephasing) in the energy eigenbasis; the
/// Hamiltonian part is [`frame_hamiltonian`].
fn density_matrix_parts(
    p: &EngineParams,
    t: &TransitionRates,
) -> (Vec<(Channel, CMat)>, Option<Frame>) {
    let frame = Frame {
        basis: operators::eigenbasis(p.lambda, p.detuning),
    };
    let s = frame.to_energy(&operators::s_lower());
    let a = frame.to_energy(&operators::a_lower());
    let mut channels = vec![
        (Channel::A, bath_dissipator(&a, &t.a, p.rate_kind)),
        (Channel::S, bath_dissipator(&s, &t.s, p.rate_kind)),
    ];
    if p.dephasing > 0.0 {
        let z1 = frame.to_energy(&operators::sigma_z(1));
        let z2 = frame.to_energy(&operators::sigma_z(2));
        channels.push((
            Channel::Dephasing,
            dissipator(&z1, p.dephasing / 2.0) + dissipator(&z2, p.dephasing / 2.0),
        ));
    }
    (channels, Some(frame))
}
