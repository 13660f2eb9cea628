//! A machine without Oracle's client library: a clear error, never a crash. Loading is once per
//! process, so this file (its own test binary) holds only this case.

use oradb_thick::{init, is_initialized, InitOptions, LIBRARY_NOT_LOADED};

#[test]
fn a_lib_dir_without_libclntsh_is_odb_1040_quoting_dpi_1047() {
    let dir = std::env::temp_dir().join(format!("oradb-thick-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = InitOptions {
        lib_dir: Some(dir.to_string_lossy().into_owned()),
        ..Default::default()
    };
    let e = init(&o).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(e.code, LIBRARY_NOT_LOADED);
    assert!(
        e.message
            .starts_with("ODB-1040: Oracle Client library (libclntsh) could not be loaded from "),
        "{e}"
    );
    assert!(e.message.contains(&*dir.to_string_lossy()), "{e}");
    assert!(
        e.message
            .contains("DPI-1047: Cannot locate a 64-bit Oracle Client library"),
        "{e}"
    );
    assert!(!is_initialized());
    // Asking again gives the same answer, not a crash.
    assert_eq!(init(&o).unwrap_err().code, LIBRARY_NOT_LOADED);
}
