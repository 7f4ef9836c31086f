# Fork server for Python tests; runs inside bubblewrap (no network, a read-only root holding /usr
# and nothing of the host's /etc, unprivileged). Protocol: one JSON request per line on stdin, one
# JSON response per line on stdout. argv[1] is the sandbox's fixed limits (src/sandbox/limits.json).
#
# The server forks A before it reads any job (and exits when B dies, to be started again, rather
# than fork a new A from memory that holds the jobs it has passed on). A enters fresh user, PID and
# mount namespaces, forbids any further user namespace, and forks B, which serves one job after
# another (entering user namespaces per job cost more than the tests). B never reads a job: for each
# one it forks W, PID 1 of a PID namespace of its own, ahead of time (W prepares while the previous
# job runs). W takes a mount namespace of its own with a /proc of its PID namespace (only the job's
# processes), a fresh size-capped /tmp and /dev/shm (the only writable places) and a kernel keyring
# of its own, then reads the job, runs it and exits; so a job's processes come from memory that holds
# that job alone. Test code can neither see nor signal the server or B, and cannot kill W (init
# ignores signals from inside its namespace that it does not handle, and W handles none). B, W and
# every test process are non-dumpable (no ptrace, no /proc/<pid>/fd or mem of one another).
#
# Each test runs in a process of its own that W forks: it enters a System V IPC namespace of its
# own, drops every capability, cannot use the kernel's keyrings (seccomp), sets rlimits on CPU,
# address space, file size, open files and processes, and exits when the test ends. W judges it only
# by what the kernel reports (how it ended: exit status or signal, within the time or not) and by the
# files it wrote (stdout, and for call tests the return value, which the program could write itself
# as well as return: the same thing). No frame the program could write is ever taken for a verdict.
# Assert-style tests: the program runs in P, the test code in Q, forked side by side; Q reaches the
# program's functions only through a socket that carries plain values (never an object of the
# program's), and the verdict is how Q ended. After each test W kills every other process of the
# job. When W exits, the kernel kills whatever is left in its namespace.
import atexit, builtins, ctypes, gc, json, os, platform, resource, select, signal, socket, sys, threading, time, traceback, types

# Bound before any program runs: a program that patches json.dumps in its process changes nothing here.
dumps, loads = json.dumps, json.loads
LIMITS = loads(sys.argv[1])
STDERR_KEEP = LIMITS['stderrKeepBytes']
RESULT_CAP = LIMITS['resultBytes']

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNS, CLONE_NEWIPC = 0x10000000, 0x20000000, 0x00020000, 0x08000000
MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP, PR_SET_NO_NEW_PRIVS = 1, 4, 22, 38
SECCOMP_MODE_FILTER = 2
KEYCTL_JOIN_NEW_KEYRING = 1  # keyctl's operation 1 with no name: join a new anonymous keyring
JOB_EOF = 3  # W's exit status when the server has closed the job pipe
EXIT_MEMORY = 113  # a test process's exit status after MemoryError (a program exiting with it only fails its test)
MAX_CALL_NAMES = 4096  # names of the test code looked up in the program (assert-style tests)

# Per machine: the audit architecture, keyctl's number, and the numbers of add_key, request_key, keyctl.
SYSCALLS = {'x86_64': (0xC000003E, 250, (248, 249, 250)), 'aarch64': (0xC00000B7, 219, (217, 218, 219))}


class CapHeader(ctypes.Structure):
    _fields_ = [('version', ctypes.c_uint32), ('pid', ctypes.c_int)]


class CapData(ctypes.Structure):
    _fields_ = [('effective', ctypes.c_uint32), ('permitted', ctypes.c_uint32), ('inheritable', ctypes.c_uint32)]


class SockFilter(ctypes.Structure):
    _fields_ = [('code', ctypes.c_ushort), ('jt', ctypes.c_ubyte), ('jf', ctypes.c_ubyte), ('k', ctypes.c_uint32)]


class SockFprog(ctypes.Structure):
    _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.POINTER(SockFilter))]


