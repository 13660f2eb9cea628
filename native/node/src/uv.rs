//! Node's libuv, looked up at run time, for one thing: a poll on a session's
//! socket, so that the answer to a lone call wakes the JS thread straight
//! from the socket (see `call`). Deno has no libuv (only shims of a few
//! functions): there `Api::get` is `None` and calls wait on the I/O thread. `ORADB_UV_WAKE=0`
//! turns the poll off (for A/B measurements).

use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;
use std::sync::OnceLock;

use napi::sys;

pub type PollCb = unsafe extern "C" fn(*mut c_void, c_int, c_int);
type CloseCb = unsafe extern "C" fn(*mut c_void);
type PollInit = unsafe extern "C" fn(*mut c_void, *mut c_void, c_int) -> c_int;
type PollStart = unsafe extern "C" fn(*mut c_void, c_int, PollCb) -> c_int;
type PollStop = unsafe extern "C" fn(*mut c_void) -> c_int;
type Close = unsafe extern "C" fn(*mut c_void, Option<CloseCb>);
type Unref = unsafe extern "C" fn(*mut c_void);
type HandleSize = unsafe extern "C" fn(c_int) -> usize;

const UV_POLL: c_int = 8; // uv_handle_type, stable across libuv 1.x
const UV_READABLE: c_int = 1;

extern "C" {
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

struct Api {
    layout: Layout,
    poll_init: PollInit,
    poll_start: PollStart,
    poll_stop: PollStop,
    close: Close,
    unref: Unref,
}

fn sym(name: &CStr) -> Option<*mut c_void> {
    // SAFETY: dlsym with RTLD_DEFAULT (null on glibc/musl) and a C string.
    let p = unsafe { dlsym(ptr::null_mut(), name.as_ptr()) };
    (!p.is_null()).then_some(p)
}

impl Api {
    fn get() -> Option<&'static Api> {
        static API: OnceLock<Option<Api>> = OnceLock::new();
        API.get_or_init(|| {
            if std::env::var_os("ORADB_UV_WAKE").is_some_and(|v| v == "0") {
                return None;
            }
            // Deno exports shims of some uv_* functions (uv_poll among them)
            // over its own event loop, but not uv_run: a query with LOB
            // columns hung on its poll. Only the real libuv will do.
            sym(c"uv_run")?;
            // SAFETY: each symbol is libuv's own, with the signature declared
            // in uv.h; transmuting the address to that fn type is how dlsym
            // results are used.
            unsafe {
                let size = std::mem::transmute::<*mut c_void, HandleSize>(sym(c"uv_handle_size")?);
                let layout = Layout::from_size_align(size(UV_POLL).max(64), 16).ok()?;
                Some(Api {
                    layout,
                    poll_init: std::mem::transmute::<*mut c_void, PollInit>(sym(c"uv_poll_init")?),
                    poll_start: std::mem::transmute::<*mut c_void, PollStart>(sym(
                        c"uv_poll_start",
                    )?),
                    poll_stop: std::mem::transmute::<*mut c_void, PollStop>(sym(c"uv_poll_stop")?),
                    close: std::mem::transmute::<*mut c_void, Close>(sym(c"uv_close")?),
                    unref: std::mem::transmute::<*mut c_void, Unref>(sym(c"uv_unref")?),
                })
            }
        })
        .as_ref()
    }
}

/// True when libuv's poll is there (Node, unless `ORADB_UV_WAKE=0`).
pub fn available() -> bool {
    Api::get().is_some()
}

/// A started, unreferenced poll for readability of one socket. The handle's
/// `data` (the first field of every uv handle) is given to the callback.
pub struct UvPoll {
    api: &'static Api,
    handle: *mut c_void,
}

impl UvPoll {
    /// `None` without libuv or when libuv refuses the socket.
    ///
    /// # Safety
    /// On the JS thread of `env`; `data` must stay valid until `close`.
    pub unsafe fn start(
        env: sys::napi_env,
        fd: c_int,
        data: *mut c_void,
        cb: PollCb,
    ) -> Option<UvPoll> {
        let api = Api::get()?;
        let mut lp = ptr::null_mut();
        // SAFETY (block): per the contract; the handle block is freed by
        // `free_handle` once libuv is done with it, or here on failure.
        unsafe {
            if sys::napi_get_uv_event_loop(env, &mut lp) != sys::Status::napi_ok || lp.is_null() {
                return None;
            }
            let handle = alloc_zeroed(api.layout).cast::<c_void>();
            if handle.is_null() {
                return None;
            }
            if (api.poll_init)(lp.cast(), handle, fd) != 0 {
                dealloc(handle.cast(), api.layout);
                return None;
            }
            *handle.cast::<*mut c_void>() = data;
            // The call's threadsafe-function reference keeps the loop alive.
            (api.unref)(handle);
            let poll = UvPoll { api, handle };
            if (api.poll_start)(handle, UV_READABLE, cb) != 0 {
                poll.close();
                return None;
            }
            Some(poll)
        }
    }

    /// Stops watching; idempotent. On the JS thread.
    pub fn stop(&self) {
        // SAFETY: the handle is live until `close`.
        unsafe { (self.api.poll_stop)(self.handle) };
    }

    /// Closes the handle; its memory goes once libuv calls back.
    pub fn close(self) {
        // SAFETY: the handle is live; the callback frees it exactly once.
        unsafe { (self.api.close)(self.handle, Some(free_handle)) };
    }
}

unsafe extern "C" fn free_handle(handle: *mut c_void) {
    if let Some(api) = Api::get() {
        // SAFETY: allocated in `start` with this layout; libuv is done with it.
        unsafe { dealloc(handle.cast(), api.layout) };
    }
}
