//! Async calls from JS: a promise made on the JS thread, a future run on the
//! addon's tokio runtime, and the result delivered back through one
//! threadsafe function per JS thread.
//!
//! napi-rs's own `async fn` support creates (and tears down) a threadsafe
//! function and spawns two tasks for every call; on a round trip that takes
//! ~60 µs that was a third of the cost. Here a call costs a promise, one
//! spawn and one queued completion.

use std::cell::Cell;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};

use napi::bindgen_prelude::*;
use napi::sys;
use napi::{JsObject, NapiValue};
use oradb_protocol::codes;

/// The runtime all network I/O and decoding run on. Two workers: one is
/// enough for I/O, the second keeps decoding of big batches from delaying
/// other connections.
pub fn runtime() -> &'static tokio::runtime::Handle {
    static RT: OnceLock<tokio::runtime::Handle> = OnceLock::new();
    RT.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| {
                panic!(
                    "{}: cannot start the I/O runtime: {e}",
                    codes::RUNTIME_START_FAILED
                )
            });
        let handle = rt.handle().clone();
        std::thread::Builder::new()
            .name("oradb-io".into())
            .spawn(move || rt.block_on(std::future::pending::<()>()))
            .unwrap_or_else(|e| {
                panic!(
                    "{}: cannot start the I/O thread: {e}",
                    codes::RUNTIME_START_FAILED
                )
            });
        handle
    })
}

type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Calls made on JS threads, waiting for the I/O thread to start them.
///
/// Spawning onto the runtime from another thread wakes the I/O thread every
/// time (a write to its eventfd, then a context switch). Calls made in a
/// burst — a pool handing sessions to several waiters, each starting a query
/// — are common; here the burst costs one wake-up, and the I/O thread
/// spawns the calls locally.
struct Inbox {
    calls: Mutex<Vec<Task>>,
    /// A wake-up is pending: the drainer has not taken the calls yet.
    scheduled: std::sync::atomic::AtomicBool,
    wake: tokio::sync::Notify,
}

fn inbox() -> &'static Inbox {
    static INBOX: OnceLock<&'static Inbox> = OnceLock::new();
    INBOX.get_or_init(|| {
        let inbox: &'static Inbox = Box::leak(Box::new(Inbox {
            calls: Mutex::new(Vec::new()),
            scheduled: std::sync::atomic::AtomicBool::new(false),
            wake: tokio::sync::Notify::new(),
        }));
        runtime().spawn(async move {
            use std::sync::atomic::Ordering;
            loop {
                inbox.wake.notified().await;
                // Cleared before taking: a call queued after this wakes us again.
                inbox.scheduled.store(false, Ordering::SeqCst);
                let calls =
                    std::mem::take(&mut *inbox.calls.lock().unwrap_or_else(|p| p.into_inner()));
                for call in calls {
                    tokio::spawn(call);
                }
            }
        });
        inbox
    })
}

/// Starts `task` on the I/O thread (see `Inbox`).
fn submit(task: Task) {
    use std::sync::atomic::Ordering;
    let inbox = inbox();
    inbox
        .calls
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(task);
    if !inbox.scheduled.swap(true, Ordering::SeqCst) {
        inbox.wake.notify_one();
    }
}

/// A finished call waiting for the JS thread: the promise to settle and how
/// to build its value there.
struct Completion {
    deferred: sys::napi_deferred,
    settle: Settle,
}

type Settle = Box<dyn FnOnce(sys::napi_env) -> Result<sys::napi_value> + Send>;

// SAFETY: `deferred` is only touched on the JS thread that created it (in
// `call_js`); the tokio thread merely carries the pointer.
unsafe impl Send for Completion {}

#[derive(Clone, Copy)]
struct Tsfn(sys::napi_threadsafe_function);
// SAFETY: napi_call_threadsafe_function may be called from any thread.
unsafe impl Send for Tsfn {}

/// The part of a channel the tokio threads see: the threadsafe function,
/// or `None` once the JS environment finalized it.
struct Sender(Mutex<Option<Tsfn>>);

impl Sender {
    fn send(&self, c: Box<Completion>) {
        let guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(t) = *guard {
            // SAFETY: the lock keeps the finalizer from running during the
            // call; the Box is reclaimed in `call_js`.
            unsafe {
                sys::napi_call_threadsafe_function(
                    t.0,
                    Box::into_raw(c).cast(),
                    sys::ThreadsafeFunctionCallMode::nonblocking,
                );
            }
        }
    }
}

/// One completion channel per JS environment (a Deno test file, a Node
/// worker): results are delivered to the environment that made the call.
struct Channel {
    sender: Arc<Sender>,
    tsfn: sys::napi_threadsafe_function,
    /// Calls in flight; the channel keeps the event loop alive only while
    /// this is above zero, so an idle connection never holds a process open.
    pending: Cell<usize>,
}