def keyring_filter(arch, numbers):
    """A seccomp program refusing (EPERM) the keyring calls, and every call of another ABI (i386 via
    int 0x80, x32) whose numbers differ."""
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    allow, deny = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    n = len(numbers)
    program = [(ld, 0, 0, 4), (jeq, 1, 0, arch), (ret, 0, 0, deny), (ld, 0, 0, 0), (jge, n + 1, 0, 0x40000000)]
    program += [(jeq, n - i, 0, nr) for i, nr in enumerate(numbers)]
    program += [(ret, 0, 0, allow), (ret, 0, 0, deny)]
    filters = (SockFilter * len(program))(*[SockFilter(*insn) for insn in program])
    return SockFprog(len(program), filters), filters


# Built once in the server: creating ctypes objects in a freshly forked test process costs milliseconds.
CAP_HEADER = CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
CAP_NONE = (CapData * 2)()
if platform.machine() not in SYSCALLS:
    raise SystemExit('unsupported machine %s: no seccomp filter for it' % platform.machine())
ARCH, SYS_KEYCTL, KEYRING_CALLS = SYSCALLS[platform.machine()]
KEYRING_FILTER = keyring_filter(ARCH, KEYRING_CALLS)


def check(result, what):
    if result != 0:
        raise OSError(ctypes.get_errno(), what + ' failed')


def mount(source, target, fstype, flags, data):
    check(libc.mount(source, target, fstype, flags, data), 'mount ' + target.decode())


def send(fd, obj):
    data = (json.dumps(obj) + '\n').encode()
    while data:
        data = data[os.write(fd, data):]


def prctl(option, value):
    return libc.prctl(option, ctypes.c_ulong(value), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))


def limit(kind, value, hard=None):
    resource.setrlimit(kind, (value, value if hard is None else hard))


# --- a test process: the same confinement for a call or stdio test, a program P and a test runner Q ---

def confine(req, files):
    """In a test process, before any code of the job runs: its own process group and IPC namespace,
    `files` as descriptors 0, 1, 2, 3 and no other, no capability, no keyring, the limits."""
    os.setsid()  # its own process group, killed as one
    for target, fd in enumerate(files):
        os.dup2(fd, target)
    os.closerange(len(files), 1 << 16)  # W's pipes to the server among them
    check(libc.unshare(CLONE_NEWIPC), 'unshare')  # System V IPC objects of its own
    check(libc.capset(ctypes.byref(CAP_HEADER), CAP_NONE), 'capset')
    check(prctl(PR_SET_NO_NEW_PRIVS, 1), 'no_new_privs')
    check(libc.prctl(PR_SET_SECCOMP, ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(KEYRING_FILTER[0])), 'seccomp')
    mem = req['memory_mb'] * 1024 * 1024
    limit(resource.RLIMIT_AS, mem)
    limit(resource.RLIMIT_DATA, mem)
    # Bounds stdout/stderr (memfds) and files in /tmp; Python ignores SIGXFSZ, so writes fail with OSError.
    limit(resource.RLIMIT_FSIZE, max(req['output_bytes'] + 1, RESULT_CAP))
    limit(resource.RLIMIT_NPROC, req['max_processes'])
    limit(resource.RLIMIT_CORE, 0)
    limit(resource.RLIMIT_NOFILE, LIMITS['openFiles'])
    cpu = int(req['timeout_ms'] / 1000) + 1
    limit(resource.RLIMIT_CPU, cpu, cpu + 1)  # SIGXCPU at the soft limit, SIGKILL at the hard one
    sys.stdin = open(0, 'r', encoding='utf-8', errors='replace', closefd=False)
    os.chdir('/tmp')


def print_error():
    """The exception being handled, on stderr, with the program's and the tests' frames only."""
    try:
        kind, error, tb = sys.exc_info()
        frames = [f for f in traceback.extract_tb(tb) if f.filename in ('<program>', '<tests>')]
        head = 'Traceback (most recent call last):\n' if frames else ''
        sys.stderr.write(head + ''.join(traceback.format_list(frames)) + ''.join(traceback.format_exception_only(kind, error)))
    except BaseException:
        pass


