// graphql-ws's client follows cancellationStatusChanged through a cancellation's whole lifecycle.
// Usage: CP_COOKIE='cp_session=…' node ws_lifecycle.mjs ws://127.0.0.1:PORT/graphql [timeoutSeconds]
// Prints one JSON line per result received, in order, and "ready" after the first one (the server sends
// the current state only once it listens for changes); exits 0 after the event whose cancellation is
// COMPLETED, 1 on an error result or a closed socket, 2 on the timeout.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, timeoutSeconds = '30'] = process.argv.slice(2);
const cookie = process.env.CP_COOKIE;
if (!url || !cookie) {
  console.error('usage: CP_COOKIE=… node ws_lifecycle.mjs URL [timeoutSeconds]');
  process.exit(64);
}

/** node's `ws` socket sending the session cookie in its handshake, as a browser does. */
class CookieWebSocket extends WebSocket {
  constructor(address, protocols) {
    super(address, protocols, { headers: { Cookie: cookie } });
  }
}

const SUBSCRIPTION = `subscription { cancellationStatusChanged {
  cancellation { id status } service { id status } } }`;

setTimeout(() => {
  console.error(`no COMPLETED event within ${timeoutSeconds} s`);
  process.exit(2);
}, Number(timeoutSeconds) * 1000).unref();

const client = createClient({ url, webSocketImpl: CookieWebSocket, retryAttempts: 0 });
let received = 0;
let exitCode = 1;
try {
  for await (const result of client.iterate({ query: SUBSCRIPTION })) {
    console.log(JSON.stringify(result));
    received += 1;
    if (received === 1) console.log('ready');
    if (result.errors) break;
    if (result.data?.cancellationStatusChanged?.cancellation?.status === 'COMPLETED') {
      exitCode = 0;
      break;
    }
  }
} catch (error) {
  console.error(`subscription ended: ${JSON.stringify(error?.code ?? error?.message ?? error)}`);
}
await client.dispose();
process.exit(exitCode);
