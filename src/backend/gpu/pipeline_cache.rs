//! Compiled pipelines kept across runs: wgpu's pipeline cache (Vulkan's
//! VkPipelineCache), loaded when the device opens and saved after each
//! kernel is built, in the user's cache folder
//! (`$NESSBAT_CACHE_DIR`, else `$XDG_CACHE_HOME/nessbat`, else
//! `~/.cache/nessbat`). The file name carries wgpu's key for the adapter
//! (vendor and device), the driver, and the crate version with its git
//! commit, so a new driver or a new nessbat starts a new cache; wgpu and
//! the driver also check the data's header and ignore data that does not
//! fit. Where the adapter has no PIPELINE_CACHE (not Vulkan), nothing is
//! cached and pipelines compile as before.

use std::path::PathBuf;

/// A device's pipeline cache and the file it lives in.
pub struct DiskCache {
    pub cache: wgpu::PipelineCache,
    path: Option<PathBuf>,
}

/// The user's cache folder for nessbat.
fn folder() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("NESSBAT_CACHE_DIR")
        .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("nessbat")))
        .or_else(|| env("HOME").map(|d| d.join(".cache").join("nessbat")))
}

/// The cache file for this adapter, driver and build.
fn file(info: &wgpu::AdapterInfo) -> Option<PathBuf> {
    let key = wgpu::util::pipeline_cache_key(info)?;
    let build = crate::store::provenance::version();
    let tag: String = format!("{}-{}-{build}", info.driver, info.driver_info)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Some(folder()?.join(format!("{key}-{tag}.bin")))
}

impl DiskCache {
    /// Opens the cache of `device` (which must have PIPELINE_CACHE), with
    /// the data of an earlier run where there is some.
    pub fn open(device: &wgpu::Device, info: &wgpu::AdapterInfo) -> DiskCache {
        let path = file(info);
        let data = path.as_ref().and_then(|p| std::fs::read(p).ok());
        // SAFETY: the data, if any, was written by `save` from
        // `PipelineCache::get_data` for this adapter key, driver and build
        // (the file name says so); wgpu and the driver validate its header
        // and, with `fallback`, start empty where it does not fit.
        let cache = unsafe {
            device.create_pipeline_cache(&wgpu::PipelineCacheDescriptor {
                label: Some("nessbat"),
                data: data.as_deref(),
                fallback: true,
            })
        };
        DiskCache { cache, path }
    }

    /// Writes the cache's data (after new pipelines were built), through a
    /// temporary file so a reader never sees half a cache. Failures only
    /// cost the next run its compilation, so they are not errors.
    pub fn save(&self) {
        let (Some(path), Some(data)) = (&self.path, self.cache.get_data()) else {
            return;
        };
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, &data)
            .and_then(|_| std::fs::rename(&tmp, path))
            .is_err()
        {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// Where the cache is kept, if anywhere.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }
}
