//! One engine point assembled as a linear generator with its observables.

use super::superop::{commutator, dissipator};
use super::{CMat, CVec, C64};
use crate::error::Result;
use crate::model::operators::{self, Op};
use crate::model::rates::{hot_bath, HotBath};
use crate::model::{levels, EngineParams, ModelKind, Rates};

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
    pub hot: HotBath,
    /// Level energies in order (gg, S, A, ee).
    pub energies: [f64; 4],
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
        let energies = levels::energies(params.omega0, params.lambda, params.detuning);
        let (generator, channels, frame) = match kind {
            ModelKind::Populations => (
                population_generator(&rates),
                population_channels(&rates),
                None,
            ),
            ModelKind::DensityMatrix => density_matrix_parts(params, &rates),
        };
        let dim = generator.nrows();
        let mut energy = CVec::zeros(dim);
        let mut trace = CVec::zeros(dim);
        for (i, e) in energies.iter().enumerate() {
            let k = diag_index(kind, i);
            energy[k] = C64::new(*e, 0.0);
            trace[k] = C64::new(1.0, 0.0);
        }
        let heat = channels
            .into_iter()
            .map(|(c, d)| (c, (energy.transpose() * d).transpose()))
            .collect();
        Ok(Engine {
            kind,
            params: *params,
            rates,
            hot: hot_bath(params),
            energies,
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
/// gg→S/A→ee at rate 2Γ+, S and A move back at rate 2Γ−. Entry (i, j) is
/// the rate j → i; the diagonal makes columns sum to zero.
fn channel_rates(up: f64, down: f64, mid: usize) -> CMat {
    let mut w = CMat::zeros(4, 4);
    let (gg, ee) = (0, 3);
    w[(mid, gg)] = C64::new(2.0 * up, 0.0);
    w[(ee, mid)] = C64::new(2.0 * up, 0.0);
    w[(gg, mid)] = C64::new(2.0 * down, 0.0);
    w[(mid, ee)] = C64::new(2.0 * down, 0.0);
    for j in 0..4 {
        let out: C64 = (0..4).filter(|&i| i != j).map(|i| w[(i, j)]).sum();
        w[(j, j)] = -out;
    }
    w
}

fn population_channels(r: &Rates) -> Vec<(Channel, CMat)> {
    vec![
        (Channel::A, channel_rates(r.a_up, r.a_down, 2)),
        (Channel::S, channel_rates(r.s_up, r.s_down, 1)),
    ]
}

fn population_generator(r: &Rates) -> CMat {
    population_channels(r)
        .into_iter()
        .fold(CMat::zeros(4, 4), |g, (_, w)| g + w)
}

/// Lindblad generator of Eq. 8 (plus detuning and dephasing) in the energy
/// eigenbasis.
fn density_matrix_parts(
    p: &EngineParams,
    r: &Rates,
) -> (CMat, Vec<(Channel, CMat)>, Option<Frame>) {
    let frame = Frame {
        basis: operators::eigenbasis(p.lambda, p.detuning),
    };
    let h = frame.to_energy(&operators::hamiltonian(p.omega0, p.lambda, p.detuning));
    let s = frame.to_energy(&operators::s_lower());
    let a = frame.to_energy(&operators::a_lower());
    let mut channels = vec![
        (
            Channel::A,
            dissipator(&a.adjoint(), r.a_up) + dissipator(&a, r.a_down),
        ),
        (
            Channel::S,
            dissipator(&s.adjoint(), r.s_up) + dissipator(&s, r.s_down),
        ),
    ];
    if p.dephasing > 0.0 {
        let z1 = frame.to_energy(&operators::sigma_z(1));
        let z2 = frame.to_energy(&operators::sigma_z(2));
        channels.push((
            Channel::Dephasing,
            dissipator(&z1, p.dephasing / 2.0) + dissipator(&z2, p.dephasing / 2.0),
        ));
    }
    let g = channels.iter().fold(commutator(&h), |g, (_, d)| g + d);
    (g, channels, Some(frame))
}
