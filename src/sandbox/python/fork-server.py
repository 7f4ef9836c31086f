# Fork server for Python tests; runs inside bubblewrap (no network, read-only
# /usr, tmpfs /tmp, no /etc, unprivileged). Protocol: one JSON request per
# line on stdin, one JSON response per line on stdout.
#
# Per job the server forks A, which enters fresh user, PID and mount
# namespaces and forks B: B is PID 1 of a namespace the server is not in, so
# test code can neither see nor signal the server, cannot kill B (init ignores
# signals from inside its namespace) and is torn down with B. B mounts its own
# /proc (only the job's processes) and a fresh /tmp (nothing carries over
# between jobs), drops every capability and makes itself non-dumpable (no
# /proc/1/fd, no ptrace), then forks one child C per test, with rlimits on
# CPU, address space, file size and processes.
# B, not the program, writes the per-test results; judging happens in Node.
import ctypes, gc, json, os, resource, select, signal, sys, time, traceback

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNS = 0x10000000, 0x20000000, 0x00020000
MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8
PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4
STDERR_KEEP = 4096  # bytes of stderr kept per test
RESULT_CAP = 16 * 1024 * 1024  # bytes of return value JSON


class CapHeader(ctypes.Structure):
    _fields_ = [('version', ctypes.c_uint32), ('pid', ctypes.c_int)]


class CapData(ctypes.Structure):
    _fields_ = [('effective', ctypes.c_uint32), ('permitted', ctypes.c_uint32), ('inheritable', ctypes.c_uint32)]


def drop_capabilities():
    header = CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (CapData * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), 'capset failed')


def mount(source, target, fstype, flags, data):
    if libc.mount(source, target, fstype, flags, data) != 0:
        raise OSError(ctypes.get_errno(), 'mount %s failed' % target.decode())


def send(fd, obj):
    data = (json.dumps(obj) + '\n').encode()
    while data:
        data = data[os.write(fd, data):]


def limit(kind, value):
    resource.setrlimit(kind, (value, value))


def child_main(req, code, assert_code, text, fds):
    """C: one test. Never returns."""
    os.setsid()  # its own process group, killed as one when the test ends
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    os.closerange(4, 1 << 16)
    mem = req['memory_mb'] * 1024 * 1024
    cpu = int(req['timeout_ms'] / 1000) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    limit(resource.RLIMIT_AS, mem)
    limit(resource.RLIMIT_DATA, mem)
    # Bounds stdout/stderr (memfds) and files in /tmp; Python ignores SIGXFSZ, so writes fail with OSError.
    limit(resource.RLIMIT_FSIZE, max(req['output_bytes'] + 1, RESULT_CAP))
    limit(resource.RLIMIT_NPROC, req['max_processes'])
    limit(resource.RLIMIT_CORE, 0)
    limit(resource.RLIMIT_NOFILE, 64)
    # sys.stdin/stdout/stderr are reused as inherited: the server never reads or writes through
    # them (it uses os.read/os.write), so their buffers are empty; building new ones costs ms.
    mode = req['mode']
    frame = {'s': 'ok'}
    try:
        ns = {'__name__': '__main__' if mode == 'stdio' else '__program__', '__builtins__': __builtins__}
        try:
            exec(code, ns)
        except SystemExit as e:
            # A stdio program may end with sys.exit(); a program that exits before its tests ran fails.
            if mode != 'stdio' or e.code not in (None, 0):
                raise
        if mode == 'call':
            fn = ns.get(req['fn_name'])
            if fn is None and isinstance(ns.get('Solution'), type):
                fn = getattr(ns['Solution'](), req['fn_name'], None)  # LeetCode style
            if not callable(fn):
                raise NameError(req['fn_name'] + ' is not defined as a function')
            value = fn(*json.loads(text))
            frame['v'] = json.dumps(value, allow_nan=False)
        elif mode == 'script':
            exec(assert_code, ns)
    except MemoryError:
        frame = {'s': 'memory'}
    except BaseException:
        frame = {'s': 'runtime_error'}
        try:
            traceback.print_exc()
        except BaseException:
            pass
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    try:
        send(3, frame)
    except BaseException:
        os._exit(1)
    os._exit(0)


def memfd_with(text):
    fd = os.memfd_create('io')
    data = text.encode()
    while data:
        data = data[os.write(fd, data):]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def read_all(fd, cap):
    size = os.fstat(fd).st_size
    return os.pread(fd, min(size, cap), 0), size


class Test:
    """B's view of one running test: C writes stdout, stderr and its verdict frame into memfds."""

    def __init__(self, index, req, code, assert_code, text, timeout_s):
        self.index = index
        self.fds = [memfd_with(text if req['mode'] == 'stdio' else ''), memfd_with(''), memfd_with(''), memfd_with('')]
        self.started = time.monotonic()
        self.deadline = self.started + timeout_s
        self.pid = os.fork()
        if self.pid == 0:
            child_main(req, code, assert_code, text, self.fds)
        self.pidfd = os.pidfd_open(self.pid)

    def finish(self, req, timed_out):
        ms = (time.monotonic() - self.started) * 1000
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.pidfd)
        cap = req['output_bytes']
        out, out_size = read_all(self.fds[1], cap)
        err, _ = read_all(self.fds[2], STDERR_KEEP)
        res, _ = read_all(self.fds[3], RESULT_CAP)
        for fd in self.fds:
            os.close(fd)
        result = {'ms': ms, 'stdout': out.decode('utf-8', 'replace'), 'stderr': err.decode('utf-8', 'replace')}
        if out_size > cap:
            result['status'] = 'output_limit'
        elif timed_out or (os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL)):
            result['status'] = 'timeout'  # wall clock, or RLIMIT_CPU
        else:
            result.update(verdict(res, status))
            if 'signal' in result:
                result['stderr'] += '\nkilled by signal %d' % result.pop('signal')
        return result


