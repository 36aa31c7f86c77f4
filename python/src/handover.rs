//! Arrays handed over to numpy without copying, as the sweeps of the
//! built-in model and of batteries return them.

use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyAny;

use nessbat::store::arrays::{ArrayData, Named};

/// One named array handed over to numpy without copying: (name, shape,
/// flat array).
pub(crate) fn to_python(
    py: Python<'_>,
    a: Named<ArrayData>,
) -> (String, Vec<usize>, Bound<'_, PyAny>) {
    let data = match a.data {
        ArrayData::F64(v) => PyArray1::from_vec(py, v).into_any(),
        ArrayData::F32(v) => PyArray1::from_vec(py, v).into_any(),
        ArrayData::U64(v) => PyArray1::from_vec(py, v).into_any(),
        ArrayData::U32(v) => PyArray1::from_vec(py, v).into_any(),
        ArrayData::U8(v) => PyArray1::from_vec(py, v).into_any(),
    };
    (a.name, a.shape, data)
}
