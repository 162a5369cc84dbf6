// The live cancellation status over graphql-transport-ws; `onChange({ service, cancellation })` for each event.

let live = null;

export function watchCancellations(onChange) {
  if (live) return;
  live = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`, "graphql-transport-ws");
  live.onopen = () => live.send(JSON.stringify({ type: "connection_init", payload: {} }));
  live.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "connection_ack") {
      live.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: "subscription { cancellationStatusChanged { cancellation { id status } service { id status } } }" } }));
    } else if (message.type === "ping") {
      live.send(JSON.stringify({ type: "pong" }));
    } else if (message.type === "next" && message.payload.data) {
      onChange(message.payload.data.cancellationStatusChanged);
    }
  };
  live.onclose = () => { live = null; };
}

export function stopWatching() {
  if (live) live.close();
}