def flush_and_exit(status):
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except BaseException:
            status = status or 1
    os._exit(status)


def exit_status(e):
    """What `python program.py` exits with after SystemExit `e`."""
    if e.code is None:
        return 0
    if isinstance(e.code, int):
        return e.code & 0xFF
    try:
        print(e.code, file=sys.stderr)
    except BaseException:
        pass
    return 1


def test_main(req, code, files):
    """A call or stdio test, in a process of its own; never returns. Call tests find their arguments
    in descriptor 3, as JSON, and leave their return value there."""
    confine(req, files)
    stdio = req['mode'] == 'stdio'
    ns = {'__name__': '__main__' if stdio else '__program__', '__builtins__': builtins}
    try:
        if not stdio:
            args = loads(os.pread(3, os.fstat(3).st_size, 0))
            os.ftruncate(3, 0)
        exec(code, ns)
        if not stdio:
            fn = ns.get(req['fn_name'])
            if fn is None and isinstance(ns.get('Solution'), type):
                fn = getattr(ns['Solution'](), req['fn_name'], None)  # LeetCode style
            if not callable(fn):
                raise NameError(req['fn_name'] + ' is not defined as a function')
            os.pwrite(3, dumps(fn(*args), allow_nan=False).encode(), 0)
    except SystemExit as e:
        # A stdio program may end with sys.exit(); a program that exits before its call fails.
        flush_and_exit(finish(exit_status(e)) if stdio else 1)
    except MemoryError:
        flush_and_exit(EXIT_MEMORY)
    except BaseException:
        print_error()
        flush_and_exit(finish(1) if stdio else 1)
    flush_and_exit(finish(0) if stdio else 0)


def finish(status):
    """What `python3 program.py` does after the program: wait for its threads, then run its atexit
    functions (some print their output there). Either may hang: that is the test's timeout."""
    try:
        threading._shutdown()
    except BaseException:
        pass
    atexit._run_exitfuncs()
    return status


class ChannelError(BaseException):
    """Q: the program's side broke the call protocol (a BaseException, so `except Exception` in the
    test code cannot take it for the candidate's own error)."""


class CandidateError(Exception):
    """Q: an exception the candidate raised that is not one of Python's own."""


