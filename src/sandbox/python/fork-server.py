# Fork server for Python tests; runs inside bubblewrap (no network, read-only
# /usr, tmpfs /tmp, no /etc, unprivileged). Protocol: one JSON request per
# line on stdin, one JSON response per line on stdout.
#
# The server forks A before it reads any job (and exits when B dies, to be
# started again, rather than fork a new A from memory that holds the jobs it
# has passed on). A enters fresh user, PID and mount namespaces and forks B,
# which serves one job after another (entering user namespaces per job cost
# more than the tests). B never reads a job: for each one it forks W, PID 1 of
# a PID namespace of its own, ahead of time (W prepares while the previous job
# runs). W takes a mount namespace of its own with a /proc of its PID
# namespace (only the job's processes) and a fresh /tmp and /dev/shm, then
# reads the job, runs it and exits; so a job's processes come from memory that
# holds that job alone: nothing of an earlier job (its source, inputs,
# outputs) is left in freed heap for a program to read. Test code can neither
# see nor signal the server or B, and cannot kill W (init ignores signals from
# inside its namespace that it does not handle, and W handles none). W forks a
# child C that gets its own System V IPC namespace, drops every capability and
# sets rlimits on CPU, address space, file size and processes. B and W are
# non-dumpable (no /proc/1/fd, no ptrace). C runs the job's tests one after
# another on fresh stdio files and namespaces (a fork per test costs more than
# the test on small machines); after a test that times out, crashes, exhausts
# memory or leaves threads or processes behind (also ones no longer its
# children), C is killed and the next test gets a new one. When W exits, the
# kernel kills whatever is left in its namespace.
# W, not the program, writes the per-test results; judging happens in Node.
import builtins, ctypes, gc, json, os, resource, select, signal, socket, sys, threading, time, traceback

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNS, CLONE_NEWIPC = 0x10000000, 0x20000000, 0x00020000, 0x08000000
MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8
PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4
JOB_EOF = 3  # W's exit status when the server has closed the job pipe
STDERR_KEEP = 4096  # bytes of stderr kept per test
RESULT_CAP = 16 * 1024 * 1024  # bytes of return value JSON


class CapHeader(ctypes.Structure):
    _fields_ = [('version', ctypes.c_uint32), ('pid', ctypes.c_int)]


class CapData(ctypes.Structure):
    _fields_ = [('effective', ctypes.c_uint32), ('permitted', ctypes.c_uint32), ('inheritable', ctypes.c_uint32)]


# Built once in B: creating ctypes objects in a freshly forked test process costs milliseconds.
CAP_HEADER = CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
CAP_NONE = (CapData * 2)()


def drop_capabilities():
    if libc.capset(ctypes.byref(CAP_HEADER), CAP_NONE) != 0:
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


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_one(req, code, assert_code, text):
    """In C: run the program (and its test) once; returns the verdict frame."""
    mode = req['mode']
    frame = {'s': 'ok'}
    try:
        ns = {'__name__': '__main__' if mode == 'stdio' else '__program__', '__builtins__': builtins}
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
        frame = {'s': 'runtime_error'}
    return frame