fn check(status: sys::napi_status, what: &str) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(
            Status::GenericFailure,
            format!(
                "{}: {what} failed (napi status {status})",
                codes::NAPI_FAILED
            ),
        ))
    }
}

unsafe extern "C" fn call_js(
    env: sys::napi_env,
    _js_cb: sys::napi_value,
    context: *mut std::ffi::c_void,
    data: *mut std::ffi::c_void,
) {
    if data.is_null() {
        return;
    }
    // SAFETY: `data` is the Box<Completion> leaked in `Sender::send`.
    let c = unsafe { Box::from_raw(data.cast::<Completion>()) };
    if env.is_null() || context.is_null() {
        // The environment is going away; nobody can observe the promise.
        return;
    }
    // SAFETY: the context is the environment's Channel, alive until the
    // threadsafe function is finalized, which happens after its last call.
    let ch = unsafe { &*context.cast::<Channel>() };
    let left = ch.pending.get().saturating_sub(1);
    ch.pending.set(left);
    if left == 0 {
        // SAFETY: on the JS thread that owns the channel.
        unsafe { sys::napi_unref_threadsafe_function(env, ch.tsfn) };
    }
    let settled = (c.settle)(env);
    settle(env, c.deferred, settled);
}

/// Resolves or rejects `deferred` (on its JS thread, exactly once).
fn settle(env: sys::napi_env, deferred: sys::napi_deferred, settled: Result<sys::napi_value>) {
    // SAFETY: env is live (we are on its JS thread) and the deferred belongs
    // to this env; each is settled exactly once.
    unsafe {
        match settled {
            Ok(v) => {
                sys::napi_resolve_deferred(env, deferred, v);
            }
            Err(e) => {
                let mut msg = ptr::null_mut();
                let text = e.reason.clone();
                let _ =
                    sys::napi_create_string_utf8(env, text.as_ptr().cast(), text.len(), &mut msg);
                let mut err = ptr::null_mut();
                sys::napi_create_error(env, ptr::null_mut(), msg, &mut err);
                sys::napi_reject_deferred(env, deferred, err);
            }
        }
    }
}

unsafe extern "C" fn finalize_channel(
    _env: sys::napi_env,
    data: *mut std::ffi::c_void,
    _hint: *mut std::ffi::c_void,
) {
    if data.is_null() {
        return;
    }
    // SAFETY: `data` is the Box<Channel> leaked in `channel`; the threadsafe
    // function is gone, so nothing reaches it any more.
    let ch = unsafe { Box::from_raw(data.cast::<Channel>()) };
    *ch.sender.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

fn channel(env: sys::napi_env) -> Result<&'static Channel> {
    let mut data = ptr::null_mut();
    // SAFETY: N-API call on the JS thread with a valid out-pointer.
    check(
        unsafe { sys::napi_get_instance_data(env, &mut data) },
        "reading the completion channel",
    )?;
    if !data.is_null() {
        // SAFETY: set below to a Channel that lives as long as the env.
        return Ok(unsafe { &*data.cast::<Channel>() });
    }
    let ch = Box::into_raw(Box::new(Channel {
        sender: Arc::new(Sender(Mutex::new(None))),
        tsfn: ptr::null_mut(),
        pending: Cell::new(0),
    }));
    let mut name = ptr::null_mut();
    let label = "oradb completion";
    let mut tsfn = ptr::null_mut();
    // SAFETY: plain N-API calls on the JS thread with valid out-pointers;
    // `ch` is freed by `finalize_channel` when the env drops the function.
    unsafe {
        check(
            sys::napi_create_string_utf8(env, label.as_ptr().cast(), label.len(), &mut name),
            "naming the completion channel",
        )?;
        check(
            sys::napi_create_threadsafe_function(
                env,
                ptr::null_mut(),
                ptr::null_mut(),
                name,
                0,
                1,
                ch.cast(),
                Some(finalize_channel),
                ch.cast(),
                Some(call_js),
                &mut tsfn,
            ),
            "creating the completion channel",
        )?;
        check(
            sys::napi_unref_threadsafe_function(env, tsfn),
            "unreferencing the completion channel",
        )?;
        let chan = &mut *ch;
        chan.tsfn = tsfn;
        *chan.sender.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(Tsfn(tsfn));
        check(
            sys::napi_set_instance_data(env, ch.cast(), None, ptr::null_mut()),
            "storing the completion channel",
        )?;
        Ok(&*ch)
    }
}

/// Polls the inner future, turning a panic into an error so none crosses
/// into JS and the promise still settles.
struct CatchPanic<F>(F);

