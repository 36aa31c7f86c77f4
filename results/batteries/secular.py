"""How far the secular (Davies) approximation moves a stroke: the maser
with its upper level split (levels 0, 0.4, 1, 1 + delta; hot bath T = 2 on
0<->2 and 0<->3, cold T = 0.2 on 0<->1, Gamma = 1e-3, flat spectral
density), one stroke from diag(0.1, 0.2, 0.3, 0.4), under QuTiP 5's
Bloch-Redfield tensor with the secular cut (the Davies generator nessbat
uses) and without it (full Redfield). The hot bath feeds the coherence of
levels 2 and 3 at r = Gamma (n(1) + 1) |X_02 X_03| (nessbat's src/battery/
secular.rs); the table gives r/delta against the stroke's population
change's relative difference. Run: python results/batteries/secular.py
"""

import numpy as np
import qutip as qt

GAMMA, T_H, T_C = 1e-3, 2.0, 0.2
START = np.diag([0.1, 0.2, 0.3, 0.4])


def tensor(delta: float, secular: bool) -> qt.Qobj:
    h = qt.Qobj(np.diag([0.0, 0.4, 1.0, 1.0 + delta]))
    x_h = np.zeros((4, 4))
    x_h[0, 2:] = x_h[2:, 0] = 1.0
    x_c = np.zeros((4, 4))
    x_c[0, 1] = x_c[1, 0] = 1.0

    def spectrum(t):
        # QuTiP's convention: w > 0 is emission (Gamma (n + 1)), w < 0
        # absorption (Gamma n); no zero-frequency (dephasing) term.
        def s(w):
            w = float(w)
            if w == 0.0:
                return 0.0
            n = 1.0 / np.expm1(abs(w) / t)
            return GAMMA * (n + 1.0) if w > 0 else GAMMA * n

        return s

    a_ops = [[qt.Qobj(x_h), spectrum(T_H)], [qt.Qobj(x_c), spectrum(T_C)]]
    # sec_cutoff=-1 keeps every term (Redfield); a tiny cut keeps only the
    # exactly resonant ones (Davies).
    return qt.bloch_redfield_tensor(h, a_ops, fock_basis=True, sec_cutoff=1e-9 if secular else -1)


def stroke(delta: float, secular: bool, tau: float) -> np.ndarray:
    u = (tensor(delta, secular) * tau).expm()
    rho = qt.vector_to_operator(u * qt.operator_to_vector(qt.Qobj(START)))
    return np.real(np.diag(rho.full()))


def main() -> None:
    rate = GAMMA * (1.0 / np.expm1(1.0 / T_H) + 1.0)
    print("| delta | r/delta | tau | stroke's change, Redfield vs Davies (max relative) |")
    print("|---|---|---|---|")
    for delta in [1.0, 0.3, 0.1, 0.03, 0.01, 0.003]:
        for tau in [100.0, 1000.0]:
            davies = stroke(delta, True, tau)
            redfield = stroke(delta, False, tau)
            change = np.abs(davies - np.diag(START))
            off = np.max(np.abs(redfield - davies) / change)
            print(f"| {delta:g} | {rate / delta:.3g} | {tau:g} | {off:.2e} |")


if __name__ == "__main__":
    main()
