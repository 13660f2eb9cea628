//! Watching a socket from the JS thread's own event loop (libuv's poll
//! handles), so a small call's answer can be read where its promise lives
//! instead of waking the I/O thread and then the JS thread.
//!
//! Only under Node, which exports libuv to addons; elsewhere (Deno) the
//! symbols are missing and calls complete through the I/O thread alone.

use std::ffi::c_void;
use std::ptr;
use std::sync::OnceLock;

use napi::sys;

type PollCb = unsafe extern "C" fn(*mut c_void, i32, i32);
type CloseCb = unsafe extern "C" fn(*mut c_void);

type SizeFn = unsafe extern "C" fn(i32) -> usize;
type InitFn = unsafe extern "C" fn(*mut c_void, *mut c_void, i32) -> i32;
type StartFn = unsafe extern "C" fn(*mut c_void, i32, PollCb) -> i32;
type StopFn = unsafe extern "C" fn(*mut c_void) -> i32;
type CloseFn = unsafe extern "C" fn(*mut c_void, CloseCb);

struct Api {
    poll_size: usize,
    init: InitFn,
    start: StartFn,
    stop: StopFn,
    close: CloseFn,
}

const UV_READABLE: i32 = 1;
/// `UV_POLL` in libuv's `uv_handle_type`.
const UV_POLL: i32 = 8;
/// Alignment for the handle's memory (libuv's structs hold pointers and ints).
const ALIGN: usize = 16;

#[cfg(target_os = "linux")]
fn api() -> Option<&'static Api> {
    static API: OnceLock<Option<Api>> = OnceLock::new();
    API.get_or_init(|| {
        extern "C" {
            fn dlsym(handle: *mut c_void, symbol: *const std::ffi::c_char) -> *mut c_void;
        }
        // RTLD_DEFAULT (null on glibc and musl): the process's own symbols.
        let sym = |name: &std::ffi::CStr| {
            // SAFETY: dlsym with a NUL-terminated name; a null result is handled.
            let p = unsafe { dlsym(ptr::null_mut(), name.as_ptr()) };
            (!p.is_null()).then_some(p)
        };
        let size = sym(c"uv_handle_size")?;
        // SAFETY: each symbol is libuv's function of that name, with the
        // signature given by uv.h.
        unsafe {
            let size = std::mem::transmute::<*mut c_void, SizeFn>(size);
            Some(Api {
                poll_size: size(UV_POLL),
                init: std::mem::transmute::<*mut c_void, InitFn>(sym(c"uv_poll_init_socket")?),
                start: std::mem::transmute::<*mut c_void, StartFn>(sym(c"uv_poll_start")?),
                stop: std::mem::transmute::<*mut c_void, StopFn>(sym(c"uv_poll_stop")?),
                close: std::mem::transmute::<*mut c_void, CloseFn>(sym(c"uv_close")?),
            })
        }
    })
    .as_ref()
    .filter(|a| a.poll_size > 0)
}

#[cfg(not(target_os = "linux"))]
fn api() -> Option<&'static Api> {
    None
}

/// What a handle carries in its `data` field (the first of every handle).
struct Data {
    on_ready: Option<Box<dyn FnOnce()>>,
}

fn layout(api: &Api) -> std::alloc::Layout {
    // poll_size > 0 (checked in `api`) and ALIGN is a power of two.
    std::alloc::Layout::from_size_align(api.poll_size, ALIGN)
        .unwrap_or(std::alloc::Layout::new::<u8>())
}

unsafe extern "C" fn on_poll(handle: *mut c_void, _status: i32, _events: i32) {
    let Some(api) = api() else { return };
    // SAFETY: `handle` is a poll handle made by `watch`; its first field
    // holds the Data pointer, freed only in `on_closed`.
    unsafe {
        // One shot: a level-triggered watch would fire again until another
        // thread reads the socket.
        (api.stop)(handle);
        let data = *handle.cast::<*mut Data>();
        if let Some(f) = data.as_mut().and_then(|d| d.on_ready.take()) {
            f();
        }
    }
}

unsafe extern "C" fn on_closed(handle: *mut c_void) {
    let Some(api) = api() else { return };
    // SAFETY: the handle and its Data were allocated in `watch` and libuv
    // is done with both.
    unsafe {
        let data = *handle.cast::<*mut Data>();
        if !data.is_null() {
            drop(Box::from_raw(data));
        }
        std::alloc::dealloc(handle.cast(), layout(api));
    }
}

/// Starts watching `fd` for readability on `env`'s event loop: `on_ready`
/// runs once on the JS thread when it is readable. Returns the handle (for
/// [`close`]), or `None` where the loop cannot watch sockets.
pub fn watch(env: sys::napi_env, fd: i32, on_ready: Box<dyn FnOnce()>) -> Option<*mut c_void> {
    let api = api()?;
    let mut uv_loop = ptr::null_mut();
    // SAFETY: N-API call on the JS thread with a valid out-pointer.
    let status = unsafe { sys::napi_get_uv_event_loop(env, &mut uv_loop) };
    if status != sys::Status::napi_ok || uv_loop.is_null() {
        return None;
    }
    // SAFETY: zeroed memory of libuv's size for a poll handle; the data
    // field is set after init (which does not touch it) and before start.
    unsafe {
        let handle = std::alloc::alloc_zeroed(layout(api)).cast::<c_void>();
        if handle.is_null() {
            return None;
        }
        if (api.init)(uv_loop.cast(), handle, fd) != 0 {
            std::alloc::dealloc(handle.cast(), layout(api));
            return None;
        }
        let data = Box::into_raw(Box::new(Data {
            on_ready: Some(on_ready),
        }));
        *handle.cast::<*mut Data>() = data;
        if (api.start)(handle, UV_READABLE, on_poll) != 0 {
            (api.close)(handle, on_closed);
            return None;
        }
        Some(handle)
    }
}

/// Stops and frees a handle from [`watch`] (on the JS thread, once).
pub fn close(handle: *mut c_void) {
    if handle.is_null() {
        return;
    }
    if let Some(api) = api() {
        // SAFETY: a live handle from `watch`, closed once by the caller.
        unsafe { (api.close)(handle, on_closed) };
    }
}

/// The socket has bytes (or an end) to read now; never waits.
pub fn readable(fd: i32) -> bool {
    #[repr(C)]
    struct PollFd {
        fd: i32,
        events: i16,
        revents: i16,
    }
    extern "C" {
        fn poll(fds: *mut PollFd, nfds: std::ffi::c_ulong, timeout: i32) -> i32;
    }
    const POLLIN: i16 = 1;
    let mut p = PollFd {
        fd,
        events: POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no timeout.
    unsafe { poll(&mut p, 1, 0) > 0 }
}
