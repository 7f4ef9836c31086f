/** One HTTP/1.1 request written byte for byte on a socket: the request target goes out exactly as given (fetch would normalize it). */
import net from 'node:net';

export interface RawResponse {
  status: number;
  head: string;
  body: string;
}

export function rawRequest(
  port: number,
  method: string,
  target: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const body = options.body ?? '';
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, connection: 'close', ...options.headers };
  if (body !== '' || ['POST', 'PUT', 'PATCH'].includes(method)) headers['content-length'] = String(Buffer.byteLength(body));
  const text = `${method} ${target} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n${body}`;
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`no answer to ${method} ${target}`)), 30_000);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', (error) => {
      clearTimeout(timer);
      // A server may answer and reset at once; what arrived before the reset is the answer.
      if (chunks.length > 0) resolve(parse(Buffer.concat(chunks).toString('latin1')));
      else reject(error);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(parse(Buffer.concat(chunks).toString('latin1')));
    });
    socket.write(text, 'latin1');
  });
}

function parse(raw: string): RawResponse {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, head, body: split < 0 ? '' : raw.slice(split + 4) };
}
