// What the signed-in person may do: `viewer { permissions }`, read before anything else (docs/frontend.md).

export const me = { permissions: [], holder: false, viewer: null };

export function remember(viewer) {
  me.permissions = viewer?.permissions || [];
  me.holder = Boolean(viewer && !viewer.contact);
  me.viewer = viewer;
}

export const may = (permission) => me.permissions.includes(permission);
