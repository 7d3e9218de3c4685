//! Fuzz target: the strings the engine parses (device specs, loss reductions): errors only, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    if let Ok(d) = rtorch::Device::parse(&s) {
        // What parses must print back to something that parses to the same device.
        assert_eq!(rtorch::Device::parse(&d.to_string()).ok(), Some(d), "{s:?}");
    }
    let _ = rtorch::ops::loss::Reduction::parse(&s);
});
