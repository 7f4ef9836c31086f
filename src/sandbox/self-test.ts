/**
 * Proves the Python sandbox works on this machine before the server takes
 * traffic: a program must read stdin and print, and must not reach the
 * network, the host's /etc, a writable /usr or root, the kernel's keyrings
 * or a user namespace of its own. Safe to call from the HTTP process (it
 * spawns bubblewrap; it does not load isolated-vm).
 */
import { once } from 'node:events';
import net from 'node:net';
import { resolveSandboxOptions } from './options.ts';
import { createPythonRunner } from './python-runner.ts';

/** The probe tries the host's own loopback listener: reachable only if the sandbox shares the host's network. */
const probe = (port: number) => `
import ctypes, os, platform, socket
a, b = map(int, input().split())
print(a + b)
assert not os.path.exists('/etc/passwd'), 'host /etc is visible'
for path in ('/usr/verdict-probe', '/verdict-probe', '/dev/verdict-probe'):
    try:
        open(path, 'w')
        raise AssertionError(path + ' is writable')
    except OSError:
        pass
libc = ctypes.CDLL(None, use_errno=True)
assert libc.unshare(0x10000000) != 0, 'test code can create a user namespace'
keyctl = {'x86_64': 250, 'aarch64': 219}[platform.machine()]
assert libc.syscall(keyctl, 0, -4, 0) < 0, 'test code can reach its user keyring'
try:
    socket.create_connection(('127.0.0.1', ${port}), timeout=1)
    raise AssertionError('the host network is reachable')
except OSError:
    pass
`;

/** Resolves when the sandbox works; rejects with the reason when it does not. */
export async function selfTestPython(input: Record<string, unknown> = {}): Promise<void> {
  const runner = createPythonRunner(resolveSandboxOptions({ ...input, python: true }));
  const listener = net.createServer((socket) => socket.destroy()).listen(0, '127.0.0.1');
  try {
    await once(listener, 'listening');
    const { port } = listener.address() as net.AddressInfo;
    const { tests } = await runner.run({ language: 'python', mode: 'stdio', source: probe(port), inputs: ['2 3'], timeoutMs: 10_000 });
    const [test] = tests;
    if (test?.status !== 'ok' || test.stdout.trim() !== '5') {
      throw new Error(`python sandbox self-test failed (${test?.status}): ${(test?.stderr ?? '').trim().split('\n').at(-1) ?? ''}`);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason} (is bubblewrap installed and are unprivileged user namespaces enabled? set SANDBOX_PYTHON=off to run without Python)`, {
      cause: error,
    });
  } finally {
    listener.close();
    runner.close();
  }
}