def child_main(req, code, assert_code, sock):
    """C: runs tests one after another as W sends them, each on fresh stdio files and a fresh
    namespace, with the interpreter state a program may change put back in between. W replaces C
    after any test that did not end cleanly. Never returns."""
    os.setsid()  # its own process group, killed as one
    # System V IPC objects of its own, then no capability at all (W keeps its, to mount scratch space).
    if libc.unshare(CLONE_NEWIPC) != 0:
        os._exit(1)
    drop_capabilities()
    os.dup2(sock.fileno(), 3)
    os.closerange(4, 1 << 16)
    channel = socket.socket(fileno=3)
    mem = req['memory_mb'] * 1024 * 1024
    limit(resource.RLIMIT_AS, mem)
    limit(resource.RLIMIT_DATA, mem)
    # Bounds stdout/stderr (memfds) and files in /tmp; Python ignores SIGXFSZ, so writes fail with OSError.
    limit(resource.RLIMIT_FSIZE, max(req['output_bytes'] + 1, RESULT_CAP))
    limit(resource.RLIMIT_NPROC, req['max_processes'])
    limit(resource.RLIMIT_CORE, 0)
    limit(resource.RLIMIT_NOFILE, 64)
    per_test_cpu = int(req['timeout_ms'] / 1000) + 1
    cpu_cap = per_test_cpu * (len(req['inputs']) + 1)  # hard: all of C's tests together
    saved_builtins = dict(builtins.__dict__)
    saved_stdio = (sys.stdout, sys.stderr)
    recursion = sys.getrecursionlimit()
    while True:
        msg, fds, _, _ = socket.recv_fds(channel, 16, 3)
        if not msg or len(fds) != 3:
            os._exit(0)
        text = ''
        if req['mode'] == 'call':
            # The arguments come in the first file; the program then finds its stdin at EOF.
            text = os.pread(fds[0], os.fstat(fds[0]).st_size, 0).decode()
            os.lseek(fds[0], 0, os.SEEK_END)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        builtins.__dict__.clear()
        builtins.__dict__.update(saved_builtins)
        sys.stdin = open(0, 'r', encoding='utf-8', errors='replace', closefd=False)
        sys.stdout, sys.stderr = saved_stdio
        sys.setrecursionlimit(recursion)
        os.chdir('/tmp')
        soft = min(int(cpu_seconds()) + per_test_cpu, cpu_cap)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, cpu_cap))
        frame = run_one(req, code, assert_code, text)
        for stream in saved_stdio:  # the program may have swapped sys.stdout with output still buffered
            try:
                stream.flush()
            except BaseException:
                pass
        # Threads left running could act during the next test (W looks for processes: others_alive).
        frame['reuse'] = frame['s'] != 'memory' and threading.active_count() == 1
        channel.sendall((json.dumps(frame) + '\n').encode())


def others_alive(pid):
    """W: whether a process other than W and C (`pid`) is in W's namespace: one a test started, C's
    child or one that left it (fork, setsid, fork), which could act in the next test."""
    return any(name.isdigit() and int(name) not in (1, pid) for name in os.listdir('/proc'))


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


class Child:
    """W's handle on one C, which it feeds tests until one ends badly."""

    def __init__(self, req, code, assert_code):
        self.sock, theirs = socket.socketpair()
        self.pid = os.fork()
        if self.pid == 0:
            self.sock.close()
            child_main(req, code, assert_code, theirs)
        theirs.close()
        self.pidfd = os.pidfd_open(self.pid)
        self.pending = b''
        self.alive = True

    def run(self, req, text, timeout_s):
        """Runs one test; returns its result and whether C may take the next one."""
        files = [memfd_with(text), memfd_with(''), memfd_with('')]
        started = time.monotonic()
        deadline = started + timeout_s
        frame = None
        try:
            socket.send_fds(self.sock, [b'run'], files)
            frame = self.wait_frame(deadline)
        except OSError:
            pass
        ms = (time.monotonic() - started) * 1000
        cap = req['output_bytes']
        out, out_size = read_all(files[1], cap)
        err, _ = read_all(files[2], STDERR_KEEP)
        for fd in files:
            os.close(fd)
        result = {'ms': ms, 'stdout': out.decode('utf-8', 'replace'), 'stderr': err.decode('utf-8', 'replace')}
        if frame is None:
            status = self.stop()
            if out_size > cap:
                result['status'] = 'output_limit'
            elif time.monotonic() >= deadline or (os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL)):
                result['status'] = 'timeout'  # wall clock, or RLIMIT_CPU
            else:
                # No verdict: the program crashed or exited on its own.
                result['status'] = 'runtime_error'
                if os.WIFSIGNALED(status):
                    result['stderr'] += '\nkilled by signal %d' % os.WTERMSIG(status)
            return result, False
        code = frame.get('s')
        result['status'] = 'output_limit' if out_size > cap else code if code in ('ok', 'memory', 'runtime_error') else 'runtime_error'
        if result['status'] == 'ok' and isinstance(frame.get('v'), str):
            result['value'] = frame['v']
        return result, frame.get('reuse') is True and result['status'] != 'output_limit' and not others_alive(self.pid)

    def wait_frame(self, deadline):
        while b'\n' not in self.pending:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.sock, self.pidfd], [], [], left)
            if self.sock in ready:
                chunk = self.sock.recv(1 << 20)
                if not chunk:
                    return None
                self.pending += chunk
                if len(self.pending) > RESULT_CAP + 4096:
                    return None
            elif ready:
                return None  # C ended without a verdict
        line, self.pending = self.pending.split(b'\n', 1)
        try:
            frame = json.loads(line)
        except ValueError:
            return None
        return frame if isinstance(frame, dict) else None

    def stop(self):
        """Ends C and whatever it started; returns C's wait status."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.pidfd)
        self.sock.close()
        self.alive = False
        reap()
        return status


def run_tests(req, code, assert_code):
    """W: runs the job's tests in order, each within its own limit and the job's budget."""
    end = time.monotonic() + req['budget_ms'] / 1000
    results = []
    child = None
    for text in req['inputs']:
        left = min(req['timeout_ms'] / 1000, end - time.monotonic())
        if left <= 0:
            results.append({'status': 'timeout', 'ms': 0, 'stdout': '', 'stderr': 'not run: cell deadline'})
            continue
        if child is None:
            child = Child(req, code, assert_code)
        result, reusable = child.run(req, text, left)
        results.append(result)
        if not reusable:
            if child.alive:
                child.stop()
            child = None
    if child is not None:
        child.stop()
    return results


def kill_all():
    # W is PID 1 of the job's namespace: -1 reaches every other process in it.
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass


def reap():
    """W: waits until every other process of the job is gone (no zombie, nothing acting after the test)."""
    while True:
        kill_all()  # again each time: a process may have forked while the last signal went round
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def compile_job(req):
    """The job's code objects, or the compile error as a test result for every test."""
    try:
        return compile(req['source'], '<program>', 'exec'), compile(req.get('assert_code') or '', '<tests>', 'exec'), None
    except (SyntaxError, ValueError, OverflowError) as e:
        failure = {'status': 'compile_error', 'ms': 0, 'stdout': '', 'stderr': ''.join(traceback.format_exception_only(type(e), e))[:STDERR_KEEP]}
        return None, None, failure


