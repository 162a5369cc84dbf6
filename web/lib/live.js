// The live status of the services over graphql-transport-ws: `onChange({ service, cancellation })` for each
// cancellation event, `onChange({ service })` for a service changed without one (renewal switched, ended unrenewed);
// each subscription sends the current state first. One socket at a time. When it drops it comes back after a growing wait (1 s, 2 s, 4 s ... at most 30 s, with
// jitter so a restarted server is not met by every panel at once), subscribes again and calls `onResume`:
// events sent meanwhile were missed, so what is on screen is read again. Sign-out (`stopWatching`) ends it.

const SUBSCRIPTIONS = {
  cancellation: "subscription { cancellationStatusChanged { cancellation { id status } service { id status } } }",
  service: "subscription { serviceStatusChanged { id status } }",
};
const FIRST_WAIT_MS = 1000;
const LONGEST_WAIT_MS = 30000;
// Closed for who the person is (signed out, no longer allowed): coming back would be refused the same way.
const REFUSED = new Set([4401, 4403]);

let socket = null;
let retry = null;
let failures = 0;
let handlers = null;

export function watchServices(onChange, onResume) {
  handlers = { onChange, onResume };
  if (!socket && !retry) connect(false);
}

export function stopWatching() {
  handlers = null;
  clearTimeout(retry);
  retry = null;
  failures = 0;
  const closing = socket;
  socket = null;
  closing?.close();
}

function connect(resuming) {
  retry = null;
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`, "graphql-transport-ws");
  const send = (message) => ws.send(JSON.stringify(message));
  socket = ws;
  ws.onopen = () => send({ type: "connection_init", payload: {} });
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "connection_ack") {
      failures = 0;
      for (const [id, query] of Object.entries(SUBSCRIPTIONS)) send({ id, type: "subscribe", payload: { query } });
      if (resuming) handlers?.onResume();
    } else if (message.type === "ping") {
      send({ type: "pong" });
    } else if (message.type === "next" && message.payload.data) {
      const { cancellationStatusChanged, serviceStatusChanged } = message.payload.data;
      handlers?.onChange(cancellationStatusChanged || { service: serviceStatusChanged });
    }
  };
  ws.onclose = (event) => {
    if (socket !== ws) return; // let go already (signed out)
    socket = null;
    if (!handlers || REFUSED.has(event.code)) return;
    const wait = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** failures) * (0.5 + Math.random() / 2);
    failures += 1;
    retry = setTimeout(() => connect(true), wait);
  };
}

// The network is back: no need to wait for the next try.
window.addEventListener("online", () => {
  if (retry) {
    clearTimeout(retry);
    connect(true);
  }
});
