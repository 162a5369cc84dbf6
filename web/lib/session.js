// What the signed-in person may do: `viewer { permissions }`, read before anything else (docs/frontend.md).

// `name`: the person's name as the header shows it (the shell sets it).
export const me = { permissions: [], holder: false, viewer: null, name: "" };

export function remember(viewer) {
  me.permissions = viewer?.permissions || [];
  me.holder = Boolean(viewer && !viewer.contact);
  me.viewer = viewer;
  me.name = "";
}

export const may = (permission) => me.permissions.includes(permission);