def fresh_scratch():
    """W, before its job arrives: a mount namespace of its own (so it can prepare while the previous
    job still runs), a /proc of its PID namespace (only the job's processes), and new empty /tmp and
    /dev/shm, so nothing a job writes reaches the next."""
    if libc.unshare(CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), 'unshare failed')
    mount(b'proc', b'/proc', b'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    for path in (b'/tmp', b'/dev/shm'):
        mount(b'tmpfs', path, b'tmpfs', MS_NOSUID | MS_NODEV, b'size=16m,mode=1777')
    os.chdir('/tmp')


def enter_host():
    """B: no core dumps or ptrace (inherited by W and C), and no signal handler a test process
    could trigger in W: signals from inside a namespace to its PID 1 are dropped unless PID 1
    handles them, and Python handles SIGINT by default."""
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    libc.prctl(PR_SET_DUMPABLE, 0)


def run_job(req):
    """W: one job, in the scratch space W prepared, to a namespace emptied of the job's processes."""
    code, assert_code, failure = compile_job(req)
    if failure is not None:
        return [failure for _ in req['inputs']]
    try:
        return run_tests(req, code, assert_code)
    finally:
        reap()


def host_main(jobs_r, results_w):
    """B: serves one job after another, each in a fresh W; never reads a job itself. Never returns."""
    try:
        enter_host()
    except BaseException as e:
        send(results_w, {'fatal': repr(e)})
        os._exit(1)
    gc.freeze()  # test processes' collections skip B's objects: fewer copy-on-write faults per test
    own_pid_ns = os.open('/proc/self/ns/pid', os.O_RDONLY)
    w = fork_job_process(own_pid_ns, jobs_r, results_w)
    while True:
        # The next job's W is forked while this one's runs: a fork costs ~10 ms here, off the job's path.
        following = fork_job_process(own_pid_ns, jobs_r, results_w)
        _, status = os.waitpid(w, 0)  # W was PID 1 of its namespace: nothing of the job outlives it
        code = os.waitstatus_to_exitcode(status)
        if code == JOB_EOF:
            os._exit(0)
        if code != 0:
            send(results_w, {'error': 'the job process ended with status %d' % code})
        w = following


def fork_job_process(own_pid_ns, jobs_r, results_w):
    """B: a W waiting for the next job, in a PID namespace of its own; returns its pid."""
    try:
        pid = fork_in_new_pid_namespace(own_pid_ns)
    except OSError as e:
        send(results_w, {'fatal': repr(e)})
        os._exit(1)
    if pid == 0:
        job_main(jobs_r, results_w)
    return pid


def fork_in_new_pid_namespace(own_pid_ns):
    """B: forks W as PID 1 of a new PID namespace, then puts B's own namespace back for its next
    child (unshare can set a namespace for children once; setns undoes it)."""
    if libc.unshare(CLONE_NEWPID) != 0:
        raise OSError(ctypes.get_errno(), 'unshare failed')
    pid = os.fork()
    if pid != 0 and libc.setns(own_pid_ns, CLONE_NEWPID) != 0:
        raise OSError(ctypes.get_errno(), 'setns failed')
    return pid


def job_main(jobs_r, results_w):
    """W: prepares, reads one job, runs it and answers. Never returns."""
    try:
        fresh_scratch()
    except OSError:
        os._exit(1)
    line = LineReader(jobs_r).next()  # the server sends the next job only after this one's answer
    if line is None:
        os._exit(JOB_EOF)
    req = json.loads(line)
    gc.freeze()  # as in B: the job's test processes' collections skip the job's own objects
    try:
        send(results_w, {'id': req['id'], 'tests': run_job(req)})
    except Exception as e:
        send(results_w, {'id': req['id'], 'error': repr(e)})
    os._exit(0)


class LineReader:
    def __init__(self, fd):
        self.fd = fd
        self.pending = b''

    def next(self):
        """The next line, or None at end of input."""
        while b'\n' not in self.pending:
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                return None
            self.pending += chunk
        line, self.pending = self.pending.split(b'\n', 1)
        return line


def map_identity():
    # Keep the same uid/gid inside the job's user namespace: an unmapped uid cannot create files.
    uid, gid = os.getuid(), os.getgid()
    for name, text in (('uid_map', '%d %d 1' % (uid, uid)), ('setgroups', 'deny'), ('gid_map', '%d %d 1' % (gid, gid))):
        with open('/proc/self/' + name, 'w') as f:
            f.write(text)


class Host:
    """The server's handle on B: jobs go down one pipe, results come back up another."""

    def __init__(self):
        jobs_r, self.jobs_w = os.pipe()
        self.results_r, results_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # A: enters the namespaces, starts B, and waits for it
            try:
                os.close(self.jobs_w)
                os.close(self.results_r)
                null = os.open('/dev/null', os.O_RDWR)
                os.dup2(null, 0)
                os.dup2(null, 1)
                if libc.unshare(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS) != 0:
                    raise OSError(ctypes.get_errno(), 'unshare failed')
                libc.prctl(PR_SET_DUMPABLE, 1)  # a non-dumpable process cannot write its own uid_map
                map_identity()
                if os.fork() == 0:
                    host_main(jobs_r, results_w)
                os.close(jobs_r)
                os.close(results_w)
                os.wait()
                os._exit(0)
            except BaseException as e:
                send(results_w, {'fatal': repr(e)})
                os._exit(1)
        os.close(jobs_r)
        os.close(results_w)
        self.pid = pid
        self.lines = LineReader(self.results_r)

    def run(self, req):
        """B's answer to one job; None when B is gone."""
        try:
            send(self.jobs_w, req)
            line = self.lines.next()
            return None if line is None else json.loads(line)
        except (OSError, ValueError):
            return None


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    libc.prctl(PR_SET_DUMPABLE, 0)
    # A is forked before any job is read, so no job is in the memory every job process comes from.
    try:
        host, failure = Host(), None
    except OSError as e:
        host, failure = None, repr(e)
    requests = LineReader(0)
    while True:
        line = requests.next()
        if line is None:
            return
        req = json.loads(line)
        if host is None:
            send(1, {'id': req.get('id'), 'error': failure})
            continue
        response = host.run(req)
        if response is not None and 'id' not in response and 'error' in response:
            response['id'] = req.get('id')  # B's word on a job process that died: it never read the job
        if response is None or 'fatal' in response:
            # Ended, to be started again: a new A forked from here would carry the jobs read so far.
            send(1, {'id': req.get('id'), 'error': response['fatal'] if response else 'the job host died'})
            return
        send(1, response)

main()
