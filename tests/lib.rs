//! Black-box tests live in `api/`; this library is empty so the package has a target of its own.