def verdict(res, status):
    try:
        frame = json.loads(res.decode())
        code = frame['s']
    except Exception:
        # No verdict from the harness: the program crashed, exited early or wrote garbage on fd 3.
        detail = {'status': 'runtime_error'}
        if os.WIFSIGNALED(status):
            detail['signal'] = os.WTERMSIG(status)
        return detail
    if code == 'ok' and 'v' in frame:
        return {'status': 'ok', 'value': frame['v']}
    return {'status': code if code in ('ok', 'memory', 'runtime_error') else 'runtime_error'}


def run_tests(req, code, assert_code):
    """B: runs the job's tests, `parallel` at a time, each within its own limit and the job's budget."""
    inputs = req['inputs']
    parallel = max(1, int(req.get('parallel', 1)))
    end = time.monotonic() + req['budget_ms'] / 1000
    results = [None] * len(inputs)
    running = {}
    nxt = 0
    while nxt < len(inputs) or running:
        while nxt < len(inputs) and len(running) < parallel:
            left = min(req['timeout_ms'] / 1000, end - time.monotonic())
            if left <= 0:
                results[nxt] = {'status': 'timeout', 'ms': 0, 'stdout': '', 'stderr': 'not run: cell deadline'}
            else:
                test = Test(nxt, req, code, assert_code, inputs[nxt], left)
                running[test.pidfd] = test
            nxt += 1
        if not running:
            break
        wait = min(t.deadline for t in running.values()) - time.monotonic()
        ready, _, _ = select.select(list(running), [], [], max(0, wait))
        now = time.monotonic()
        for fd, test in list(running.items()):
            if fd in ready or now >= test.deadline:
                del running[fd]
                results[test.index] = test.finish(req, fd not in ready)
        if not running:
            reap()  # orphans of finished tests; never while a test runs, whose status waitpid(-1) would take
    return results


def kill_all():
    # B is PID 1 of the job's namespace: -1 reaches every other process in it.
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def enter_job():
    """B: hide everything outside the job, then give up every privilege."""
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    mount(b'proc', b'/proc', b'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    mount(b'tmpfs', b'/tmp', b'tmpfs', MS_NOSUID | MS_NODEV, b'size=16m,mode=1777')
    libc.prctl(PR_SET_DUMPABLE, 0)
    drop_capabilities()
    os.chdir('/tmp')


def job_main(req, res_w):
    """B: PID 1 of the job's namespaces. Never returns."""
    try:
        enter_job()
    except BaseException as e:
        send(res_w, {'fatal': repr(e)})
        os._exit(1)
    inputs = req['inputs']
    try:
        code = compile(req['source'], '<program>', 'exec')
        assert_code = compile(req.get('assert_code') or '', '<tests>', 'exec')
    except (SyntaxError, ValueError, OverflowError) as e:
        for _ in inputs:
            send(res_w, {'status': 'compile_error', 'ms': 0, 'stdout': '', 'stderr': ''.join(traceback.format_exception_only(type(e), e))[:STDERR_KEEP]})
        os._exit(0)
    gc.freeze()  # children's collections skip B's objects: fewer copy-on-write faults per test
    for result in run_tests(req, code, assert_code):
        send(res_w, result)
    kill_all()
    os._exit(0)


def map_identity():
    # Keep the same uid/gid inside the job's user namespace: an unmapped uid cannot create files.
    uid, gid = os.getuid(), os.getgid()
    for name, text in (('uid_map', '%d %d 1' % (uid, uid)), ('setgroups', 'deny'), ('gid_map', '%d %d 1' % (gid, gid))):
        with open('/proc/self/' + name, 'w') as f:
            f.write(text)


def run_job(req):
    res_r, res_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # A
        try:
            os.close(res_r)
            null = os.open('/dev/null', os.O_RDWR)
            os.dup2(null, 0)
            os.dup2(null, 1)
            if libc.unshare(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS) != 0:
                raise OSError(ctypes.get_errno(), 'unshare failed')
            libc.prctl(PR_SET_DUMPABLE, 1)  # a non-dumpable process cannot write its own uid_map
            map_identity()
            job = os.fork()
            if job == 0:
                job_main(req, res_w)
            os.close(res_w)
            _, status = os.waitpid(job, 0)
            os._exit(0 if status == 0 else 1)
        except BaseException as e:
            send(res_w, {'fatal': repr(e)})
            os._exit(1)
    os.close(res_w)
    tests = []
    data = bytearray()
    while True:
        chunk = os.read(res_r, 1 << 20)
        if not chunk:
            break
        data += chunk
    os.close(res_r)
    os.waitpid(pid, 0)
    for line in bytes(data).decode('utf-8', 'replace').splitlines():
        msg = json.loads(line)
        if 'fatal' in msg:
            return {'id': req['id'], 'error': msg['fatal']}
        tests.append(msg)
    if len(tests) != len(req['inputs']):
        return {'id': req['id'], 'error': 'job ended after %d of %d tests' % (len(tests), len(req['inputs']))}
    return {'id': req['id'], 'tests': tests}


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    libc.prctl(PR_SET_DUMPABLE, 0)
    pending = b''
    while True:
        while b'\n' not in pending:
            chunk = os.read(0, 1 << 20)
            if not chunk:
                return
            pending += chunk
        line, pending = pending.split(b'\n', 1)
        req = json.loads(line)
        try:
            response = run_job(req)
        except Exception as e:
            response = {'id': req.get('id'), 'error': repr(e)}
        send(1, response)


main()