def encode(value, depth=0):
    """A plain value as JSON-ready data: lists as lists, other containers tagged. Anything else (an
    object of the program's, a function, a generator) cannot cross."""
    if depth > 500:
        raise ValueError('value nests too deeply')
    t = type(value)
    if value is None or t in (bool, int, float, str):
        return value
    if isinstance(value, int):
        return int.__index__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (bytes, bytearray)):
        return {'b': bytes(value).decode('latin-1')}
    if isinstance(value, complex):
        return {'c': [value.real, value.imag]}
    items = lambda: [encode(v, depth + 1) for v in value]
    if isinstance(value, list):
        return items()
    if isinstance(value, tuple):
        return {'t': items()}
    if isinstance(value, frozenset):
        return {'f': items()}
    if isinstance(value, set):
        return {'s': items()}
    if isinstance(value, dict):
        return {'d': [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    raise TypeError('a %s cannot be passed between the program and the tests' % t.__name__)


def decode(data):
    """The inverse of encode, refusing anything encode does not write."""
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode(v) for v in data]
    if type(data) is dict and len(data) == 1:
        (tag, body), = data.items()
        if tag == 'b' and type(body) is str:
            return body.encode('latin-1')
        if tag == 'c' and type(body) is list and len(body) == 2:
            return complex(*(float(x) for x in body))
        if tag == 'd' and type(body) is list and all(type(pair) is list and len(pair) == 2 for pair in body):
            return {decode(k): decode(v) for k, v in body}
        if type(body) is list and tag in ('t', 'f', 's'):
            return {'t': tuple, 'f': frozenset, 's': set}[tag](decode(v) for v in body)
    raise ValueError('not a value')


class Channel:
    """Length-prefixed JSON messages over a socket (assert-style tests)."""

    def __init__(self, sock):
        self.sock = sock

    def send(self, message):
        data = dumps(message).encode()
        self.sock.sendall(len(data).to_bytes(4, 'big') + data)

    def receive(self):
        """The next message, or None at end of stream; ValueError when it is not one."""
        head = self.read(4)
        if head is None:
            return None
        size = int.from_bytes(head, 'big')
        if size > RESULT_CAP:
            raise ValueError('message of %d bytes' % size)
        body = self.read(size)
        if body is None:
            raise ValueError('message cut short')
        return loads(body)

    def read(self, size):
        chunks, left = [], size
        while left > 0:
            chunk = self.sock.recv(min(left, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b''.join(chunks)


def program_main(req, code, files):
    """P: runs the program, then calls its functions as Q asks; never returns."""
    confine(req, files)
    channel = Channel(socket.socket(fileno=3))
    ns = {'__name__': '__program__', '__builtins__': builtins}
    try:
        exec(code, ns)
    except MemoryError:
        flush_and_exit(EXIT_MEMORY)
    except BaseException:
        print_error()
        channel.send(['failed'])
        flush_and_exit(1)
    channel.send(['ready'])
    while True:
        message = channel.receive()
        if message is None:
            flush_and_exit(0)
        if message[0] == 'names':
            channel.send(['names', describe_names(ns, message[1])])
            continue
        _, name, args, kwargs = message
        try:
            reply = ['ok', encode(ns[name](*decode(args), **decode(kwargs)))]
        except MemoryError:
            flush_and_exit(EXIT_MEMORY)
        except BaseException as e:
            reply = ['raised', type(e).__name__, safe_str(e)]
        channel.send(reply)


def describe_names(ns, names):
    found = {}
    for name in names:
        if name not in ns:
            continue
        value = ns[name]
        if callable(value):
            found[name] = ['fn']
            continue
        try:
            found[name] = ['value', encode(value)]
        except (TypeError, ValueError):
            pass
    return found


def safe_str(e):
    try:
        return str(e)[:1000]
    except BaseException:
        return ''


def global_names(code):
    """Every name the test code's code objects refer to (globals among them)."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= global_names(const)
    return names


def remote(channel, name):
    """Q: a stand-in for the program's function `name`, called through the channel."""
    def call(*args, **kwargs):
        channel.send(['call', name, encode(args), encode(kwargs)])
        return answer(channel)
    call.__name__ = call.__qualname__ = name
    return call


def answer(channel):
    try:
        reply = channel.receive()
    except Exception as e:  # a malformed message: not JSON, nested too deeply, too long
        raise ChannelError('the program sent a malformed answer (%s)' % type(e).__name__)
    if reply is None:
        raise ChannelError('the program ended during a call')
    try:
        if reply[0] == 'ok' and len(reply) == 2:
            return decode(reply[1])
        kind, message = reply[1], reply[2]
        valid = reply[0] == 'raised' and len(reply) == 3 and type(kind) is str and type(message) is str
    except Exception as e:
        raise ChannelError('the program sent a value that is not one (%s)' % type(e).__name__)
    if not valid:
        raise ChannelError('the program sent something that is no answer')
    cls = getattr(builtins, kind, None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        try:
            error = cls(message)
        except Exception:
            error = CandidateError('%s: %s' % (kind, message))
    else:
        error = CandidateError('%s: %s' % (kind, message))
    raise error


def tests_main(req, tests_code, files):
    """Q: binds the program's names the test code uses, then runs the test code; exits 0 only when it
    ran to its end. Never returns."""
    confine(req, files)
    channel = Channel(socket.socket(fileno=3))
    try:
        if channel.receive() != ['ready']:
            raise ChannelError('the program failed before the tests ran')
        wanted = sorted(n for n in global_names(tests_code) if not hasattr(builtins, n))[:MAX_CALL_NAMES]
        channel.send(['names', wanted])
        reply = channel.receive()
        if type(reply) is not list or len(reply) != 2 or reply[0] != 'names' or type(reply[1]) is not dict:
            raise ChannelError('the program sent no names')
        ns = {'__name__': '__tests__', '__builtins__': builtins}
        for name in wanted:
            kind = reply[1].get(name)
            if kind == ['fn']:
                ns[name] = remote(channel, name)
            elif type(kind) is list and len(kind) == 2 and kind[0] == 'value':
                ns[name] = decode(kind[1])
        exec(tests_code, ns)
    except BaseException:
        print_error()
        flush_and_exit(1)
    flush_and_exit(0)


# --- W: the job ---

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


def fork_with(main, *args):
    pid = os.fork()
    if pid == 0:
        try:
            main(*args)
        finally:
            os._exit(1)  # a failure to confine it
    return pid


def wait_for(pid, timeout_s):
    """W: the process's wait status, or None when it is still running at the deadline."""
    pidfd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([pidfd], [], [], max(0, timeout_s))
    finally:
        os.close(pidfd)
    return os.waitpid(pid, 0)[1] if ready else None


def ended(status, req, out_size, value_size=None):
    """A test's status from how its process ended, the size of its stdout and, for a call, of its
    return value; with a note for stderr."""
    if out_size > req['output_bytes']:
        return 'output_limit', ''
    if status is None or (os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL)):
        return 'timeout', ''  # wall clock, or RLIMIT_CPU
    if os.WIFSIGNALED(status):
        return 'runtime_error', '\nkilled by signal %d' % os.WTERMSIG(status)
    code = os.WEXITSTATUS(status)
    if code == EXIT_MEMORY:
        return 'memory', ''
    if code != 0:
        return 'runtime_error', '' if code == 1 else '\nexit status %d' % code
    if value_size == 0:
        return 'runtime_error', '\nexited without returning a value'
    return 'ok', ''


def run_test(req, code, text, timeout_s):
    """W: one call or stdio test."""
    call = req['mode'] == 'call'
    files = [memfd_with('' if call else text), memfd_with(''), memfd_with(''), memfd_with(text if call else '')]
    started = time.monotonic()
    pid = fork_with(test_main, req, code, files)
    status = wait_for(pid, timeout_s)
    ms = (time.monotonic() - started) * 1000
    reap()
    out, out_size = read_all(files[1], req['output_bytes'])
    err, _ = read_all(files[2], STDERR_KEEP)
    value, value_size = read_all(files[3], RESULT_CAP) if call else (b'', None)
    for fd in files:
        os.close(fd)
    verdict, note = ended(status, req, out_size, value_size)
    result = {'status': verdict, 'ms': ms, 'stdout': out.decode('utf-8', 'replace'), 'stderr': err.decode('utf-8', 'replace') + note}
    if verdict == 'ok' and call:
        result['value'] = value.decode('utf-8', 'replace')
    return result


def run_assert_test(req, code, tests_code, timeout_s):
    """W: the program in P, the test code in Q; the verdict is how Q ended."""
    program_files = [memfd_with(''), memfd_with(''), memfd_with('')]
    tests_files = [memfd_with(''), memfd_with(''), memfd_with('')]
    ours, theirs = socket.socketpair()
    started = time.monotonic()
    program = fork_with(program_main, req, code, program_files + [ours.fileno()])
    tests = fork_with(tests_main, req, tests_code, tests_files + [theirs.fileno()])
    ours.close()
    theirs.close()
    status = wait_for(tests, timeout_s)
    ms = (time.monotonic() - started) * 1000
    try:
        _, program_status = os.waitpid(program, os.WNOHANG)
    except ChildProcessError:
        program_status = 0
    reap()
    out, out_size = read_all(program_files[1], req['output_bytes'])
    err = read_all(program_files[2], STDERR_KEEP)[0] + read_all(tests_files[2], STDERR_KEEP)[0]
    for fd in program_files + tests_files:
        os.close(fd)
    verdict, note = ended(status, req, out_size)
    if verdict == 'runtime_error' and program_status and os.WIFEXITED(program_status) and os.WEXITSTATUS(program_status) == EXIT_MEMORY:
        verdict = 'memory'
    return {'status': verdict, 'ms': ms, 'stdout': out.decode('utf-8', 'replace'), 'stderr': err[-STDERR_KEEP:].decode('utf-8', 'replace') + note}


def run_tests(req, code, tests_code):
    """W: runs the job's tests in order, each within its own limit and the job's budget."""
    end = time.monotonic() + req['budget_ms'] / 1000
    results = []
    for text in req['inputs']:
        left = min(req['timeout_ms'] / 1000, end - time.monotonic())
        if left <= 0:
            results.append({'status': 'timeout', 'ms': 0, 'stdout': '', 'stderr': 'not run: cell deadline'})
        elif req['mode'] == 'script':
            results.append(run_assert_test(req, code, tests_code, left))
        else:
            results.append(run_test(req, code, text, left))
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
    """The program's code object and the test code's, or what keeps them from compiling: the
    program's fault (every test fails) or the reference's (the job cannot be scored)."""
    try:
        tests_code = compile(req.get('assert_code') or '', '<tests>', 'exec')
    except (SyntaxError, ValueError, OverflowError) as e:
        return None, None, {'tests_error': ''.join(traceback.format_exception_only(type(e), e))[:STDERR_KEEP]}
    try:
        return compile(req['source'], '<program>', 'exec'), tests_code, None
    except (SyntaxError, ValueError, OverflowError) as e:
        failure = {'status': 'compile_error', 'ms': 0, 'stdout': '', 'stderr': ''.join(traceback.format_exception_only(type(e), e))[:STDERR_KEEP]}
        return None, None, {'tests': [failure for _ in req['inputs']]}


def fresh_scratch():
    """W, before its job arrives: a mount namespace of its own (so it can prepare while the previous
    job still runs), a /proc of its PID namespace (only the job's processes), new empty /tmp and
    /dev/shm, so nothing a job writes reaches the next, and a kernel keyring of its own."""
    check(libc.unshare(CLONE_NEWNS), 'unshare')
    mount(b'proc', b'/proc', b'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    for path in (b'/tmp', b'/dev/shm'):
        mount(b'tmpfs', path, b'tmpfs', MS_NOSUID | MS_NODEV, b'size=%d,mode=1777' % LIMITS['scratchBytes'])
    os.chdir('/tmp')
    if libc.syscall(ctypes.c_long(SYS_KEYCTL), ctypes.c_long(KEYCTL_JOIN_NEW_KEYRING), None) < 0:
        raise OSError(ctypes.get_errno(), 'keyctl failed')


def enter_host():
    """B: no core dumps or ptrace (inherited by W and the test processes), and no signal handler a
    test process could trigger in W: signals from inside a namespace to its PID 1 are dropped unless
    PID 1 handles them, and Python handles SIGINT by default."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    prctl(PR_SET_DUMPABLE, 0)


def run_job(req):
    """W: one job, in the scratch space W prepared; its answer without the id."""
    code, tests_code, failure = compile_job(req)
    if failure is not None:
        return failure
    try:
        return {'tests': run_tests(req, code, tests_code)}
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
        # The next job's W is forked while this one's runs: the fork's cost stays off the job's path.
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
    check(libc.unshare(CLONE_NEWPID), 'unshare')
    pid = os.fork()
    if pid != 0:
        check(libc.setns(own_pid_ns, CLONE_NEWPID), 'setns')
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
        send(results_w, dict(run_job(req), id=req['id']))
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


def enter_job_host():
    """A: a user namespace of its own (keeping its uid and gid: an unmapped uid cannot create files),
    in which no further user namespace can be made, with PID and mount namespaces for its children."""
    check(libc.unshare(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS), 'unshare')
    prctl(PR_SET_DUMPABLE, 1)  # a non-dumpable process cannot write its own uid_map
    uid, gid = os.getuid(), os.getgid()
    for name, text in (('uid_map', '%d %d 1' % (uid, uid)), ('setgroups', 'deny'), ('gid_map', '%d %d 1' % (gid, gid))):
        with open('/proc/self/' + name, 'w') as f:
            f.write(text)
    with open('/proc/sys/user/max_user_namespaces', 'w') as f:
        f.write('0')  # counts the namespaces made inside this one: test code can make none


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
                enter_job_host()
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
    prctl(PR_SET_DUMPABLE, 0)
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
