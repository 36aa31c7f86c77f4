//! Acquiring a device, kept apart from running on it (as in wgpu's
//! examples) so that tests and benches can pass in their own.
//!
//! The adapter follows wgpu's environment variables: `WGPU_BACKEND`
//! (vulkan, metal, dx12, gl), `WGPU_ADAPTER_NAME` (a substring of the
//! adapter's name) and `WGPU_POWER_PREF`.

use nessbat_kernels::Precision;

pub use crate::error::GpuError;

/// An open device with what the sweep needs to know about it.
pub struct GpuContext {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: wgpu::AdapterInfo,
    pub limits: wgpu::Limits,
    /// SHADER_F64 is enabled on the device.
    pub f64: bool,
    /// TIMESTAMP_QUERY is enabled (used by `nessbat bench`).
    pub timestamps: bool,
    /// Compiled pipelines kept across runs, where the adapter can
    /// (PIPELINE_CACHE, Vulkan).
    pub pipeline_cache: Option<super::pipeline_cache::DiskCache>,
}

impl GpuContext {
    /// Opens the adapter chosen by the environment.
    pub fn acquire() -> Result<GpuContext, GpuError> {
        pollster::block_on(Self::acquire_async())
    }

    async fn acquire_async() -> Result<GpuContext, GpuError> {
        headless_wayland();
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = match std::env::var("WGPU_ADAPTER_NAME") {
            Ok(name) => {
                let want = name.to_lowercase();
                let adapters = instance.enumerate_adapters(wgpu::Backends::all()).await;
                let names: Vec<String> = adapters.iter().map(|a| a.get_info().name).collect();
                adapters
                    .into_iter()
                    .find(|a| a.get_info().name.to_lowercase().contains(&want))
                    .ok_or_else(|| {
                        GpuError::NoAdapter(format!(
                            " matching WGPU_ADAPTER_NAME='{name}'; adapters present: [{}]",
                            names.join(", ")
                        ))
                    })?
            }
            Err(_) => instance
                .request_adapter(&wgpu::RequestAdapterOptions {
                    power_preference: wgpu::PowerPreference::from_env()
                        .unwrap_or(wgpu::PowerPreference::HighPerformance),
                    ..Default::default()
                })
                .await
                .map_err(|e| GpuError::NoAdapter(format!(" ({e})")))?,
        };
        let info = adapter.get_info();
        // wgpu's OpenGL backend has neither SHADER_F64 nor timestamp
        // queries, and its buffer mapping completes inside submit, so
        // compute times read as zero: refused rather than mis-timed.
        if info.backend == wgpu::Backend::Gl {
            return Err(GpuError::NoAdapter(format!(
                ": adapter '{}' runs on OpenGL, where kernels cannot be timed and have no f64; accepted: a Vulkan, Metal or DX12 adapter (WGPU_BACKEND=vulkan, or unset WGPU_BACKEND)",
                info.name
            )));
        }
        let available = adapter.features();
        let wanted = wgpu::Features::SHADER_F64
            | wgpu::Features::TIMESTAMP_QUERY
            | wgpu::Features::PIPELINE_CACHE;
        let features = available & wanted;
        // Ask for the adapter's own limits: large storage bindings mean
        // fewer chunks.
        let limits = adapter.limits();
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("nessbat"),
                required_features: features,
                required_limits: limits.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::Device(e.to_string()))?;
        let pipeline_cache = (features.contains(wgpu::Features::PIPELINE_CACHE)
            && std::env::var_os("NESSBAT_NO_PIPELINE_CACHE").is_none())
        .then(|| super::pipeline_cache::DiskCache::open(&device, &info));
        Ok(GpuContext {
            pipeline_cache,
            device,
            queue,
            info,
            limits,
            f64: features.contains(wgpu::Features::SHADER_F64),
            timestamps: features.contains(wgpu::Features::TIMESTAMP_QUERY),
        })
    }

    /// The precision to use when the user did not choose: f64 where the
    /// device has it.
    pub fn default_precision(&self) -> Precision {
        if self.f64 {
            Precision::F64
        } else {
            Precision::F32
        }
    }

    /// "name (driver driver_info, backend)" for metadata and tables.
    pub fn describe(&self) -> String {
        format!(
            "{} ({} {}, {:?})",
            self.info.name, self.info.driver, self.info.driver_info, self.info.backend
        )
    }
}

/// Keeps libwayland quiet on machines without a session (SLURM batch nodes,
/// CI, ssh): creating a Vulkan instance makes the WSI layer try to reach a
/// Wayland compositor, and libwayland prints "error: XDG_RUNTIME_DIR is
/// invalid or not set in the environment." for each attempt, though
/// compute needs no display. Where neither `XDG_RUNTIME_DIR` nor
/// `WAYLAND_DISPLAY` is set, `WAYLAND_DISPLAY` is pointed at an absolute
/// path that does not exist, which libwayland tries quietly and gives up.
/// Done once, before wgpu starts threads of its own.
fn headless_wayland() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        if !set("XDG_RUNTIME_DIR") && !set("WAYLAND_DISPLAY") {
            std::env::set_var("WAYLAND_DISPLAY", "/nonexistent/nessbat-headless");
        }
    });
}
