//! `nessbat figures`: the paper's figures regenerated from the engine, an
//! atlas beyond the paper, and a table of the paper's claims checked
//! against our numbers.
//!
//! Data flow as everywhere: config → grid → backend → arrays → files. Each
//! figure writes its PNG and the arrays (or CSV) behind it.

pub mod atlas;
pub mod claims;
pub mod entropy;
pub mod paper;

use crate::Error;
use nessbat_kernels::Named;
use std::path::{Path, PathBuf};

use crate::backend::run::Backend;
use crate::config::SweepConfig;
use crate::grid::Grid;
use crate::store::SweepResults;

/// How large the figures' grids are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// The published figures.
    Full,
    /// Small grids for the tests (the same claims, coarser maps).
    Quick,
}

impl Size {
    /// Points per map axis / per 1-D sweep.
    pub fn side(self) -> usize {
        match self {
            Size::Full => 96,
            Size::Quick => 16,
        }
    }
}

/// Everything a figure needs: where to write, how to compute, how large.
pub struct Ctx<'a> {
    pub out: &'a Path,
    pub backend: &'a Backend,
    pub size: Size,
    /// The sweeps run so far (for the arrays' axes) and the arrays
    /// written, for figures.json.
    pub record: std::cell::RefCell<Record>,
}

/// What figures.json says: per array its file, shape and, where it is an
/// array over a sweep's grid, that sweep's axes (names and values), model,
/// protocol and config.
#[derive(Default)]
pub struct Record {
    sweeps: Vec<serde_json::Value>,
    arrays: serde_json::Map<String, serde_json::Value>,
}

impl Ctx<'_> {
    /// Runs a sweep given as TOML.
    pub fn sweep(&self, toml: &str) -> Result<(Grid, SweepResults), Error> {
        let grid = Grid::new(
            SweepConfig::parse(toml, "figure config").expect("figure configs are valid TOML"),
        )
        .expect("figure configs are valid");
        // The library runner, as every sweep: no checkpoints, no shard.
        let out = crate::sweep::runner::Sweep::new(&grid).run(
            self.backend,
            &crate::backend::Progress::NONE,
            &|_| {},
        )?;
        let res = out.full.expect("figure configs keep their full arrays");
        self.record.borrow_mut().sweeps.push(serde_json::json!({
            "shape": grid.shape(),
            "axes": grid.axes,
            "model": grid.model.name(),
            "protocol": grid.protocol.name(),
            "config": grid.config,
            "backend": out.info.backend,
            "precision": out.info.precision.name(),
        }));
        Ok((grid, res))
    }

    /// Writes an f64 array as .npy next to the figures.
    pub fn npy(&self, name: &str, shape: &[usize], data: &[f64]) -> Result<PathBuf, Error> {
        let path = self.out.join(format!("{name}.npy"));
        let a = ndarray::ArrayViewD::from_shape(ndarray::IxDyn(shape), data)
            .map_err(std::io::Error::other)
            .map_err(Error::io(&path))?;
        ndarray_npy::write_npy(&path, &a)
            .map_err(std::io::Error::other)
            .map_err(Error::io(&path))?;
        // The array is over the latest sweep of its shape: figures derive
        // each array from the sweep they just ran.
        let mut rec = self.record.borrow_mut();
        let over = rec
            .sweeps
            .iter()
            .rev()
            .find(|s| s["shape"] == serde_json::json!(shape))
            .cloned();
        let mut entry =
            serde_json::json!({"file": format!("{name}.npy"), "shape": shape, "dtype": "float64"});
        if let Some(s) = over {
            entry["sweep"] = s;
        }
        rec.arrays.insert(name.to_string(), entry);
        Ok(path)
    }
}

/// Runs every figure, the atlas and the claims; returns the files written.
pub fn run_all(out: &Path, backend: &Backend, size: Size) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(out).map_err(Error::io(out))?;
    let ctx = Ctx {
        out,
        backend,
        size,
        record: Default::default(),
    };
    let mut files = paper::all(&ctx)?;
    let (atlas_files, thermal) = atlas::all(&ctx)?;
    files.extend(atlas_files);
    files.extend(claims::all(&ctx, &thermal)?);
    let rec = ctx.record.into_inner();
    let meta = serde_json::json!({
        "nessbat_version": env!("CARGO_PKG_VERSION"),
        "git_commit": crate::store::provenance::git_commit(),
        "written_utc": crate::store::provenance::utc_now(),
        "units": "hbar = k_B = 1; energies and rates in units of omega0",
        "order": "C order; axis k of an array is its sweep's axes[k]",
        "arrays": rec.arrays,
    });
    let path = out.join("figures.json");
    std::fs::write(
        &path,
        serde_json::to_vec_pretty(&meta)
            .map_err(std::io::Error::other)
            .map_err(Error::io(&path))?,
    )
    .map_err(Error::io(&path))?;
    files.push(path);
    Ok(files)
}