impl<F: Future> Future for CatchPanic<F> {
    type Output = std::result::Result<F::Output, String>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: structural pinning of the only field.
        let inner = unsafe { self.map_unchecked_mut(|s| &mut s.0) };
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(p) => {
                let what = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                Poll::Ready(Err(what))
            }
        }
    }
}

/// Starts `fut` on the runtime and returns a promise of its output, which
/// is converted to JS on the JS thread.
pub fn spawn<T, F>(env: Env, fut: F) -> Result<JsObject>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    start(env, fut, false)
}

/// Like `spawn`, but when no other call of this JS environment is in flight
/// the future's first step runs at once on the JS thread: for a small
/// request that is taking the session, encoding it and one non-blocking
/// write, as libuv's own writes do. It never waits there: at the first thing
/// it must wait for (the answer) it moves to the I/O thread, woken by the
/// same event. A lone call (sequential queries) then costs one thread
/// wake-up less; with calls in flight the I/O thread is busy anyway, and the
/// inbox batches them without loading the JS thread with socket writes.
pub fn spawn_eager<T, F>(env: Env, fut: F) -> Result<JsObject>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    start(env, fut, true)
}

fn settler<T: ToNapiValue + Send + 'static>(out: std::result::Result<T, String>) -> Settle {
    match out {
        // SAFETY (closure): called on the JS thread with its env.
        Ok(v) => Box::new(move |env| unsafe { T::to_napi_value(env, v) }),
        Err(p) => Box::new(move |_| {
            Err(Error::new(
                Status::GenericFailure,
                format!(
                    "{}: internal error in the native layer: {p}",
                    codes::INTERNAL
                ),
            ))
        }),
    }
}

/// Where an eagerly started call waits between its first step (on the JS
/// thread) and the wake that moves it to the runtime.
enum Park {
    /// The first step is running; a wake during it is remembered.
    Polling {
        woken: bool,
    },
    Parked(Task),
    /// On the runtime: wakes of this waker are stale (the task has its own).
    Moved,
}

struct Handoff(Mutex<Park>);

impl std::task::Wake for Handoff {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match std::mem::replace(&mut *g, Park::Moved) {
            Park::Polling { .. } => *g = Park::Polling { woken: true },
            Park::Parked(task) => {
                drop(g);
                // Usually called on the I/O thread by its driver: a local spawn.
                runtime().spawn(task);
            }
            Park::Moved => {}
        }
    }
}

fn start<T, F>(env: Env, fut: F, eager: bool) -> Result<JsObject>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let raw = env.raw();
    let ch = channel(raw)?;
    let mut deferred = ptr::null_mut();
    let mut promise = ptr::null_mut();
    // SAFETY: N-API call on the JS thread with valid out-pointers.
    check(
        unsafe { sys::napi_create_promise(raw, &mut deferred, &mut promise) },
        "creating a promise",
    )?;
    // Boxed: the task stores its future inline and tokio copies that slot
    // whole on each state change; the execute future is several KB.
    let mut fut = Box::pin(CatchPanic(fut));
    let handoff = if eager && ch.pending.get() == 0 {
        let handoff = Arc::new(Handoff(Mutex::new(Park::Polling { woken: false })));
        // Timers and spawns made by the first step need the runtime's context.
        let _rt = runtime().enter();
        let waker = std::task::Waker::from(handoff.clone());
        if let Poll::Ready(out) = fut.as_mut().poll(&mut Context::from_waker(&waker)) {
            settle(raw, deferred, settler(out)(raw));
            // SAFETY: `promise` is a live value of this env.
            return Ok(unsafe { JsObject::from_raw_unchecked(raw, promise) });
        }
        Some(handoff)
    } else {
        None
    };
    ch.pending.set(ch.pending.get() + 1);
    if ch.pending.get() == 1 {
        // SAFETY: on the JS thread that owns the channel.
        check(
            unsafe { sys::napi_ref_threadsafe_function(raw, ch.tsfn) },
            "referencing the completion channel",
        )?;
    }
    let sender = ch.sender.clone();
    let deferred_addr = deferred as usize;
    let task: Task = Box::pin(async move {
        let settle = settler(fut.await);
        sender.send(Box::new(Completion {
            deferred: deferred_addr as sys::napi_deferred,
            settle,
        }));
    });
    match handoff {
        None => submit(task),
        Some(handoff) => {
            let mut g = handoff.0.lock().unwrap_or_else(|p| p.into_inner());
            match *g {
                Park::Polling { woken: false } => *g = Park::Parked(task),
                // Woken during its first step: it can go on at once.
                _ => {
                    *g = Park::Moved;
                    drop(g);
                    submit(task);
                }
            }
        }
    }
    // SAFETY: `promise` is a live value of this env.
    Ok(unsafe { JsObject::from_raw_unchecked(raw, promise) })
}
