//! A sweep's arrays by name, as files and Python see them: one per
//! quantity, `cycles` and `status` for the full grid, and per reduction
//! its value, the axis values at the extremum (`NAME.AXIS`), `NAME.count`
//! and `NAME.status`. The writer borrows them; Python takes them over
//! without copying.

use crate::store::reduced::Reduced;
use crate::store::results::{FloatsFlat, SweepResults};
use nessbat_kernels::OUTPUT_NAMES;

/// One array's elements, owned.
pub enum ArrayData {
    F64(Vec<f64>),
    F32(Vec<f32>),
    U64(Vec<u64>),
    U32(Vec<u32>),
    U8(Vec<u8>),
}

/// One array's elements, borrowed.
#[derive(Clone, Copy)]
pub enum ArrayRef<'a> {
    F64(&'a [f64]),
    F32(&'a [f32]),
    U64(&'a [u64]),
    U32(&'a [u32]),
    U8(&'a [u8]),
}

/// An array with its file stem and C-order shape.
pub struct Named<T> {
    pub name: String,
    pub shape: Vec<usize>,
    pub data: T,
}

/// The file stem of a reduction's array: its value (`None`), the values
/// of a reduced axis at the extremum, `count` or `status`.
pub fn reduced_stem(reduction: &str, part: Option<&str>) -> String {
    match part {
        None => reduction.to_string(),
        Some(p) => format!("{reduction}.{p}"),
    }
}

/// Every array of `full` and `reduced`, borrowed, in file order.
pub fn borrowed<'a>(
    full: Option<&'a SweepResults>,
    reduced: &'a [Reduced],
) -> Vec<Named<ArrayRef<'a>>> {
    let mut v = Vec::new();
    let named = |name: String, shape: &[usize], data| Named {
        name,
        shape: shape.to_vec(),
        data,
    };
    if let Some(res) = full {
        for q in res.outputs.quantities() {
            let data = match &res.real {
                FloatsFlat::F64(a) => ArrayRef::F64(&a[q.index()]),
                FloatsFlat::F32(a) => ArrayRef::F32(&a[q.index()]),
            };
            v.push(named(q.name().to_string(), &res.shape, data));
        }
        if res.outputs.cycles() {
            v.push(named(
                "cycles".into(),
                &res.shape,
                ArrayRef::U32(&res.cycles),
            ));
        }
        v.push(named(
            "status".into(),
            &res.shape,
            ArrayRef::U8(&res.status),
        ));
    }
    for r in reduced {
        v.push(named(
            reduced_stem(&r.name, None),
            &r.shape,
            ArrayRef::F64(&r.value),
        ));
        for (axis, at) in &r.at {
            v.push(named(
                reduced_stem(&r.name, Some(axis)),
                &r.shape,
                ArrayRef::F64(at),
            ));
        }
        v.push(named(
            reduced_stem(&r.name, Some("count")),
            &r.shape,
            ArrayRef::U64(&r.count),
        ));
        v.push(named(
            reduced_stem(&r.name, Some("flagged")),
            &r.shape,
            ArrayRef::U64(&r.flagged),
        ));
        v.push(named(
            reduced_stem(&r.name, Some("status")),
            &r.shape,
            ArrayRef::U8(&r.status),
        ));
    }
    v
}

/// Every array of `full` and `reduced`, moved out, in the same order and
/// with the same names as [`borrowed`].
pub fn owned(full: Option<SweepResults>, reduced: Vec<Reduced>) -> Vec<Named<ArrayData>> {
    let mut v = Vec::new();
    if let Some(res) = full {
        let (shape, outputs) = (res.shape, res.outputs);
        let kept = |q: usize| outputs.has(nessbat_kernels::Quantity::ALL[q]);
        let floats: Vec<ArrayData> = match res.real {
            FloatsFlat::F64(a) => a.into_iter().map(ArrayData::F64).collect(),
            FloatsFlat::F32(a) => a.into_iter().map(ArrayData::F32).collect(),
        };
        for (q, data) in floats.into_iter().enumerate().filter(|(q, _)| kept(*q)) {
            v.push(Named {
                name: OUTPUT_NAMES[q].to_string(),
                shape: shape.clone(),
                data,
            });
        }
        if outputs.cycles() {
            v.push(Named {
                name: "cycles".into(),
                shape: shape.clone(),
                data: ArrayData::U32(res.cycles),
            });
        }
        v.push(Named {
            name: "status".into(),
            shape,
            data: ArrayData::U8(res.status),
        });
    }
    for r in reduced {
        let shape = r.shape;
        v.push(Named {
            name: reduced_stem(&r.name, None),
            shape: shape.clone(),
            data: ArrayData::F64(r.value),
        });
        for (axis, at) in r.at {
            v.push(Named {
                name: reduced_stem(&r.name, Some(&axis)),
                shape: shape.clone(),
                data: ArrayData::F64(at),
            });
        }
        v.push(Named {
            name: reduced_stem(&r.name, Some("count")),
            shape: shape.clone(),
            data: ArrayData::U64(r.count),
        });
        v.push(Named {
            name: reduced_stem(&r.name, Some("flagged")),
            shape: shape.clone(),
            data: ArrayData::U64(r.flagged),
        });
        v.push(Named {
            name: reduced_stem(&r.name, Some("status")),
            shape,
            data: ArrayData::U8(r.status),
        });
    }
    v
}
